// SPDX-License-Identifier: BSL-1.0
// HTTP status codes (RFC 9110 §15) and their reason phrases.
#pragma once

// Boost 1.81's core/string_view.hpp uses std::ostream without including it.
#include <boost/beast/http/status.hpp>

#include <ostream>
#include <string_view>

namespace ahttp::http {

/// A status code; `status::ok`, `status::not_found`, … Any unsigned value 100..999 may be cast.
using status = boost::beast::http::status;

/// Returns the standard reason phrase of `code`, or "Unknown" for unregistered codes.
std::string_view reason_phrase(status code) noexcept;

/// Returns the numeric value of `code`.
constexpr unsigned to_int(status code) noexcept
{
    return static_cast<unsigned>(code);
}

} // namespace ahttp::http
