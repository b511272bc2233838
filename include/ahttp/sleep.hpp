// SPDX-License-Identifier: BSL-1.0
// ahttp::sleep: asyncio.sleep for Asio coroutines.
#pragma once

#include <ahttp/awaitable.hpp>

#include <chrono>

namespace ahttp {

/// Suspends the calling coroutine for `duration` without blocking its executor.
///
/// A zero or negative duration still yields once to the executor, so `co_await sleep(0s)` lets
/// other ready coroutines run (asyncio's `sleep(0)`). The sleep is a `steady_timer` wait, so it
/// reacts to cancellation (from `wait_for`, `gather`, a `task_group` or a bound cancellation
/// slot) at once.
/// @param duration how long to sleep, measured on `std::chrono::steady_clock`.
/// @throws boost::system::system_error with `boost::asio::error::operation_aborted` when the
///         sleep is cancelled. Cancellation is not an `ahttp::error`.
awaitable<void> sleep(std::chrono::steady_clock::duration duration);

} // namespace ahttp
