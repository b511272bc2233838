// SPDX-License-Identifier: BSL-1.0
// ahttp's error model: one root exception, an error-code category, and result<T> for parsers.
#pragma once

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <boost/system/system_error.hpp>

#include <string>
#include <type_traits>

namespace ahttp {

/// Error codes raised by ahttp itself (Asio's and the OS's codes pass through unchanged).
enum class errc {
    timed_out = 1,       ///< an ahttp deadline expired (wait_for, server and client timeouts)
    bad_request,         ///< malformed HTTP from the peer
    payload_too_large,   ///< a body exceeded its configured limit
    header_too_large,    ///< a request line or header field exceeded its limit
    too_many_headers,    ///< more header fields than allowed
    unsupported_version, ///< not HTTP/1.0 or HTTP/1.1
    not_implemented,     ///< an unknown transfer-coding or method the server cannot serve
    invalid_argument,    ///< a bad value passed to the API
    invalid_state,       ///< an operation that does not fit the object's state
    invalid_url,         ///< a URL that cannot be requested (syntax, scheme, missing host)
    bad_response,        ///< malformed HTTP from a server (status line, framing, coding)
    response_status,     ///< a 4xx/5xx status refused by raise_for_status
    too_many_redirects,  ///< a redirect chain longer than max_redirects
};

} // namespace ahttp

namespace boost::system {
template <>
struct is_error_code_enum<ahttp::errc> : std::true_type {
};
} // namespace boost::system

namespace ahttp {

/// Returns the category of ahttp::errc; its `equivalent()` maps to the generic conditions,
/// so `code == std::errc::timed_out` holds for ahttp's timeouts.
boost::system::error_category const& ahttp_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), ahttp_category()};
}

/// Root of every exception the library throws; catch it to catch them all.
/// Cancellation is not an ahttp::error: it propagates as Asio's operation_aborted.
class error : public boost::system::system_error {
public:
    using boost::system::system_error::system_error;
    error(errc e, std::string const& what) : system_error(make_error_code(e), what) {}
    error(errc e, char const* what) : system_error(make_error_code(e), what) {}
};

/// A deadline expired: thrown by ahttp::wait_for and by timeouts across the library.
class timeout_error : public error {
public:
    explicit timeout_error(std::string const& what = "operation timed out")
        : error(errc::timed_out, what)
    {
    }
};

/// The value or error returned by pure parsers (URLs, header values, cookies).
template <class T>
using result = boost::system::result<T>;

using error_code = boost::system::error_code;

} // namespace ahttp
