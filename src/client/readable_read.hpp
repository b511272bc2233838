// SPDX-License-Identifier: BSL-1.0
// A socket read that waits for the reactor to report the socket readable before its first
// recv, where Boost.Asio's async_read_some() tries one at once.
#pragma once

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/detail/bind_handler.hpp>
#include <boost/asio/detail/fenced_block.hpp>
#include <boost/asio/detail/handler_alloc_helpers.hpp>
#include <boost/asio/detail/handler_cont_helpers.hpp>
#include <boost/asio/detail/handler_work.hpp>
#include <boost/asio/detail/memory.hpp>
#include <boost/asio/detail/reactor.hpp>
#include <boost/asio/detail/reactor_op.hpp>
#include <boost/asio/detail/socket_ops.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/version.hpp>

#include <cstddef>
#include <utility>

// Written against these internals: check them again before building with anything else.
static_assert(BOOST_ASIO_VERSION == 102600, "readable_read.hpp is written for Boost.Asio 1.26");
#if !defined(BOOST_ASIO_HAS_EPOLL) || defined(BOOST_ASIO_HAS_IO_URING_AS_DEFAULT)
#error "readable_read.hpp assumes Asio's epoll reactor"
#endif

// Why: a request's first read starts while the request itself still waits in round_writes,
// to be sent at the end of the loop's round, or right after a send() that took it whole.
// Asio's async_read_some() first tries a recv at once, which then always fails with EAGAIN:
// a syscall per request (0.6 µs here) for nothing. Asio has no read that skips that try
// (async_wait re-arms epoll with epoll_ctl, which costs as much), so this is Asio's reactor
// read with the first try skipped. It builds on Asio's detail layer as Boost 1.81 (Debian
// 12's) has it, with the epoll reactor: the reactor, reactor_op, the handler-pointer and
// handler_work helpers and the socket's implementation.
//
// The rule that makes skipping safe: no epoll_wait may have run since the socket was last
// known empty. The reactor is edge-triggered: bytes that came while no read was pending were
// announced once, and an epoll_wait that reported them consumed that announcement. So the
// request must not have waited (co_await) between its first byte leaving and this read being
// queued (exchange() tries at once after a partial write, a streamed body, a hand-back), and
// the loop must run on one thread, as a session's does. Before the request, the connection
// was fresh, checked empty by the pool's peek, or released by a response under 1 ms ago.
// In that last case a server that closed right after a keep-alive answer, without saying
// so, is seen only when our request draws its reset (a retry, as before); one that
// half-closed and keeps reading would leave this read to the request's deadline. Servers
// announce such closes (RFC 9112 §9.6), and idle-timeout closes do not come within 1 ms.
//
// Not done: letting every read tell the reactor that a recv returning less than it asked
// drained the socket, so that any next read waits first (Tokio clears readiness so). A FIN
// that came with the last bytes is then still pending, with no announcement to come: a read
// of a body cut short by a close hung (tests/client/faults_test.cpp). Tokio keeps "read
// closed" apart; Asio 1.81 does not even ask epoll for EPOLLRDHUP.

namespace ahttp::client::detail {

namespace readable_read_detail {

namespace asio = boost::asio;
namespace asio_detail = boost::asio::detail;

using socket_impl = asio_detail::reactive_socket_service_base::base_implementation_type;

/// Set while this thread queues a read_op that skips its first try: the reactor calls
/// perform() at once, and that call is the try. Another thread's reactor performing a read
/// meanwhile sees its own flag, false.
inline thread_local bool skipping_try = false;

/// Sets skipping_try for a scope (start_op does not throw today; this stays right if it does).
class skip_try_scope {
public:
    explicit skip_try_scope(bool skip) noexcept { skipping_try = skip; }
    ~skip_try_scope() { skipping_try = false; }
    skip_try_scope(skip_try_scope const&) = delete;
    skip_try_scope& operator=(skip_try_scope const&) = delete;
};

/// The socket's implementation (descriptor, state, reactor data), protected in basic_socket.
/// A pointer to a protected member taken through a derived class may be applied to any
/// object of the base.
struct socket_access : asio::generic::stream_protocol::socket {
    static socket_impl& of(asio::generic::stream_protocol::socket& s)
    {
        return (s.*(&socket_access::impl_)).get_implementation();
    }
};

template <class Handler, class IoExecutor>
class read_op : public asio_detail::reactor_op {
public:
    BOOST_ASIO_DEFINE_HANDLER_PTR(read_op);

    read_op(int fd, asio::mutable_buffer into, Handler& handler, IoExecutor const& io_ex)
        : reactor_op(boost::system::error_code{}, &read_op::do_perform, &read_op::do_complete),
          fd_(fd), into_(into), handler_(std::move(handler)), work_(handler_, io_ex)
    {
    }

    static status do_perform(reactor_op* base)
    {
        if (skipping_try) {
            return not_done; // the try at queueing time, where nothing can be there yet
        }
        auto* const o = static_cast<read_op*>(base);
        bool const finished = asio_detail::socket_ops::non_blocking_recv1(
            o->fd_, o->into_.data(), o->into_.size(), 0, true, o->ec_, o->bytes_transferred_);
        return finished ? done : not_done;
    }

    static void do_complete(void* owner, asio_detail::operation* base,
                            boost::system::error_code const& /*ec*/, std::size_t /*n*/)
    {
        auto* const o = static_cast<read_op*>(base);
        ptr p = {asio_detail::addressof(o->handler_), o, o};
        asio_detail::handler_work<Handler, IoExecutor> work(std::move(o->work_));
        // The handler is moved out and the op freed before the upcall, which may start the
        // next read (and want this memory back).
        asio_detail::binder2<Handler, boost::system::error_code, std::size_t> bound(
            o->handler_, o->ec_, o->bytes_transferred_);
        p.h = asio_detail::addressof(bound.handler_);
        p.reset();
        if (owner != nullptr) {
            asio_detail::fenced_block fence(asio_detail::fenced_block::half);
            work.complete(bound, bound.handler_);
        }
    }

private:
    int fd_;
    asio::mutable_buffer into_;
    Handler handler_;
    asio_detail::handler_work<Handler, IoExecutor> work_;
};

/// Per-operation cancellation (a cancelled coroutine, a parallel group): takes the op out of
/// the reactor's queue, which completes it with operation_aborted.
class read_cancellation {
public:
    read_cancellation(asio_detail::reactor& reactor, socket_impl& impl)
        : reactor_(&reactor), data_(&impl.reactor_data_), fd_(impl.socket_)
    {
    }
    void operator()(asio::cancellation_type_t type)
    {
        using asio::cancellation_type;
        if (!!(type & (cancellation_type::terminal | cancellation_type::partial |
                       cancellation_type::total))) {
            reactor_->cancel_ops_by_key(fd_, *data_, asio_detail::reactor::read_op, this);
        }
    }

private:
    asio_detail::reactor* reactor_;
    asio_detail::reactor::per_descriptor_data* data_;
    int fd_;
};

struct initiate_read {
    asio::generic::stream_protocol::socket* socket;
    asio_detail::reactor* reactor;

    using executor_type = asio::generic::stream_protocol::socket::executor_type;
    executor_type get_executor() const noexcept { return socket->get_executor(); }

    template <class Handler>
    void operator()(Handler&& handler, asio::mutable_buffer into, bool try_at_once) const
    {
        using handler_type = std::decay_t<Handler>;
        using op = read_op<handler_type, executor_type>;
        bool const is_continuation = boost_asio_handler_cont_helpers::is_continuation(handler);
        auto slot = asio::get_associated_cancellation_slot(handler);
        socket_impl& impl = socket_access::of(*socket);
        typename op::ptr p = {asio_detail::addressof(handler), op::ptr::allocate(handler), 0};
        p.p = new (p.v) op(impl.socket_, into, handler, socket->get_executor());
        if (slot.is_connected()) {
            p.p->cancellation_key_ = &slot.template emplace<read_cancellation>(*reactor, impl);
        }
        // As the socket service's own start_op: the socket must be in non-blocking mode.
        if ((impl.state_ & asio_detail::socket_ops::non_blocking) != 0 ||
            asio_detail::socket_ops::set_internal_non_blocking(impl.socket_, impl.state_, true,
                                                               p.p->ec_)) {
            skip_try_scope const skip{!try_at_once};
            reactor->start_op(asio_detail::reactor::read_op, impl.socket_, impl.reactor_data_, p.p,
                              is_continuation, true);
        } else {
            reactor->post_immediate_completion(p.p, is_continuation);
        }
        p.v = p.p = 0;
    }
};

} // namespace readable_read_detail

/// The reactor that serves `socket` (looked up once per connection: the lookup locks).
inline boost::asio::detail::reactor& reactor_of(boost::asio::generic::stream_protocol::socket& s)
{
    return boost::asio::use_service<boost::asio::detail::reactor>(
        boost::asio::query(s.get_executor(), boost::asio::execution::context));
}

/// socket.async_read_some(into, token), except that with `try_at_once` false the first recv
/// waits until the reactor reports the socket readable (see above for when that is safe).
/// `reactor` is reactor_of(socket). Completes with (error_code, bytes read).
template <class Token>
auto async_receive_some(boost::asio::generic::stream_protocol::socket& socket,
                        boost::asio::detail::reactor& reactor, boost::asio::mutable_buffer into,
                        bool try_at_once, Token&& token)
{
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        readable_read_detail::initiate_read{&socket, &reactor}, token, into, try_at_once);
}

} // namespace ahttp::client::detail
