// SPDX-License-Identifier: BSL-1.0
// web::stream_response: send a response piece by piece (aiohttp's StreamResponse).
#pragma once

#include <ahttp/awaitable.hpp>
#include <ahttp/web/response.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

namespace ahttp::web {

class request;

/// A response whose body is written while the handler runs: set status and headers, call
/// prepare(), write() pieces, write_eof(), then `co_return` it.
///
/// Without set_content_length() the body is sent chunked (HTTP/1.1) or delimited by closing
/// the connection (HTTP/1.0). A body shorter than a declared Content-Length closes the
/// connection. For HEAD requests writes are dropped.
///
/// With enable_compression() called before prepare(), the coding is negotiated in prepare()
/// (Content-Encoding and Vary are set then), any declared Content-Length is dropped in favour
/// of chunking, and every write() is compressed and flushed at once, so that a client sees
/// each piece as it is written (server-sent events stay live). The coding's end (the gzip
/// trailer, Brotli's last block) goes out with write_eof(), or when the handler returns.
/// @par Example
///   web::stream_response stream;
///   stream.headers().set("Content-Type", "text/plain");
///   co_await stream.prepare(request);
///   co_await stream.write("hello ");
///   co_await stream.write("world");
///   co_await stream.write_eof();
///   co_return stream;
class stream_response : public response {
public:
    using response::response;

    /// Declares the body length in advance (no chunking).
    void set_content_length(std::uint64_t length) noexcept { content_length_ = length; }

    /// Sends the status line and headers (and decides the coding, see above).
    /// @throws ahttp::error (invalid_state) if called twice.
    awaitable<void> prepare(request& req);
    /// Sends `data` as the next piece of the body.
    /// @throws boost::system::system_error if the client has gone.
    awaitable<void> write(std::string_view data);
    /// Ends the body. Called for you if the handler returns without it. Later calls, and
    /// writes after it, do nothing.
    awaitable<void> write_eof();

private:
    request* request_ = nullptr;
    std::optional<std::uint64_t> content_length_;
};

} // namespace ahttp::web
