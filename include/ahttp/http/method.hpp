// SPDX-License-Identifier: BSL-1.0
// HTTP request methods (RFC 9110 §9).
#pragma once

#include <string_view>

namespace ahttp::http {

/// The methods the library knows by name; others travel as `unknown` plus their token.
enum class method : unsigned char {
    unknown,
    get,
    head,
    post,
    put,
    delete_,
    connect,
    options,
    trace,
    patch,
};

/// Returns the method named by `token` (case-sensitive, as RFC 9110 §9.1 requires).
method method_from_string(std::string_view token) noexcept;

/// Returns the token of `m`, e.g. "GET"; empty for `unknown`.
std::string_view to_string(method m) noexcept;

/// True for the methods RFC 9110 §9.2.2 calls idempotent.
constexpr bool is_idempotent(method m) noexcept
{
    return m == method::get || m == method::head || m == method::put || m == method::delete_ ||
           m == method::options || m == method::trace;
}

} // namespace ahttp::http
