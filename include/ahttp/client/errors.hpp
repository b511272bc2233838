// SPDX-License-Identifier: BSL-1.0
// The client's exceptions (STYLE.md §3): each carries the method and URL of the request.
#pragma once

#include <ahttp/error.hpp>
#include <ahttp/http/method.hpp>
#include <ahttp/http/status.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace ahttp::client {

/// Root of the client's exceptions. `method()` and `url()` name the request that failed.
/// Cancellation is not a client_error: it propagates as Asio's operation_aborted.
class client_error : public ahttp::error {
public:
    client_error(error_code code, std::string const& what, http::method method, std::string url)
        // The code without Asio's source location: what() is for people, one short line.
        : ahttp::error(error_code{code.value(), code.category()},
                       what + " (" + std::string{http::to_string(method)} + " " + url + ")"),
          method_(method), url_(std::move(url))
    {
    }
    http::method method() const noexcept { return method_; }
    std::string const& url() const noexcept { return url_; }

private:
    http::method method_;
    std::string url_;
};

/// The server could not be reached or the connection failed: DNS failure, refused, reset,
/// closed before a complete response. `code()` is the system's (e.g. connection_refused).
class connection_error : public client_error {
public:
    using client_error::client_error;
};

/// The TLS handshake failed: the certificate did not verify (unknown CA, expired, another
/// host's name), no protocol or cipher in common, or the peer is not speaking TLS. what()
/// carries OpenSSL's reason, e.g. "certificate has expired".
class tls_error : public connection_error {
public:
    using connection_error::connection_error;
};

/// The URL cannot be requested: bad syntax, a scheme other than http/https, no host.
class invalid_url : public client_error {
public:
    invalid_url(std::string const& what, std::string url)
        : client_error(make_error_code(errc::invalid_url), what, http::method::unknown,
                       std::move(url))
    {
    }
};

/// The server's response was malformed, truncated or undecodable (aiohttp's
/// ClientPayloadError and ClientResponseError for a bad status line).
class payload_error : public client_error {
public:
    using client_error::client_error;
};

/// Which deadline of a client_timeout expired.
enum class timeout_phase : unsigned char {
    total,         ///< the whole request, body included
    connect,       ///< getting a connection: waiting for a pool slot, DNS, connecting
    sock_connect,  ///< one TCP connection attempt
    sock_read,     ///< the longest pause between two reads of the response
    pool_wait,     ///< waiting for a pool slot
    dns,           ///< resolving the host name
    tls_handshake, ///< the TLS handshake
    first_byte,    ///< from the request sent to the first byte of the response
};

/// Returns the phase's name as in client_timeout: "total", "connect", "sock_connect", …
std::string_view to_string(timeout_phase phase) noexcept;

/// A client_timeout deadline expired; `phase()` says which. `code() == std::errc::timed_out`.
class timeout_error : public client_error {
public:
    timeout_error(timeout_phase phase, http::method method, std::string url)
        : client_error(make_error_code(errc::timed_out),
                       std::string{to_string(phase)} + " timeout expired", method, std::move(url)),
          phase_(phase)
    {
    }
    timeout_phase phase() const noexcept { return phase_; }

private:
    timeout_phase phase_;
};

/// A 4xx or 5xx response refused by raise_for_status() (aiohttp's ClientResponseError).
class response_error : public client_error {
public:
    response_error(http::status status, std::string reason, http::method method, std::string url,
                   errc code = errc::response_status)
        : client_error(make_error_code(code), std::to_string(http::to_int(status)) + " " + reason,
                       method, std::move(url)),
          status_(status), reason_(std::move(reason))
    {
    }
    http::status status() const noexcept { return status_; }
    std::string const& reason() const noexcept { return reason_; }

private:
    http::status status_;
    std::string reason_;
};

/// A redirect chain longer than max_redirects (aiohttp's TooManyRedirects).
class too_many_redirects : public response_error {
public:
    too_many_redirects(http::status status, std::string reason, http::method method,
                       std::string url)
        : response_error(status, std::move(reason), method, std::move(url),
                         errc::too_many_redirects)
    {
    }
};

} // namespace ahttp::client
