// SPDX-License-Identifier: BSL-1.0
// The connection as a request sees it: body reads and streamed response writes.
#pragma once

#include "compression/coding.hpp"

#include <ahttp/awaitable.hpp>
#include <ahttp/web/request.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

namespace ahttp::web {
class response;
}

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
