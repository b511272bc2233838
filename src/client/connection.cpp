// SPDX-License-Identifier: BSL-1.0
// Client connection I/O and its deadline.
#include "client/connection.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <sys/socket.h>

namespace ahttp::client::detail {
namespace {

namespace asio = boost::asio;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

/// Read size: large enough for a typical response in one recv(), small enough to keep idle
/// pooled connections cheap (the buffer shrinks back when a body was large).
constexpr std::size_t read_size = 16 * 1024;

} // namespace

deadline deadline::after(clock::duration d, timeout_phase phase) noexcept
{
    if (d == clock::duration::max()) {
        return {};
    }
    auto const now = clock::now();
    // Saturate instead of overflowing for very long timeouts.
    auto const at = d >= clock::time_point::max() - now ? clock::time_point::max() : now + d;
    return {at, phase};
}

connection::connection(stream_socket socket, std::string pool_key)
    : socket_(std::move(socket)), timer_(socket_.get_executor()), pool_key_(std::move(pool_key))
{
}

connection::~connection()
{
    close();
}

void connection::close() noexcept
{
    error_code ec;
    socket_.close(ec);
    timer_.cancel();
    timer_armed_ = false;
}

void connection::consume(std::size_t n) noexcept
{
    // Only the offset moves: views handed out from buffered() stay intact until the next
    // read_more() (even clear() would write a NUL over their first byte).
    in_begin_ += n;
}

awaitable<error_code> connection::read_more()
{
    // Compact first: keep unconsumed bytes at the front so the buffer does not creep.
    if (in_begin_ == in_.size()) {
        in_.clear();
        in_begin_ = 0;
    } else if (in_begin_ != 0) {
        in_.erase(0, in_begin_);
        in_begin_ = 0;
    }
    std::size_t const old_size = in_.size();
    in_.resize(old_size + read_size);
    auto [ec, n] =
        co_await socket_.async_read_some(asio::buffer(in_.data() + old_size, read_size), use_tuple);
    in_.resize(old_size + n);
    if (!ec && n == 0) {
        ec = asio::error::eof;
    }
    if (ec && expired_) {
        ec = asio::error::operation_aborted;
    }
    co_return ec;
}

awaitable<error_code> connection::write(std::string_view data)
{
    auto [ec, n] = co_await asio::async_write(socket_, asio::buffer(data), use_tuple);
    (void)n;
    if (ec && expired_) {
        ec = asio::error::operation_aborted;
    }
    co_return ec;
}

void connection::set_deadline(deadline d)
{
    deadline_ = d;
    expired_ = false;
    if (d.at == clock::time_point::max()) {
        return; // an armed timer finds no deadline when it fires and stops
    }
    // Lazy re-arming: a timer already due at or before the new deadline stays; when it fires
    // it re-arms for the real deadline. Pushing a deadline later (each read) costs nothing.
    if (timer_armed_ && timer_at_ <= d.at) {
        return;
    }
    arm_timer();
}

void connection::arm_timer()
{
    timer_at_ = deadline_.at;
    if (timer_armed_) {
        timer_.cancel(); // the old wait completes with operation_aborted and does nothing
    }
    timer_armed_ = true;
    timer_.expires_at(timer_at_);
    // The generation tells a cancelled wait (which still completes) from the current one.
    timer_.async_wait([weak = weak_from_this(), generation = ++timer_generation_](error_code ec) {
        auto self = weak.lock();
        if (self && self->timer_generation_ == generation) {
            self->on_timer(ec);
        }
    });
}

void connection::on_timer(error_code ec)
{
    timer_armed_ = false;
    if (ec || deadline_.at == clock::time_point::max()) {
        return;
    }
    if (clock::now() < deadline_.at) {
        arm_timer(); // the deadline moved later since the timer was set
        return;
    }
    expired_ = true;
    error_code ignored;
    socket_.cancel(ignored); // the pending read or write completes with operation_aborted
}

bool connection::is_reusable_now() noexcept
{
    if (!socket_.is_open() || in_begin_ != in_.size()) {
        return false; // bytes nobody asked for: the stream is out of step
    }
    in_.clear();
    in_begin_ = 0;
    char probe;
    ssize_t const n =
        ::recv(socket_.native_handle(), &probe, 1, MSG_PEEK | MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        if (in_.capacity() > 4 * read_size) {
            std::string{}.swap(in_); // a large body grew it: idle connections stay small
        }
        return true;
    }
    return false; // 0: the server closed it; >0: unsolicited data; other errors: broken
}

} // namespace ahttp::client::detail
