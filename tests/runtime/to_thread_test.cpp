// SPDX-License-Identifier: BSL-1.0
// ahttp::to_thread: runs elsewhere, resumes here, never blocks the loop, carries exceptions.
#include <ahttp/error.hpp>
#include <ahttp/gather.hpp>
#include <ahttp/sleep.hpp>
#include <ahttp/to_thread.hpp>
#include <ahttp/wait_for.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

struct thread_ids {
    std::thread::id caller;
    std::thread::id worker;
    std::thread::id resumed;
};

ahttp::awaitable<thread_ids> observe_threads()
{
    thread_ids ids;
    ids.caller = std::this_thread::get_id();
    ids.worker = co_await ahttp::to_thread([] { return std::this_thread::get_id(); });
    ids.resumed = std::this_thread::get_id();
    co_return ids;
}

TEST(ToThreadTest, RunsOnAnotherThreadAndResumesOnTheCallersThread)
{
    thread_ids const ids = ahttp::run(observe_threads());
    EXPECT_NE(ids.worker, ids.caller);
    EXPECT_EQ(ids.resumed, ids.caller);
}

ahttp::awaitable<clock_type::duration> timer_probe()
{
    auto const started = clock_type::now();
    co_await ahttp::sleep(50ms);
    co_return clock_type::now() - started;
}

ahttp::awaitable<clock_type::duration> block_beside_timer()
{
    auto [blocked, probe] = co_await ahttp::gather(
        ahttp::to_thread([] { std::this_thread::sleep_for(300ms); }), timer_probe());
    (void)blocked;
    co_return probe;
}

TEST(ToThreadTest, BlockingFunctionDoesNotBlockTheLoop)
{
    auto const started = clock_type::now();
    clock_type::duration const probe = ahttp::run(block_beside_timer());
    EXPECT_LT(probe, 250ms);                       // the timer fired while the function blocked
    EXPECT_GE(clock_type::now() - started, 300ms); // and run() waited for the function
}

ahttp::awaitable<void> throw_in_pool()
{
    co_await ahttp::to_thread([] { throw std::runtime_error{"from the pool"}; });
}

TEST(ToThreadTest, RethrowsTheFunctionsExceptionInTheCaller)
{
    try {
        ahttp::run(throw_in_pool());
        ADD_FAILURE() << "to_thread did not throw";
    } catch (std::runtime_error const& e) {
        EXPECT_STREQ(e.what(), "from the pool");
    }
}

ahttp::awaitable<int> move_only_result()
{
    auto owned = std::make_unique<int>(5);
    // Named first: g++ 12 destroys a capturing lambda temporary of a co_await expression twice.
    auto job = [p = std::move(owned)]() mutable { return std::make_unique<int>(*p * 2); };
    std::unique_ptr<int> result = co_await ahttp::to_thread(std::move(job));
    co_return *result;
}

TEST(ToThreadTest, MovesMoveOnlyFunctionsAndResults)
{
    EXPECT_EQ(ahttp::run(move_only_result()), 10);
}

ahttp::awaitable<void> touch_pool()
{
    co_await ahttp::to_thread([] {});
}

TEST(ToThreadTest, PoolSizeIsFixedAfterFirstUse)
{
    ahttp::run(touch_pool());
    try {
        ahttp::set_to_thread_pool_size(2);
        ADD_FAILURE() << "set_to_thread_pool_size accepted a change after first use";
    } catch (ahttp::error const& e) {
        EXPECT_EQ(e.code(), ahttp::errc::invalid_state);
    }
    try {
        ahttp::set_to_thread_pool_size(0);
        ADD_FAILURE() << "set_to_thread_pool_size accepted 0";
    } catch (ahttp::error const& e) {
        EXPECT_EQ(e.code(), ahttp::errc::invalid_argument);
    }
}

struct saturation {
    std::atomic<std::size_t> started{0};
    std::atomic<bool> release{false};
    std::atomic<bool> queued_call_ran{false};
    bool queued_call_timed_out = false;
};

ahttp::awaitable<void> occupy_pool_thread(saturation& state)
{
    co_await ahttp::to_thread([&state] {
        ++state.started;
        while (!state.release) {
            std::this_thread::sleep_for(1ms);
        }
    });
}

ahttp::awaitable<void> cancel_queued_call(saturation& state, std::size_t pool_size)
{
    while (state.started < pool_size) {
        co_await ahttp::sleep(1ms);
    }
    try {
        co_await ahttp::wait_for(ahttp::to_thread([&state] { state.queued_call_ran = true; }),
                                 50ms);
    } catch (ahttp::timeout_error const&) {
        state.queued_call_timed_out = true;
    }
    state.release = true;
}

ahttp::awaitable<void> saturate_then_cancel(saturation& state, std::size_t pool_size)
{
    std::vector<ahttp::awaitable<void>> tasks;
    for (std::size_t i = 0; i < pool_size; ++i) {
        tasks.push_back(occupy_pool_thread(state));
    }
    tasks.push_back(cancel_queued_call(state, pool_size));
    co_await ahttp::gather(std::move(tasks));
}

TEST(ToThreadTest, CallCancelledWhileQueuedNeverRuns)
{
    // No test changes the pool size, so it has its default size.
    std::size_t const pool_size = std::max(4U, std::thread::hardware_concurrency());
    saturation state;
    ahttp::run(saturate_then_cancel(state, pool_size));
    EXPECT_TRUE(state.queued_call_timed_out);
    // Give a wrongly started call time to show up.
    std::this_thread::sleep_for(50ms);
    EXPECT_FALSE(state.queued_call_ran);
}

} // namespace
