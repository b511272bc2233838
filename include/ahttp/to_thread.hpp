// SPDX-License-Identifier: BSL-1.0
// ahttp::to_thread: run blocking work on a shared thread pool and await its result
// (asyncio.to_thread).
#pragma once

#include <ahttp/awaitable.hpp>

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <atomic>
#include <concepts>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

namespace ahttp {

/// Sets the number of threads of the process-wide pool that runs to_thread() work.
///
/// The pool is created on the first to_thread() call; without this call it has
/// max(4, std::thread::hardware_concurrency()) threads.
/// @param threads the pool size; at least 1.
/// @throws ahttp::error with errc::invalid_argument when `threads` is 0, and with
///         errc::invalid_state when the pool has already been created.
/// @par Thread safety
///   Safe to call from any thread.
void set_to_thread_pool_size(std::size_t threads);

namespace detail {

/// Returns the process-wide to_thread() pool, creating it on first use.
boost::asio::thread_pool& to_thread_pool();

template <class R>
using to_thread_value_t = std::conditional_t<std::is_void_v<R>, std::monostate, R>;

// One to_thread() call. Shared between the pool thread that runs the function and the caller's
// executor that completes the handler; `phase_` decides which of "start on the pool" and
// "cancelled while queued" happens, so exactly one of them owns the function.
template <class Handler, class F, class V>
class to_thread_op : public std::enable_shared_from_this<to_thread_op<Handler, F, V>> {
public:
    to_thread_op(Handler handler, F function)
        : handler_(std::move(handler)),
          work_(boost::asio::prefer(boost::asio::get_associated_executor(handler_),
                                    boost::asio::execution::outstanding_work.tracked)),
          function_(std::in_place, std::move(function))
    {
    }

    void start()
    {
        slot_ = boost::asio::get_associated_cancellation_slot(handler_);
        if (slot_.is_connected()) {
            slot_.template emplace<cancel_handler>(this);
        }
        boost::asio::post(to_thread_pool(), [self = this->shared_from_this()] { self->run(); });
    }

private:
    enum class phase { queued, running, cancelled };

    // Installed in the caller's cancellation slot. The slot is cleared in complete(), before
    // the operation can be destroyed, so the raw pointer never dangles.
    struct cancel_handler {
        to_thread_op* op;
        void operator()(boost::asio::cancellation_type_t) const { op->cancel(); }
    };

    // Runs on a pool thread.
    void run()
    {
        phase expected = phase::queued;
        if (!phase_.compare_exchange_strong(expected, phase::running)) {
            return; // cancelled while queued; cancel() completes the handler
        }
        try {
            if constexpr (std::is_void_v<std::invoke_result_t<F>>) {
                std::invoke(std::move(*function_));
                value_.emplace();
            } else {
                value_.emplace(std::invoke(std::move(*function_)));
            }
        } catch (...) {
            failure_ = std::current_exception();
        }
        function_.reset();
        finish();
    }

    // Runs on the caller's executor, from the cancellation slot. A function already running
    // cannot be interrupted, so only a queued one is abandoned.
    void cancel()
    {
        phase expected = phase::queued;
        if (!phase_.compare_exchange_strong(expected, phase::cancelled)) {
            return;
        }
        function_.reset();
        failure_ = std::make_exception_ptr(
            boost::system::system_error{boost::asio::error::operation_aborted, "to_thread"});
        // Not completed inline: complete() clears the slot whose handler is running now.
        finish();
    }

    void finish()
    {
        boost::asio::post(work_, [self = this->shared_from_this()] { self->complete(); });
    }

    // Runs on the caller's executor.
    void complete()
    {
        if (slot_.is_connected()) {
            slot_.clear();
        }
        Handler handler = std::move(handler_);
        std::move(handler)(std::move(failure_), std::move(value_));
    }

    using work_type = std::decay_t<decltype(boost::asio::prefer(
        boost::asio::get_associated_executor(std::declval<Handler&>()),
        boost::asio::execution::outstanding_work.tracked))>;

    Handler handler_;
    work_type work_; // keeps the caller's io_context running while the function runs
    boost::asio::cancellation_slot slot_;
    std::atomic<phase> phase_{phase::queued};
    std::optional<F> function_;
    std::exception_ptr failure_;
    std::optional<V> value_;
};

template <class F, class V>
struct to_thread_initiation {
    template <class Handler>
    void operator()(Handler&& handler, F function) const
    {
        auto op = std::make_shared<to_thread_op<std::decay_t<Handler>, F, V>>(
            std::forward<Handler>(handler), std::move(function));
        op->start();
    }
};

} // namespace detail

/// Runs `function` on the process-wide thread pool and returns its result once it has
/// finished, resuming on the caller's executor (asyncio.to_thread).
///
/// Use it for blocking work (file I/O, CPU-heavy parsing, blocking C libraries): the caller's
/// io_context keeps serving other coroutines meanwhile. The pool is shared by the whole
/// process and sized by set_to_thread_pool_size().
///
/// Cancellation: a call still queued behind busy pool threads is dropped and throws
/// `operation_aborted`. A function that is already running cannot be cancelled: the caller
/// keeps waiting until it returns and then receives its result (so `wait_for(to_thread(f), t)`
/// returns only once `f` does).
/// @param function a callable taking no arguments; moved to the pool thread, invoked once and
///        destroyed there (or on the caller's thread if the call is cancelled while queued).
/// @return what `function` returned.
/// @throws whatever `function` threw, unchanged, rethrown on the caller's executor.
/// @throws boost::system::system_error with `boost::asio::error::operation_aborted` when the
///         call is cancelled before the function started.
/// @par Thread safety
///   `function` runs on another thread: it must not touch the caller's objects without
///   synchronisation, including Asio objects bound to the caller's io_context.
/// @par g++ 12
///   Name a lambda whose captures have destructors before awaiting it:
///   `auto job = [rows = std::move(rows)] { return parse(rows); };
///   auto parsed = co_await ahttp::to_thread(std::move(job));`. g++ 12 destroys a lambda (or a
///   braced aggregate) temporary of a `co_await` expression twice; captures by reference and
///   of trivial types are unaffected.
/// @par Lifetime
///   The pool lives until the process exits; at exit it drops queued calls and waits for
///   running functions, so a function that never returns keeps the process from exiting.
template <std::invocable F>
awaitable<std::invoke_result_t<F>> to_thread(F function)
{
    static_assert(std::move_constructible<F>, "to_thread moves the function to the pool");
    using result_type = std::invoke_result_t<F>;
    static_assert(!std::is_reference_v<result_type>,
                  "to_thread cannot return a reference; return a value or a pointer");
    using value_type = detail::to_thread_value_t<result_type>;
    std::optional<value_type> value =
        co_await boost::asio::async_initiate<boost::asio::use_awaitable_t<> const&,
                                             void(std::exception_ptr, std::optional<value_type>)>(
            detail::to_thread_initiation<F, value_type>{}, boost::asio::use_awaitable,
            std::move(function));
    if constexpr (!std::is_void_v<result_type>) {
        co_return std::move(*value);
    }
}

} // namespace ahttp
