// SPDX-License-Identifier: BSL-1.0
// ahttp::wait_for: bound an awaitable by a deadline, cancelling it on expiry (asyncio.wait_for).
#pragma once

#include <ahttp/awaitable.hpp>
#include <ahttp/detail/branch.hpp>
#include <ahttp/error.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include <chrono>
#include <exception>
#include <string>
#include <type_traits>
#include <utility>

namespace ahttp {

/// Runs `task` on the caller's executor and returns its result, unless `timeout` expires
/// first (asyncio.wait_for).
///
/// On expiry the task receives terminal cancellation, which reaches the I/O it is suspended
/// in (a pending socket read or timer completes with `operation_aborted`), and wait_for
/// waits for the task to finish before throwing, so nothing outlives the call. The timeout
/// covers the whole task, measured on `std::chrono::steady_clock` from the call's start.
///
/// What is *not* a timeout: a task that finishes with a value, even one that ignored the
/// cancellation, returns that value; a task that, once cancelled, throws something other than
/// `operation_aborted` propagates that exception unchanged (asyncio.timeout does the same).
/// @param task the work to bound; started by this call.
/// @param timeout the deadline, relative to now; zero or negative expires at once.
/// @throws ahttp::timeout_error when the deadline expired and the task ended with
///         `operation_aborted`.
/// @throws boost::system::system_error with `boost::asio::error::operation_aborted` when
///         wait_for itself is cancelled.
/// @throws any other exception thrown by `task`, unchanged.
/// @par Example
///   std::size_t n = co_await ahttp::wait_for(socket.async_read_some(buffer, use_awaitable), 5s);
template <class T>
awaitable<T> wait_for(awaitable<T> task, std::chrono::steady_clock::duration timeout)
{
    auto ex = co_await boost::asio::this_coro::executor;
    boost::asio::steady_timer timer{ex, timeout};
    // wait_for_one, not awaitable_operators' `||`: in Boost 1.81 `||` waits for the first
    // *success*, so a task failing early would keep running into the timer.
    auto [order, failure, result, timer_error] =
        co_await boost::asio::experimental::make_parallel_group(
            boost::asio::co_spawn(ex, detail::spawnable(std::move(task)), boost::asio::deferred),
            timer.async_wait(boost::asio::deferred))
            .async_wait(boost::asio::experimental::wait_for_one(), boost::asio::deferred);
    // A timer that completed first without error expired; one that reports operation_aborted
    // was cancelled, by the task finishing or by our own caller.
    bool const timed_out = order[0] == 1 && !timer_error;
    if (failure) {
        if (timed_out && detail::is_operation_aborted(failure)) {
            auto const ms = std::chrono::duration_cast<std::chrono::milliseconds>(timeout);
            throw timeout_error{"wait_for: timed out after " + std::to_string(ms.count()) + " ms"};
        }
        std::rethrow_exception(failure);
    }
    if constexpr (!std::is_void_v<T>) {
        co_return std::move(*result);
    }
}

} // namespace ahttp
