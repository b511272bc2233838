// SPDX-License-Identifier: BSL-1.0
// The worker: accept loop, connection registry, deadline sweep, buffer pool.
#include "web/connection.hpp"
#include "web/worker.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ahttp::web::detail {
namespace {

namespace asio = boost::asio;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

wire::parser_limits to_parser_limits(http_limits const& limits)
{
    return {limits.max_line_size, limits.max_field_size, limits.max_fields};
}

/// How often deadlines are checked: a quarter of the shortest timeout, within [10 ms, 1 s].
std::chrono::milliseconds sweep_interval(server_timeouts const& t)
{
    auto const shortest = std::min({t.header_read, t.body_read, t.keepalive});
    return std::clamp(shortest / 4, std::chrono::milliseconds{10}, std::chrono::milliseconds{1000});
}

} // namespace

worker::worker(asio::any_io_executor executor, application const& app,
               server_options const& options, std::size_t index)
    : executor_(std::move(executor)), app_(app), options_(options),
      parser_(to_parser_limits(options.limits)), sweep_timer_(executor_), stall_timer_(executor_),
      index_(index)
{
    if (options.access_log) {
        logger_.emplace(options.access_log_format);
    }
    spare_buffers_.reserve(256);
}

worker::~worker() = default;

void worker::listen(std::uint16_t port, bool reuse_port)
{
    boost::system::error_code ec;
    acceptor_.emplace(executor_);
    auto fail = [&](char const* what) {
        std::string where = options_.unix_path.empty() ? options_.host + ":" + std::to_string(port)
                                                       : options_.unix_path;
        throw server_error(ec, std::string{what} + " " + where);
    };
    if (!options_.unix_path.empty()) {
        is_unix_ = true;
        ::unlink(options_.unix_path.c_str()); // a stale socket file from a previous run
        asio::local::stream_protocol::endpoint const endpoint{options_.unix_path};
        stream_protocol::endpoint const generic{endpoint};
        acceptor_->open(generic.protocol(), ec);
        if (ec)
            fail("cannot open socket for");
        acceptor_->bind(generic, ec);
        if (ec)
            fail("cannot bind");
    } else {
        auto const address = asio::ip::make_address(options_.host, ec);
        if (ec)
            fail("invalid host");
        asio::ip::tcp::endpoint const endpoint{address, port};
        stream_protocol::endpoint const generic{endpoint};
        acceptor_->open(generic.protocol(), ec);
        if (ec)
            fail("cannot open socket for");
        acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
        if (reuse_port) {
            int one = 1;
            ::setsockopt(acceptor_->native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
        }
        acceptor_->bind(generic, ec);
        if (ec)
            fail("cannot bind");
        sockaddr_storage bound{};
        socklen_t length = sizeof bound;
        ::getsockname(acceptor_->native_handle(), reinterpret_cast<sockaddr*>(&bound), &length);
        port_ =
            ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                              : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    }
    acceptor_->listen(options_.backlog, ec);
    if (ec)
        fail("cannot listen on");
}

void worker::start()
{
    asio::co_spawn(executor_, accept_loop(), asio::detached);
    asio::co_spawn(executor_, sweep_deadlines(), asio::detached);
    if (options_.loop_stall_warning.count() > 0) {
        asio::co_spawn(executor_, watch_loop_stalls(), asio::detached);
    }
}

awaitable<void> worker::accept_loop()
{
    while (acceptor_ && acceptor_->is_open()) {
        auto [ec, socket] = co_await acceptor_->async_accept(use_tuple);
        if (ec == asio::error::operation_aborted || !acceptor_->is_open()) {
            break;
        }
        if (ec) {
            // EMFILE, ENFILE, ENOBUFS: back off briefly instead of spinning (nginx does too).
            asio::steady_timer pause{executor_, std::chrono::milliseconds{50}};
            co_await pause.async_wait(use_tuple);
            continue;
        }
        if (draining_ ||
            (options_.max_connections != 0 && count_.load() >= options_.max_connections)) {
            boost::system::error_code ignored;
            socket.close(ignored);
            continue;
        }
        if (!is_unix_) {
            int one = 1;
            ::setsockopt(socket.native_handle(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        }
        auto* c = new connection(*this, std::move(socket));
        c->next = head_;
        if (head_) {
            head_->prev = c;
        }
        head_ = c;
        count_.fetch_add(1, std::memory_order_relaxed);
        asio::co_spawn(executor_, c->run(),
                       asio::bind_cancellation_slot(c->cancellation().slot(),
                                                    [this, c](std::exception_ptr const&) {
                                                        unlink(*c);
                                                        delete c;
                                                    }));
    }
}

void worker::unlink(connection& c) noexcept
{
    if (c.prev) {
        c.prev->next = c.next;
    } else {
        head_ = c.next;
    }
    if (c.next) {
        c.next->prev = c.prev;
    }
    c.prev = c.next = nullptr;
    count_.fetch_sub(1, std::memory_order_relaxed);
}

awaitable<void> worker::sweep_deadlines()
{
    auto const interval = sweep_interval(options_.timeouts);
    while (!stopped_) {
        sweep_timer_.expires_after(interval);
        co_await sweep_timer_.async_wait(use_tuple);
        if (stopped_) {
            break;
        }
        auto const now = connection::clock::now();
        for (connection* c = head_; c != nullptr;) {
            connection* const following = c->next; // check_deadline may end c later, not now
            c->check_deadline(now);
            c = following;
        }
    }
}

awaitable<void> worker::watch_loop_stalls()
{
    // A timer that fires late by more than the threshold means the loop was busy that long:
    // nothing else could run, so one callback (a handler calling blocking code) held it. The
    // tick bounds how much of a stall goes unseen; ten wake-ups a second cost nothing.
    auto const threshold = options_.loop_stall_warning;
    auto const tick = std::min(std::chrono::milliseconds{100}, threshold);
    while (!stopped_) {
        auto const due = std::chrono::steady_clock::now() + tick;
        stall_timer_.expires_at(due);
        co_await stall_timer_.async_wait(use_tuple);
        if (stopped_) {
            break;
        }
        auto const late = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - due);
        if (late >= threshold) {
            log_loop_stall(index_, late);
        }
    }
}

void worker::stop_accepting() noexcept
{
    if (acceptor_) {
        boost::system::error_code ignored;
        acceptor_->close(ignored);
        if (is_unix_) {
            ::unlink(options_.unix_path.c_str());
        }
    }
}

void worker::begin_drain() noexcept
{
    draining_ = true;
    for (connection* c = head_; c != nullptr; c = c->next) {
        c->drain();
    }
}

void worker::force_close() noexcept
{
    for (connection* c = head_; c != nullptr; c = c->next) {
        c->cancel();
    }
}

void worker::stop() noexcept
{
    stopped_ = true;
    stop_accepting();
    sweep_timer_.cancel();
    stall_timer_.cancel();
}

std::unique_ptr<char[]> worker::take_buffer(std::size_t& capacity)
{
    capacity = buffer_size;
    if (!spare_buffers_.empty()) {
        auto buffer = std::move(spare_buffers_.back());
        spare_buffers_.pop_back();
        return buffer;
    }
    return std::make_unique<char[]>(buffer_size);
}

void worker::give_back_buffer(std::unique_ptr<char[]> buffer, std::size_t capacity) noexcept
{
    // Grown buffers are freed; a bounded number of standard ones are kept for reuse.
    if (capacity == buffer_size && spare_buffers_.size() < 256) {
        spare_buffers_.push_back(std::move(buffer));
    }
}

} // namespace ahttp::web::detail
