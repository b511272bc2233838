// SPDX-License-Identifier: BSL-1.0
// One HTTP/1.1 server connection: reads requests, runs the application, writes responses.
#pragma once

#include "compression/encoder.hpp"
#include "web/file_body.hpp"
#include "web/request_channel.hpp"
#include "web/worker.hpp"
#include "wire/request_parser.hpp"

#include <ahttp/web/request.hpp>
#include <ahttp/web/response.hpp>

#include <boost/asio/cancellation_signal.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

namespace ahttp::web::detail {

class connection final : public request_channel {
public:
    using clock = std::chrono::steady_clock;

    connection(worker& owner, stream_protocol::socket socket);
    connection(connection const&) = delete;
    connection& operator=(connection const&) = delete;
    ~connection();

    /// Serves requests until the peer leaves, a limit or timeout is hit, or the server drains.
    awaitable<void> run();

    /// Called by the worker's sweep: closes the connection if its current deadline passed.
    void check_deadline(clock::time_point now) noexcept;
    /// Graceful shutdown: finish the current request, then close; an idle connection closes now.
    void drain() noexcept;
    /// Forced shutdown: cancels whatever the connection (or its handler) awaits.
    void cancel() noexcept;

    boost::asio::cancellation_signal& cancellation() noexcept { return cancel_; }

    // Intrusive list links, owned by the worker.
    connection* prev = nullptr;
    connection* next = nullptr;

    // request_channel
    awaitable<std::string_view> read_body(std::size_t max_size) override;
    awaitable<void> start_stream(response const& head, std::optional<std::uint64_t> content_length,
                                 compression::coding coding) override;
    awaitable<void> write_stream(std::string_view data) override;
    awaitable<void> finish_stream() override;
    awaitable<std::shared_ptr<websocket::detail::engine>>
    upgrade(response const& head, websocket::options const& options,
            websocket::detail::agreement const& agreed) override;
    bool try_write_stream(std::string_view data) override;
    awaitable<void> wait_peer_closed() override;
    awaitable<void> write_stream_bytes(std::string_view data); // after any coding

private:
    enum class stream_mode : unsigned char { none, length, chunked, until_close, finished };

    // A request is served in three steps so that the common case runs in run()'s own frame:
    // begin_request (sync), the application's handler (awaited by run), then finish_request
    // (sync) or, when I/O is still needed, finish_request_async.
    bool begin_request();
    bool needs_async_finish(response const& r) const noexcept;
    bool finish_request(response const& r);
    awaitable<bool> finish_request_async(response& r);
    bool keep_alive_after(response const& r) const noexcept;
    bool end_request(response const& r, std::size_t body_bytes, bool keep);
    void prepare_read();
    awaitable<bool> flush();
    awaitable<bool> write_now(std::string_view extra);
    awaitable<void> lingering_close();
    awaitable<bool> discard_body();
    void ensure_buffer();
    void release_buffer_if_empty() noexcept;
    bool make_room_for_body();
    void append_response(response const& r, bool keep_alive);
    void append_head(response const& r, std::optional<std::uint64_t> content_length, bool chunked,
                     bool keep_alive);
    void append_error(http::status status, std::string_view reason);
    awaitable<bool> send_file(response const& r, file_transfer const& file, bool keep_alive);
    void set_deadline(std::chrono::milliseconds timeout) noexcept
    {
        deadline_ = clock::now() + timeout;
    }
    void clear_deadline() noexcept { deadline_ = clock::time_point::max(); }

    worker& owner_;
    stream_protocol::socket socket_;
    boost::asio::cancellation_signal cancel_;
    std::string remote_;

    // Input: [begin_, end_) holds unparsed bytes; a request's head stays in place while its
    // handler runs, and body bytes are read into the space after it.
    std::unique_ptr<char[]> buffer_;
    std::size_t capacity_ = 0;
    std::size_t begin_ = 0;
    std::size_t end_ = 0;

    // The request in progress.
    wire::request_head head_;
    request request_;
    std::size_t body_begin_ = 0;       // next unread body byte in buffer_
    std::uint64_t body_remaining_ = 0; // for content_length framing
    wire::chunked_decoder chunked_;
    clock::time_point started_{}; // when the request began (only kept for the access log)
    bool body_done_ = true;
    bool continue_sent_ = false;
    bool must_close_ = false;

    stream_mode stream_ = stream_mode::none;
    std::uint64_t stream_left_ = 0;
    std::optional<compression::encoder> stream_encoder_; // a compressed stream's coder
    std::string coded_;                                  // its output for the piece in flight

    std::string out_;      // serialized responses not yet written (pipelining batches them)
    bool writing_ = false; // write_now() is writing out_: try_write_stream() must not touch it
    bool idle_ = true;     // waiting for the first byte of a request: drain() may close it now
    clock::time_point deadline_ = clock::time_point::max();
    bool expired_ = false;
    bool write_failed_ = false; // a write timed out or failed: nothing more can be sent
    bool direct_io_ = false;    // the socket is in non-blocking mode: run() may read/write directly
    bool draining_ = false;
    // Set by upgrade(): the socket now belongs to this WebSocket, which run() closes (1000)
    // when the handler returns, drain() closes with 1001 and cancel() aborts.
    std::shared_ptr<websocket::detail::engine> websocket_;
};

} // namespace ahttp::web::detail
