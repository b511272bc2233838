// SPDX-License-Identifier: BSL-1.0
// ahttp::task_group: structured concurrency where the first failure cancels the rest
// (asyncio.TaskGroup).
#pragma once

#include <ahttp/awaitable.hpp>

#include <cstddef>
#include <memory>

namespace ahttp {

namespace detail {
struct task_group_state;
} // namespace detail

/// Runs a dynamic set of coroutines concurrently and waits for all of them; the first one to
/// fail cancels the others (asyncio.TaskGroup, Trio's nursery).
///
/// spawn() starts a task at once on the group's executor; wait() suspends until every task
/// spawned so far, and every task they spawn meanwhile, has finished, then rethrows the first
/// failure. When a task throws, the group sends terminal cancellation to all the others (their
/// pending I/O completes with `operation_aborted`); the `operation_aborted` they end with is
/// the group's own doing and is not reported. Likewise after cancel(): cancelled tasks are not
/// failures, and wait() returns normally unless a task failed for another reason.
/// @par Thread safety
///   None: use a group from coroutines of one single-threaded io_context (or one strand).
/// @par Lifetime
///   Always `co_await wait()` before the group goes out of scope. A group destroyed with tasks
///   still running cancels them; they then finish in the background, unobserved.
/// @par Example
///   ahttp::task_group group{co_await boost::asio::this_coro::executor};
///   for (std::string& url : urls) {
///       group.spawn(fetch(std::move(url)));
///   }
///   co_await group.wait();   // throws the first fetch failure, after cancelling the rest
class task_group {
public:
    /// Constructs an empty group whose tasks run on `ex`.
    explicit task_group(executor ex);

    /// Cancels the tasks still running, if any, without waiting for them.
    ~task_group();

    task_group(task_group const&) = delete;
    task_group& operator=(task_group const&) = delete;

    /// Starts `task` on the group's executor, concurrently with the caller.
    ///
    /// While the group is cancelling (after a failure or cancel(), until wait() completes), the
    /// task is destroyed without running, as asyncio's TaskGroup refuses new tasks then.
    /// @throws std::bad_alloc when the task cannot be started.
    void spawn(awaitable<void> task);

    /// Waits until no task of the group is running, then rethrows the first failure.
    ///
    /// Returns at once when nothing is running. Completing ends a round: the failure is
    /// forgotten and the group accepts new tasks again. Cancelling the coroutine that waits cancels
    /// every task; wait() still waits for them to finish, then throws.
    /// @throws whatever the first failing task threw, unchanged.
    /// @throws boost::system::system_error with `boost::asio::error::operation_aborted` when
    ///         the wait was cancelled and no task failed otherwise.
    /// @throws ahttp::error with errc::invalid_state when another wait() is already pending.
    awaitable<void> wait();

    /// Sends terminal cancellation to every running task; until wait() completes, spawn()
    /// discards new tasks.
    void cancel() noexcept;

    /// Returns the number of tasks still running.
    std::size_t running() const noexcept;

    /// Returns the executor the tasks run on.
    executor const& get_executor() const noexcept;

private:
    std::shared_ptr<detail::task_group_state> state_; // shared with the tasks' completion handlers
};

} // namespace ahttp
