// SPDX-License-Identifier: BSL-1.0
// client::response: status and headers at once, the body read lazily.
#pragma once

#include <ahttp/awaitable.hpp>
#include <ahttp/http/cookie.hpp>
#include <ahttp/http/headers.hpp>
#include <ahttp/http/method.hpp>
#include <ahttp/http/status.hpp>

#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ahttp::client {

namespace detail {
struct response_state;
} // namespace detail

/// The response to a request (aiohttp's ClientResponse). Status and headers are there when
/// `co_await session.get()` returns; the body is read on demand, decoded (gzip, deflate, br)
/// unless the session turned auto_decompress off.
///
/// The connection goes back to the pool once the body has been read to its end; a response
/// destroyed (or close()d) with body left unread closes its connection instead, so the pool
/// never hands out a connection in the middle of a body. Movable, not copyable. Use it on the
/// executor of the session that made it; it may outlive the session.
class response {
public:
    explicit response(std::unique_ptr<detail::response_state> state) noexcept;
    response(response&&) noexcept;
    response& operator=(response&&) noexcept;
    ~response();

    http::status status() const noexcept;
    /// The status code as a number (aiohttp's `status`).
    unsigned status_code() const noexcept { return http::to_int(status()); }
    /// The reason phrase as the server sent it (may be empty).
    std::string_view reason() const noexcept;
    /// True for a status below 400 (aiohttp's `ok`).
    bool ok() const noexcept { return status_code() < 400; }
    /// The response's header fields, in order. Made on the first call (most responses are
    /// never asked): that call may allocate, and, like the rest of a response, it is not for
    /// several threads at once.
    http::headers const& headers() const;
    /// The URL this response came from (after redirects).
    std::string const& url() const noexcept;
    http::method method() const noexcept;
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    int version_minor() const noexcept;
    /// The cookies this response set (its Set-Cookie fields that parse), in order.
    std::vector<http::cookie> cookies() const;
    /// The redirect responses that led here, oldest first (their bodies already consumed).
    std::vector<response> const& history() const noexcept;
    /// The media type of Content-Type without parameters, lower-cased ("" if absent).
    std::string content_type() const;
    /// The charset parameter of Content-Type, lower-cased ("" if absent).
    std::string charset() const;
    /// Content-Length as sent, if any (before decoding).
    std::optional<std::uint64_t> content_length() const noexcept;

    /// Reads the whole body (decoded). Later calls return it again.
    /// @throws client::payload_error (truncated, malformed chunks, bad coding, larger than
    ///   max_body_size), client::timeout_error (sock_read, total).
    awaitable<std::string> read();
    /// Reads the body as text in UTF-8: as is for UTF-8, ASCII or no charset (aiohttp's
    /// default), converted from ISO-8859-1/Latin-1; other charsets are returned undecoded.
    /// @throws like read().
    awaitable<std::string> text();
    /// Reads and parses the body as JSON (whatever the Content-Type says).
    /// @throws client::payload_error if it is not valid JSON, and like read().
    awaitable<boost::json::value> json();
    /// Reads the next piece of the body (at most `max_size` decoded bytes); empty at the end.
    /// The view is valid until the next call. Not limited by max_body_size.
    /// @throws like read().
    awaitable<std::string_view> read_chunk(std::size_t max_size = 65536);
    /// Reads the next line of the body (decoded), without its "\n" or "\r\n"; nullopt at the
    /// end. A last line without a newline is returned too. Mixing it with read_chunk() on the
    /// same response is not supported.
    /// @throws client::payload_error for a line longer than `max_size`, and like read().
    awaitable<std::optional<std::string>> read_line(std::size_t max_size = 65536);
    /// True once the body has been read to its end.
    bool is_eof() const noexcept;

    /// Throws client::response_error if the status is 400 or above; otherwise does nothing.
    /// The connection is closed first unless the body was read.
    void raise_for_status();
    /// Gives the connection back: to the pool if the body was read, else closed.
    void release() noexcept;
    /// Closes the connection, whatever is left of the body.
    void close() noexcept;

private:
    friend class session; // ws_connect takes the connection of a 101 response
    std::unique_ptr<detail::response_state> state_;
};

} // namespace ahttp::client
