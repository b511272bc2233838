// SPDX-License-Identifier: BSL-1.0
// One client connection: a socket, its read buffer, and the deadline that guards every read
// and write on it (one lazily re-armed timer, not a timer per operation).
#pragma once

#include <ahttp/awaitable.hpp>
#include <ahttp/client/errors.hpp>

#include <boost/asio/detail/reactor.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ahttp::client::detail {

using clock = std::chrono::steady_clock;
using stream_socket = boost::asio::generic::stream_protocol::socket;

/// A deadline and the phase to blame when it expires.
struct deadline {
    clock::time_point at = clock::time_point::max();
    timeout_phase phase = timeout_phase::total;

    /// The earlier of the two (ties keep `*this`).
    deadline earliest(deadline other) const noexcept { return other.at < at ? other : *this; }
    /// `now + d` blamed on `phase`, or none when `d` is no_timeout.
    static deadline after(clock::duration d, timeout_phase phase) noexcept;
    /// The same from a `now` the caller read already (one clock read for several deadlines).
    static deadline after(clock::duration d, timeout_phase phase, clock::time_point now) noexcept;
};

/// A connected socket with its buffered input. Owned by shared_ptr: the deadline timer's
/// handler holds a weak_ptr, so a connection may go while its timer is still queued.
class connection : public std::enable_shared_from_this<connection> {
public:
    connection(stream_socket socket, std::string pool_key);
    ~connection();
    connection(connection const&) = delete;
    connection& operator=(connection const&) = delete;

    std::string const& pool_key() const noexcept { return pool_key_; }

    /// Runs the TLS client handshake for `host` (SNI, and the name or IP address the
    /// certificate must carry when `verify`); later reads and writes are encrypted.
    /// Returns the error, with a human reason in `reason` (OpenSSL's verify result).
    awaitable<error_code> handshake(boost::asio::ssl::context& context, std::string const& host,
                                    bool verify, std::string& reason);

    /// Reads more bytes into the buffer (at least one). Returns the error: eof when the peer
    /// closed, operation_aborted with expired() set when the deadline passed.
    awaitable<error_code> read_more();
    /// read_more() in two halves around the caller's own co_await on socket() (plain TCP
    /// only, see is_tls()): one coroutine frame less on the hot path.
    ///   auto [ec, n] = co_await c.socket().async_read_some(c.prepare_read(), token);
    ///   ec = c.commit_read(ec, n);
    boost::asio::mutable_buffer prepare_read();
    error_code commit_read(error_code ec, std::size_t n) noexcept;
    bool is_tls() const noexcept { return tls_ != nullptr; }
    stream_socket& socket() noexcept { return socket_; }
    /// The reactor serving socket(), for async_receive_some() (readable_read.hpp).
    boost::asio::detail::reactor& reactor() noexcept { return *reactor_; }
    /// Writes every byte of `data`.
    awaitable<error_code> write(std::string_view data);

    /// Bytes received and not yet consumed.
    std::string_view buffered() const noexcept
    {
        return {in_.get() + in_begin_, in_end_ - in_begin_};
    }
    /// Marks the first `n` buffered bytes as used.
    void consume(std::size_t n) noexcept;

    /// Guards the following reads and writes by `d` (none: unguarded).
    void set_deadline(deadline d);
    /// True once the deadline passed during an operation (cleared by set_deadline).
    bool expired() const noexcept { return expired_; }
    timeout_phase expired_phase() const noexcept { return deadline_.phase; }

    /// Whether an idle pooled connection can carry another request: the peer has not closed
    /// it and sent nothing unasked. With `peek`, a non-blocking recv(MSG_PEEK) asks the
    /// kernel (the only way to see a FIN that arrived while idle); without, only what is
    /// known here is checked (open, nothing buffered).
    bool is_reusable_now(bool peek = true) noexcept;
    /// Sends what it can of `data` at once without waiting (plain TCP only; 0 over TLS or
    /// when the socket buffer is full). Returns the bytes sent; `ec` set on a hard error.
    std::size_t write_now(std::string_view data, error_code& ec) noexcept;

    /// A write deferred to the end of the loop's round (round_writes) that did not go out
    /// whole comes back here: `rest` still to send (maybe all of it) and the error, if any.
    /// The pending read is cancelled, so that the request's coroutine sees it.
    void hand_back_write(std::string_view rest, error_code ec) noexcept;
    struct unsent_write {
        std::string_view rest;
        error_code error;
    };
    /// The write handed back, once (then cleared); nullopt if none.
    std::optional<unsent_write> take_handed_back() noexcept;
    /// Whether a write of this connection waits in a round_writes queue (so that taking it
    /// back out needs no search when it does not).
    bool write_queued() const noexcept { return write_queued_; }
    void set_write_queued(bool queued) noexcept { write_queued_ = queued; }

    /// Requests carried so far (the first is 0 on a fresh connection).
    std::size_t requests() const noexcept { return requests_; }
    void count_request() noexcept { ++requests_; }

    /// When it went back to the pool (keep-alive expiry).
    clock::time_point idle_since() const noexcept { return idle_since_; }
    void mark_idle() noexcept { idle_since_ = clock::now(); }

    void close() noexcept;
    bool is_open() const noexcept { return socket_.is_open(); }

private:
    void arm_timer();
    void on_timer(error_code ec);

    stream_socket socket_;
    boost::asio::detail::reactor* reactor_;
    /// Set by handshake(): TLS over socket_ (declared after it, so destroyed before it).
    std::unique_ptr<boost::asio::ssl::stream<stream_socket&>> tls_;
    boost::asio::steady_timer timer_;
    std::string pool_key_;
    // The read buffer: raw storage, so that making room for a read does not zero-fill it
    // (std::string::resize did, 16 KiB per response). [in_begin_, in_end_) is unconsumed.
    std::unique_ptr<char[]> in_;
    std::size_t in_capacity_ = 0;
    std::size_t in_begin_ = 0;
    std::size_t in_end_ = 0;
    deadline deadline_;
    clock::time_point timer_at_ = clock::time_point::max(); // when the armed timer fires
    std::uint64_t timer_generation_ = 0;
    bool timer_armed_ = false;
    bool expired_ = false;
    std::size_t requests_ = 0;
    clock::time_point idle_since_{};
    std::optional<unsent_write> handed_back_;
    bool write_queued_ = false;
};

} // namespace ahttp::client::detail
