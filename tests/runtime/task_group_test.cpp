// SPDX-License-Identifier: BSL-1.0
// ahttp::task_group: waits for all, first failure cancels the rest, cancellation is structured.
#include <ahttp/error.hpp>
#include <ahttp/sleep.hpp>
#include <ahttp/task_group.hpp>
#include <ahttp/wait_for.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/system/system_error.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

ahttp::awaitable<void> count_after(int& done, std::chrono::milliseconds delay)
{
    co_await ahttp::sleep(delay);
    ++done;
}

ahttp::awaitable<void> fail_after(std::chrono::milliseconds delay)
{
    co_await ahttp::sleep(delay);
    throw std::runtime_error{"task failed"};
}

ahttp::awaitable<void> long_sleep(int& aborted)
{
    try {
        co_await ahttp::sleep(10s);
    } catch (boost::system::system_error const& e) {
        if (e.code() == boost::asio::error::operation_aborted) {
            ++aborted;
        }
        throw;
    }
}

ahttp::awaitable<int> spawn_three()
{
    ahttp::task_group group{co_await boost::asio::this_coro::executor};
    int done = 0;
    group.spawn(count_after(done, 30ms));
    group.spawn(count_after(done, 10ms));
    group.spawn(count_after(done, 20ms));
    EXPECT_EQ(group.running(), 3U);
    co_await group.wait();
    EXPECT_EQ(group.running(), 0U);
    co_return done;
}

TEST(TaskGroupTest, WaitsForEveryTask)
{
    EXPECT_EQ(ahttp::run(spawn_three()), 3);
}

ahttp::awaitable<void> nothing_to_wait_for()
{
    ahttp::task_group group{co_await boost::asio::this_coro::executor};
    co_await group.wait();
}

TEST(TaskGroupTest, WaitOnAnEmptyGroupReturnsAtOnce)
{
    EXPECT_NO_THROW(ahttp::run(nothing_to_wait_for()));
}

ahttp::awaitable<void> one_fails(int& aborted)
{
    ahttp::task_group group{co_await boost::asio::this_coro::executor};
    group.spawn(long_sleep(aborted));
    group.spawn(fail_after(20ms));
    group.spawn(long_sleep(aborted));
    co_await group.wait();
}

TEST(TaskGroupTest, FirstFailureCancelsTheOthers)
{
    int aborted = 0;
    auto const started = clock_type::now();
    EXPECT_THROW(ahttp::run(one_fails(aborted)), std::runtime_error);
    EXPECT_EQ(aborted, 2);
    EXPECT_LT(clock_type::now() - started, 2s);
}

ahttp::awaitable<bool> cancel_explicitly(int& aborted)
{
    ahttp::task_group group{co_await boost::asio::this_coro::executor};
    group.spawn(long_sleep(aborted));
    group.spawn(long_sleep(aborted));
    co_await ahttp::sleep(10ms);
    group.cancel();
    int late = 0;
    group.spawn(count_after(late, 0ms)); // refused while cancelling
    co_await group.wait();
    // The round is over: the group accepts tasks again.
    group.spawn(count_after(late, 1ms));
    co_await group.wait();
    co_return late == 1;
}

TEST(TaskGroupTest, CancelEndsTasksWithoutAnError)
{
    int aborted = 0;
    EXPECT_TRUE(ahttp::run(cancel_explicitly(aborted)));
    EXPECT_EQ(aborted, 2);
}

ahttp::awaitable<void> wait_with_deadline(int& aborted)
{
    ahttp::task_group group{co_await boost::asio::this_coro::executor};
    group.spawn(long_sleep(aborted));
    group.spawn(long_sleep(aborted));
    co_await ahttp::wait_for(group.wait(), 30ms);
}

TEST(TaskGroupTest, CancellingTheWaitCancelsEveryTask)
{
    int aborted = 0;
    EXPECT_THROW(ahttp::run(wait_with_deadline(aborted)), ahttp::timeout_error);
    EXPECT_EQ(aborted, 2);
}

TEST(TaskGroupTest, CancelBeforeTheLoopRunsIsSafe)
{
    // Tasks spawned from outside the io_context have not started when they are cancelled.
    boost::asio::io_context context{1};
    int aborted = 0;
    {
        ahttp::task_group group{context.get_executor()};
        group.spawn(long_sleep(aborted));
        group.cancel();
    }
    EXPECT_NO_THROW(context.run());
}

} // namespace
