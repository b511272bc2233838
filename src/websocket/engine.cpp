// SPDX-License-Identifier: BSL-1.0
#include "websocket/engine.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <array>
#include <cstring>
#include <openssl/rand.h>

namespace ahttp::websocket::detail {

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

// The read buffer starts small (idle connections are the common case: thousands of them
// should not cost 16 KiB each) and doubles, up to the maximum, whenever a read fills it.
constexpr std::size_t read_buffer_initial = std::size_t{4} * 1024;
constexpr std::size_t read_buffer_max = std::size_t{64} * 1024;
// The reader pauses (TCP back-pressure reaches the peer) once this much waits for receive().
constexpr std::size_t inbox_max_messages = 64;
constexpr std::size_t inbox_max_bytes = std::size_t{1024} * 1024;
// After our last frame, how long the peer gets to close its side before we drop it.
constexpr auto linger_time = 2s;
constexpr auto tuple = asio::as_tuple(asio::use_awaitable);

/// Releases the write lock on every path out of a send.
struct lock_guard {
    semaphore& lock;
    ~lock_guard()
    {
        try {
            lock.release();
        } catch (...) {
            // Waking the next writer could not allocate: it stays queued; nothing to undo.
        }
    }
};

awaitable<void> run_reader(std::shared_ptr<engine> self);
awaitable<void> run_heartbeat(std::shared_ptr<engine> self);

awaitable<void> close_quietly(std::shared_ptr<engine> self, std::uint16_t code)
{
    try {
        co_await self->close(code, {});
    } catch (...) {
        // Closing in the background: nobody to tell; the connection ends either way.
    }
}

awaitable<void> ping_quietly(std::shared_ptr<engine> self)
{
    try {
        co_await self->send_control(opcode::ping, {});
    } catch (...) {
        // A failed ping shows up as a missing pong.
    }
}

std::string milliseconds_text(std::chrono::milliseconds d)
{
    return std::to_string(d.count()) + " ms";
}

} // namespace

// Friends in all but name: the coroutines that keep the engine alive while they run.
class engine_access {
public:
    static awaitable<void> read(engine& e) { return e.read_loop(); }
    static awaitable<void> heartbeat(engine& e) { return e.heartbeat_loop(); }
};

namespace {

awaitable<void> run_reader(std::shared_ptr<engine> self)
{
    co_await engine_access::read(*self);
}

awaitable<void> run_heartbeat(std::shared_ptr<engine> self)
{
    co_await engine_access::heartbeat(*self);
}

} // namespace

engine::engine(role r, std::unique_ptr<transport> io, options const& opts, agreement agreed)
    : role_(r), io_(std::move(io)), options_(opts), protocol_(std::move(agreed.protocol)),
      codec_(agreed.deflate ? std::make_unique<deflate_codec>(*agreed.deflate) : nullptr),
      reader_(r, opts.max_message_size, codec_.get()), executor_(io_->get_executor()),
      write_lock_(executor_, 1), last_received_(clock::now()), receive_timer_(executor_),
      heartbeat_timer_(executor_), linger_timer_(executor_)
{
    if (role_ == role::client) {
        // Masks must be unpredictable to the application (RFC 6455 §5.3): seed from OpenSSL.
        if (RAND_bytes(reinterpret_cast<unsigned char*>(&mask_state_), sizeof mask_state_) != 1 ||
            mask_state_ == 0) {
            mask_state_ = 0x9E3779B97F4A7C15ULL ^
                          static_cast<std::uint64_t>(clock::now().time_since_epoch().count());
        }
    }
}

engine::~engine() = default;

void engine::start()
{
    started_ = true;
    reader_done_ = false;
    asio::co_spawn(executor_, run_reader(shared_from_this()), asio::detached);
    if (options_.heartbeat > 0ms) {
        asio::co_spawn(executor_, run_heartbeat(shared_from_this()), asio::detached);
    }
}

std::uint32_t engine::next_mask() noexcept
{
    // xorshift64*: fast, and seeded unpredictably.
    mask_state_ ^= mask_state_ >> 12;
    mask_state_ ^= mask_state_ << 25;
    mask_state_ ^= mask_state_ >> 27;
    return static_cast<std::uint32_t>((mask_state_ * 0x2545F4914F6CDD1DULL) >> 32);
}

void engine::wake_receiver() noexcept
{
    if (receiver_waiting_) {
        receive_timer_.cancel();
    }
}

bool engine::inbox_full() const noexcept
{
    return inbox_.size() >= inbox_max_messages || inbox_bytes_ >= inbox_max_bytes;
}

void engine::mark_closed(std::uint16_t code) noexcept
{
    if (!closed_) {
        closed_ = true;
        close_sent_ = true;
        if (!close_code_) {
            close_code_ = static_cast<close_code>(code);
        }
    }
    heartbeat_timer_.cancel();
    wake_receiver();
    room_made_.notify_all();
    closed_changed_.notify_all();
}

void engine::end_transport() noexcept
{
    io_->shutdown_send();
    linger_timer_.expires_after(linger_time);
    linger_timer_.async_wait([weak = weak_from_this()](error_code ec) {
        if (auto self = weak.lock(); self && !ec) {
            self->io_->close();
        }
    });
}

void engine::abort() noexcept
{
    if (closed_why_.empty()) {
        closed_why_ = "the connection was aborted";
    }
    mark_closed(static_cast<std::uint16_t>(close_code::abnormal));
    io_->close();
}

void engine::throw_closed() const
{
    std::string what = "WebSocket is closed";
    if (!closed_why_.empty()) {
        what += ": " + closed_why_;
    } else if (close_code_) {
        what += " (close code " + std::to_string(static_cast<unsigned>(*close_code_)) + ")";
    }
    throw websocket_error(make_error_code(errc::invalid_state),
                          close_code_.value_or(close_code::normal), what);
}

engine::frame_buffers engine::prepare_frame(opcode op, bool rsv1, std::string_view payload)
{
    frame_buffers f;
    if (role_ == role::server) {
        std::size_t const size =
            write_header(header_.data(), op, true, rsv1, payload.size(), nullptr);
        f.pieces = {asio::buffer(header_.data(), size), asio::buffer(payload)};
        f.count = 2;
    } else {
        // Header and masked payload in one buffer: a client's frame is one send.
        std::uint32_t const key = next_mask();
        std::array<unsigned char, 4> mask{};
        std::memcpy(mask.data(), &key, 4);
        std::size_t const size =
            write_header(header_.data(), op, true, rsv1, payload.size(), mask.data());
        masked_.assign(reinterpret_cast<char const*>(header_.data()), size);
        masked_.append(payload);
        apply_mask(reinterpret_cast<unsigned char*>(masked_.data() + size), payload.size(), mask,
                   0);
        f.pieces[0] = asio::buffer(masked_);
        f.count = 1;
    }
    return f;
}

std::span<asio::const_buffer const> engine::frame_buffers::after(std::size_t done) noexcept
{
    std::size_t first = 0;
    while (first < count && done >= pieces[first].size()) {
        done -= pieces[first].size();
        ++first;
    }
    if (first < count) {
        pieces[first] += done;
    }
    return {pieces.data() + first, count - first};
}

awaitable<error_code> engine::write_frame(opcode op, bool rsv1, std::string_view payload)
{
    frame_buffers f = prepare_frame(op, rsv1, payload);
    error_code ec;
    std::size_t const done = io_->write_now(f.view(), ec);
    std::span<asio::const_buffer const> const rest = f.after(done);
    if (!ec && !rest.empty()) {
        ec = co_await io_->write(rest);
    }
    co_return ec;
}

awaitable<error_code> engine::write_close_frame(std::optional<std::uint16_t> code,
                                                std::string_view reason)
{
    close_written_ = true;
    std::string payload;
    if (code) {
        payload.push_back(static_cast<char>(*code >> 8));
        payload.push_back(static_cast<char>(*code & 0xFF));
        payload.append(reason);
    }
    co_return co_await write_frame(opcode::close, false, payload);
}

awaitable<std::optional<message>> engine::receive()
{
    if (receiving_) {
        throw ahttp::error(errc::invalid_state, "WebSocket receive() is already waiting");
    }
    receiving_ = true;
    struct reset {
        bool& flag;
        ~reset() { flag = false; }
    } const guard{receiving_};
    clock::time_point const deadline = options_.receive_timeout > 0ms
                                           ? clock::now() + options_.receive_timeout
                                           : clock::time_point::max();
    for (;;) {
        if (!inbox_.empty()) {
            message m = std::move(inbox_.front());
            inbox_.pop_front();
            inbox_bytes_ -= std::min(inbox_bytes_, m.data.size());
            if (reader_paused_) {
                room_made_.notify_all();
            }
            co_return m;
        }
        if (closed_) {
            if (failure_) {
                std::rethrow_exception(failure_);
            }
            co_return std::nullopt;
        }
        // One receiver at a time, so one timer of our own: cancelled by wake_receiver(),
        // expiring at the receive timeout (never, without one).
        receive_timer_.expires_at(deadline);
        receiver_waiting_ = true;
        auto [ec] = co_await receive_timer_.async_wait(tuple);
        receiver_waiting_ = false;
        if (ec) {
            asio::cancellation_state const state = co_await asio::this_coro::cancellation_state;
            if (state.cancelled() != asio::cancellation_type::none) {
                throw boost::system::system_error{asio::error::operation_aborted};
            }
        } else if (inbox_.empty() && !closed_) {
            throw timeout_error("WebSocket receive timed out after " +
                                milliseconds_text(options_.receive_timeout));
        }
    }
}

awaitable<void> engine::send_message(opcode op, std::string_view payload)
{
    if (close_sent_) {
        throw_closed();
    }
    // The common case takes the lock and sends the whole frame without suspending: no
    // coroutine below this one (the write lock's and the transport's are for the rest).
    if (!write_lock_.try_acquire()) {
        co_await write_lock_.acquire();
    }
    lock_guard const unlock{write_lock_};
    if (close_sent_) {
        throw_closed();
    }
    std::string compressed;
    if (codec_) {
        compressed = codec_->compress(payload);
        payload = compressed;
    }
    frame_buffers f = prepare_frame(op, codec_ != nullptr, payload);
    error_code ec;
    std::size_t const done = io_->write_now(f.view(), ec);
    std::span<asio::const_buffer const> const rest = f.after(done);
    if (!ec && !rest.empty()) {
        ec = co_await io_->write(rest);
    }
    if (ec) {
        closed_why_ = "send failed: " + ec.message();
        abort();
        throw websocket_error(ec, close_code::abnormal, "WebSocket " + closed_why_);
    }
}

awaitable<void> engine::send_control(opcode op, std::string_view payload)
{
    if (payload.size() > max_control_payload) {
        throw ahttp::error(errc::invalid_argument, "WebSocket ping/pong payload over 125 bytes");
    }
    if (close_sent_) {
        throw_closed();
    }
    semaphore::permit permit = co_await write_lock_.hold();
    if (close_sent_) {
        throw_closed();
    }
    error_code const ec = co_await write_frame(op, false, payload);
    if (ec) {
        closed_why_ = "send failed: " + ec.message();
        abort();
        throw websocket_error(ec, close_code::abnormal, "WebSocket " + closed_why_);
    }
}

awaitable<void> engine::close(std::uint16_t code, std::string_view reason)
{
    if (!is_valid_on_wire(code)) {
        throw ahttp::error(errc::invalid_argument,
                           "WebSocket close code " + std::to_string(code) + " may not be sent");
    }
    if (reason.size() > max_control_payload - 2) {
        throw ahttp::error(errc::invalid_argument, "WebSocket close reason over 123 bytes");
    }
    if (!closed_) {
        close_sent_ = true;
        room_made_.notify_all(); // a paused reader must read on to see the answer
        semaphore::permit permit = co_await write_lock_.hold();
        if (!close_written_ && !closed_) {
            if (error_code const ec = co_await write_close_frame(code, reason)) {
                closed_why_ = "close failed: " + ec.message();
                abort();
                co_return;
            }
        }
    }
    clock::time_point const deadline = clock::now() + options_.close_timeout;
    while (!closed_) {
        if (!co_await closed_changed_.wait_until(deadline) && !closed_) {
            closed_why_ =
                "no close frame from the peer within " + milliseconds_text(options_.close_timeout);
            abort();
        }
    }
}

awaitable<void> engine::finish(std::uint16_t code)
{
    if (!closed_) {
        try {
            co_await close(code, {});
        } catch (ahttp::error const&) {
            abort();
        }
    }
    while (!reader_done_) {
        co_await closed_changed_.wait_until(clock::time_point::max());
    }
}

void engine::close_in_background(std::uint16_t code) noexcept
{
    if (close_sent_ || !started_) {
        return;
    }
    try {
        asio::co_spawn(executor_, close_quietly(shared_from_this(), code), asio::detached);
    } catch (...) {
        abort();
    }
}

awaitable<void> engine::on_close_frame(std::uint16_t code, std::string reason)
{
    close_reason_ = std::move(reason);
    if (!close_code_) {
        close_code_ = static_cast<close_code>(code);
    }
    close_sent_ = true;
    {
        semaphore::permit permit = co_await write_lock_.hold();
        if (!close_written_ && io_->is_open()) {
            // Echo the code (none if the peer sent none, as 1005 may not be sent).
            std::optional<std::uint16_t> echo;
            if (code != static_cast<std::uint16_t>(close_code::no_status)) {
                echo = code;
            }
            co_await write_close_frame(echo, {});
        }
    }
    mark_closed(code);
    end_transport();
}

awaitable<void> engine::on_protocol_error(std::uint16_t code, std::string reason)
{
    closed_why_ = "protocol error: " + reason;
    failure_ = std::make_exception_ptr(
        websocket_error(static_cast<close_code>(code), "WebSocket " + closed_why_));
    close_code_ = static_cast<close_code>(code);
    close_sent_ = true;
    {
        semaphore::permit permit = co_await write_lock_.hold();
        if (!close_written_ && io_->is_open()) {
            std::string_view const shown =
                std::string_view{reason}.substr(0, max_control_payload - 2);
            co_await write_close_frame(code, shown);
        }
    }
    mark_closed(code);
    end_transport();
}

awaitable<void> engine::read_loop()
{
    std::size_t capacity = std::max(read_buffer_initial, io_->initial.size());
    std::unique_ptr<char[]> buffer{new char[capacity]};
    std::size_t begin = 0;
    std::size_t end = io_->initial.size();
    std::memcpy(buffer.get(), io_->initial.data(), end);
    io_->initial.clear();
    io_->initial.shrink_to_fit();

    try {
        bool reading = true;
        while (reading) {
            std::string_view in{buffer.get() + begin, end - begin};
            reader_event event = reader_.next(in);
            begin = end - in.size();
            switch (event.what) {
            case reader_event::kind::need_more: {
                if (closed_) {
                    reading = false;
                    break;
                }
                if (begin == end) {
                    begin = end = 0;
                } else if (begin > 0) {
                    std::memmove(buffer.get(), buffer.get() + begin, end - begin);
                    end -= begin;
                    begin = 0;
                }
                while (inbox_full() && !close_sent_) {
                    reader_paused_ = true;
                    co_await room_made_.wait_until(clock::time_point::max());
                }
                reader_paused_ = false;
                auto [ec, n] =
                    co_await io_->read_some(asio::buffer(buffer.get() + end, capacity - end));
                if (ec) {
                    if (!closed_) {
                        if (closed_why_.empty()) {
                            closed_why_ =
                                ec == asio::error::eof
                                    ? "the peer closed the connection without a close frame"
                                    : "read failed: " + ec.message();
                        }
                        mark_closed(static_cast<std::uint16_t>(close_code::abnormal));
                    }
                    io_->close();
                    reading = false;
                    break;
                }
                end += n;
                last_received_ = clock::now();
                if (end == capacity && capacity < read_buffer_max) {
                    // A full read: more is probably waiting; read bigger pieces from now on.
                    std::unique_ptr<char[]> bigger{new char[capacity * 2]};
                    std::memcpy(bigger.get(), buffer.get() + begin, end - begin);
                    end -= begin;
                    begin = 0;
                    buffer = std::move(bigger);
                    capacity *= 2;
                }
                break;
            }
            case reader_event::kind::message: {
                message m = reader_.take_message();
                if (!close_sent_) {
                    inbox_bytes_ += m.data.size();
                    inbox_.push_back(std::move(m));
                    wake_receiver();
                }
                break;
            }
            case reader_event::kind::ping:
                if (!options_.autoping) {
                    inbox_.push_back(message{message_type::ping, std::move(event.payload)});
                    wake_receiver();
                } else if (!close_sent_) {
                    semaphore::permit permit = co_await write_lock_.hold();
                    if (!close_sent_) {
                        if (error_code const ec =
                                co_await write_frame(opcode::pong, false, event.payload)) {
                            closed_why_ = "send failed: " + ec.message();
                            abort();
                        }
                    }
                }
                break;
            case reader_event::kind::pong:
                if (!options_.autoping) {
                    inbox_.push_back(message{message_type::pong, std::move(event.payload)});
                    wake_receiver();
                }
                break;
            case reader_event::kind::close:
                co_await on_close_frame(event.code, std::move(event.payload));
                reading = false;
                break;
            case reader_event::kind::fail:
                co_await on_protocol_error(event.code, std::move(event.payload));
                reading = false;
                break;
            }
        }
        // Drain what the peer still sends until it closes (or the linger timer closes us).
        while (io_->is_open()) {
            auto [ec, n] = co_await io_->read_some(asio::buffer(buffer.get(), capacity));
            if (ec) {
                break;
            }
        }
    } catch (std::exception const& e) {
        closed_why_ = e.what();
        abort();
    }
    linger_timer_.cancel();
    io_->close();
    reader_done_ = true;
    closed_changed_.notify_all();
}

awaitable<void> engine::heartbeat_loop()
{
    std::chrono::milliseconds const interval = options_.heartbeat;
    while (!closed_) {
        heartbeat_timer_.expires_at(last_received_ + interval);
        co_await heartbeat_timer_.async_wait(tuple);
        if (closed_) {
            break;
        }
        if (clock::now() - last_received_ < interval) {
            continue;
        }
        clock::time_point const ping_at = clock::now();
        if (!close_sent_) {
            asio::co_spawn(executor_, ping_quietly(shared_from_this()), asio::detached);
        }
        heartbeat_timer_.expires_after(interval / 2);
        co_await heartbeat_timer_.async_wait(tuple);
        if (closed_) {
            break;
        }
        if (last_received_ < ping_at && !reader_paused_) {
            closed_why_ = "no pong within " + milliseconds_text(interval / 2) + " of a ping";
            abort();
        }
    }
}

} // namespace ahttp::websocket::detail
