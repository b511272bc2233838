// SPDX-License-Identifier: BSL-1.0
// The connection as a request sees it: body reads and streamed response writes.
#pragma once

#include "compression/coding.hpp"

#include <ahttp/awaitable.hpp>
#include <ahttp/web/request.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

namespace ahttp::web {
class response;
}

namespace ahttp::websocket {
struct options;
namespace detail {
class engine;
struct agreement;
} // namespace detail
} // namespace ahttp::websocket

namespace ahttp::web::detail {

class request_channel {
public:
    /// Returns the next piece of the body (at most `max_size` bytes), empty at its end.
    /// @throws web::http_bad_request for malformed chunked data or a truncated body.
    virtual awaitable<std::string_view> read_body(std::size_t max_size) = 0;

    /// Sends the head of a streamed response. With `content_length` the body is sent as is,
    /// else chunked (HTTP/1.1) or delimited by closing the connection (HTTP/1.0). With a
    /// `coding` other than identity, every piece is compressed and flushed on its way out
    /// (the head already says Content-Encoding; `content_length` must then be empty).
    virtual awaitable<void> start_stream(response const& head,
                                         std::optional<std::uint64_t> content_length,
                                         compression::coding coding) = 0;
    /// Sends a piece of a streamed body.
    virtual awaitable<void> write_stream(std::string_view data) = 0;
    /// Ends a streamed body (the coding's end, then the last chunk). Idempotent. The
    /// connection calls it when the handler returns, so a compressed stream is always whole.
    virtual awaitable<void> finish_stream() = 0;
    /// Answers 101 Switching Protocols with `head`'s fields (which must include Upgrade,
    /// Connection and Sec-WebSocket-Accept) and hands the connection to a running WebSocket
    /// engine. When the handler returns, the connection closes the WebSocket (1000) and ends.
    /// @throws ahttp::error (invalid_state) if a response was already started;
    ///   boost::system::system_error if the client has gone.
    virtual awaitable<std::shared_ptr<websocket::detail::engine>>
    upgrade(response const& head, websocket::options const& options,
            websocket::detail::agreement const& agreed) = 0;
    /// Sends a piece of a streamed body (chunked or close-delimited) without waiting: it is
    /// queued and written as far as the socket takes it now; the rest goes out with the next
    /// write. Does nothing while another write is in flight (a keep-alive ping can be
    /// skipped) or when the stream is not open. Returns false if the peer has gone.
    virtual bool try_write_stream(std::string_view data) = 0;
    /// Returns once the peer has closed or reset the connection (or shut down its sending
    /// side), while a handler streams a response; the connection itself is not read.
    /// @throws boost::system::system_error (operation_aborted) if cancelled.
    virtual awaitable<void> wait_peer_closed() = 0;

protected:
    ~request_channel() = default;

    /// What the connection knows about a request before the handler runs.
    struct request_init {
        http::method method = http::method::unknown;
        std::string_view method_token;
        std::string_view target;
        http::headers_view const* headers = nullptr;
        std::string_view remote;
        std::optional<std::uint64_t> content_length;
        int version_minor = 1;
        bool keep_alive = true;
        bool has_body = false;
    };

    /// Resets `r` for a new request (keeping its buffers' capacity). Returns false if the
    /// target is not a valid origin-form or absolute-form path.
    static bool init_request(request& r, request_init const& init);

public:
    /// The route match fills these (used by application::handle).
    static web::path_params& params_of(request& r) noexcept { return r.params_; }
};

} // namespace ahttp::web::detail
