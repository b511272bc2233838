// SPDX-License-Identifier: BSL-1.0
// Server-side logging: handler failures and the access log (aiohttp's format directives).
#pragma once

#include <ahttp/web/request.hpp>
#include <ahttp/web/response.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ahttp::web::detail {

/// Appends `value` in decimal (no allocation beyond the string's growth).
void append_decimal(std::string& out, std::uint64_t value);

/// Writes "Error handling request <method> <target>: <what>" to stderr.
void log_handler_exception(request const& req, std::string_view what) noexcept;

/// Writes "Warning: the event loop of worker <n> was blocked for <ms> ms ..." to stderr.
void log_loop_stall(std::size_t worker_index, std::chrono::milliseconds stalled) noexcept;

/// The current time as an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), cached per thread
/// and refreshed once a second.
std::string_view http_date() noexcept;

/// An access-log format compiled once; writes one line per request to stderr.
class access_logger {
public:
    explicit access_logger(std::string_view format);

    void log(request const& req, http::status status, http::headers const* response_headers,
             std::size_t body_bytes, std::chrono::steady_clock::duration elapsed) const noexcept;

private:
    enum class kind : unsigned char {
        literal,
        remote,
        time,
        pid,
        first_line,
        status,
        bytes,
        seconds,
        seconds_float,
        micros,
        request_header,
        response_header
    };
    struct piece {
        kind what;
        std::string text; // literal text or header name
    };
    std::vector<piece> pieces_;
};

} // namespace ahttp::web::detail
