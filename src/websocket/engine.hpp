// SPDX-License-Identifier: BSL-1.0
// The WebSocket engine behind websocket::connection: a background reader that answers
// control frames and queues messages, serialised writers, the close handshake, the heartbeat.
#pragma once

#include "websocket/deflate.hpp"
#include "websocket/message_reader.hpp"
#include "websocket/notifier.hpp"
#include "websocket/transport.hpp"

#include <ahttp/semaphore.hpp>
#include <ahttp/websocket/errors.hpp>
#include <ahttp/websocket/message.hpp>
#include <ahttp/websocket/options.hpp>

#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ahttp::websocket::detail {

/// What the handshake settled.
struct agreement {
    std::string protocol;                  ///< the subprotocol, or empty
    std::optional<deflate_params> deflate; ///< permessage-deflate, if negotiated
};

class engine : public std::enable_shared_from_this<engine> {
public:
    using clock = std::chrono::steady_clock;

    engine(role r, std::unique_ptr<transport> io, options const& opts, agreement agreed);
    ~engine();
    engine(engine const&) = delete;
    engine& operator=(engine const&) = delete;

    /// Starts the background reader (and the heartbeat). Call once, right after construction.
    void start();

    awaitable<std::optional<message>> receive();
    /// Sends a data message (text or binary), compressed when negotiated.
    awaitable<void> send_message(opcode op, std::string_view payload);
    /// Sends a ping or pong (payload ≤ 125 bytes).
    awaitable<void> send_control(opcode op, std::string_view payload);
    awaitable<void> close(std::uint16_t code, std::string_view reason);

    /// Ends the connection when its owner is done with it (the server handler returned, or
    /// the last handle went): a close handshake with `code` unless closed already, then waits
    /// until the reader has stopped, so the transport is idle when this returns.
    awaitable<void> finish(std::uint16_t code);
    /// Starts a close handshake with `code` in the background, unless closing already
    /// (1001 on server shutdown; 1000 when the last handle goes).
    void close_in_background(std::uint16_t code) noexcept;
    /// Drops the connection at once (forced shutdown).
    void abort() noexcept;

    bool closing() const noexcept { return close_sent_ || closed_; }
    bool closed() const noexcept { return closed_; }
    std::optional<close_code> code() const noexcept { return close_code_; }
    std::string const& reason() const noexcept { return close_reason_; }
    std::string const& protocol() const noexcept { return protocol_; }
    bool compressed() const noexcept { return codec_ != nullptr; }
    executor get_executor() const noexcept { return executor_; }

private:
    friend class engine_access; // starts the loops below on their own coroutines
    awaitable<void> read_loop();
    awaitable<void> heartbeat_loop();

    /// A frame's bytes as buffers: the header (in header_) and the payload, or for a
    /// client one buffer with both, masked (masked_). Valid until the next frame.
    struct frame_buffers {
        std::array<boost::asio::const_buffer, 2> pieces{};
        std::size_t count = 0;
        std::span<boost::asio::const_buffer const> view() const noexcept
        {
            return {pieces.data(), count};
        }
        /// The buffers left after `done` bytes were written.
        std::span<boost::asio::const_buffer const> after(std::size_t done) noexcept;
    };
    frame_buffers prepare_frame(opcode op, bool rsv1, std::string_view payload);
    /// Writes one frame; the caller holds the write lock.
    awaitable<error_code> write_frame(opcode op, bool rsv1, std::string_view payload);
    awaitable<error_code> write_close_frame(std::optional<std::uint16_t> code,
                                            std::string_view reason);
    /// The peer's close frame arrived: echo it unless we started, then end the transport.
    awaitable<void> on_close_frame(std::uint16_t code, std::string reason);
    /// The peer broke the protocol: send our close frame with `code`, then end the transport.
    awaitable<void> on_protocol_error(std::uint16_t code, std::string reason);
    /// Marks the connection closed and wakes every waiter.
    void mark_closed(std::uint16_t code) noexcept;
    /// Shuts down our side and lets the reader drain the peer's last bytes for a bounded
    /// time (so the close frame is not lost to a reset), then closes.
    void end_transport() noexcept;
    [[noreturn]] void throw_closed() const;
    std::uint32_t next_mask() noexcept;
    bool inbox_full() const noexcept;
    /// A message arrived or the connection closed: wakes a waiting receive().
    void wake_receiver() noexcept;

    role role_;
    std::unique_ptr<transport> io_;
    options options_;
    std::string protocol_;
    std::unique_ptr<deflate_codec> codec_;
    message_reader reader_;
    executor executor_;

    std::deque<message> inbox_;
    std::size_t inbox_bytes_ = 0;
    notifier room_made_; // receive() took a message (the reader may read on)
    notifier closed_changed_;

    semaphore write_lock_;
    std::array<unsigned char, max_header_size> header_{}; // the header of the frame in flight
    std::string masked_; // a client's frame in flight: header and masked payload

    bool started_ = false;
    bool close_sent_ = false;    // we started closing (or answered): no more messages out
    bool close_written_ = false; // our close frame is on the wire
    bool reader_paused_ = false; // the reader waits for receive() to make room
    bool closed_ = false;
    bool reader_done_ = true;
    bool receiving_ = false;
    std::optional<close_code> close_code_;
    std::string close_reason_;
    std::exception_ptr failure_; // what receive() throws once the queue is empty
    std::string closed_why_;     // for the error a send after closing throws
    clock::time_point last_received_;
    boost::asio::steady_timer receive_timer_; // receive()'s wait (see wake_receiver)
    bool receiver_waiting_ = false;
    boost::asio::steady_timer heartbeat_timer_;
    boost::asio::steady_timer linger_timer_;
    std::uint64_t mask_state_ = 0;
};

} // namespace ahttp::websocket::detail
