// SPDX-License-Identifier: BSL-1.0
// ahttp::semaphore: concurrency limit, FIFO hand-over, cancellation without leaked permits.
#include <ahttp/error.hpp>
#include <ahttp/gather.hpp>
#include <ahttp/semaphore.hpp>
#include <ahttp/sleep.hpp>
#include <ahttp/wait_for.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/system/system_error.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

namespace {

using namespace std::chrono_literals;

struct in_flight {
    int now = 0;
    int max = 0;
};

ahttp::awaitable<void> limited_worker(ahttp::semaphore& limit, in_flight& counter)
{
    ahttp::semaphore::permit permit = co_await limit.hold();
    ++counter.now;
    counter.max = std::max(counter.max, counter.now);
    co_await ahttp::sleep(20ms);
    --counter.now;
}

ahttp::awaitable<in_flight> run_limited(std::size_t limit_size, int workers)
{
    ahttp::semaphore limit{co_await boost::asio::this_coro::executor, limit_size};
    in_flight counter;
    std::vector<ahttp::awaitable<void>> tasks;
    for (int i = 0; i < workers; ++i) {
        tasks.push_back(limited_worker(limit, counter));
    }
    co_await ahttp::gather(std::move(tasks));
    EXPECT_EQ(limit.available(), limit_size);
    co_return counter;
}

TEST(SemaphoreTest, LimitsConcurrency)
{
    in_flight const counter = ahttp::run(run_limited(3, 10));
    EXPECT_EQ(counter.max, 3);
    EXPECT_EQ(counter.now, 0);
}

ahttp::awaitable<void> queued_worker(ahttp::semaphore& limit, std::vector<int>& order, int id)
{
    co_await limit.acquire();
    order.push_back(id);
    co_await ahttp::sleep(1ms);
    limit.release();
}

ahttp::awaitable<void> open_later(ahttp::semaphore& limit)
{
    co_await ahttp::sleep(20ms);
    limit.release();
}

ahttp::awaitable<std::vector<int>> fifo_order()
{
    ahttp::semaphore limit{co_await boost::asio::this_coro::executor, 0};
    std::vector<int> order;
    std::vector<ahttp::awaitable<void>> tasks;
    for (int id = 0; id < 5; ++id) {
        tasks.push_back(queued_worker(limit, order, id));
    }
    tasks.push_back(open_later(limit));
    co_await ahttp::gather(std::move(tasks));
    co_return order;
}

TEST(SemaphoreTest, ServesWaitersInArrivalOrder)
{
    EXPECT_EQ(ahttp::run(fifo_order()), (std::vector<int>{0, 1, 2, 3, 4}));
}

ahttp::awaitable<void> take_one(ahttp::semaphore& limit, bool& got)
{
    co_await limit.acquire();
    got = true;
}

ahttp::awaitable<void> release_and_try(ahttp::semaphore& limit, bool& overtook)
{
    co_await ahttp::sleep(10ms);
    limit.release();
    overtook = limit.try_acquire();
}

ahttp::awaitable<void> no_overtaking()
{
    ahttp::semaphore limit{co_await boost::asio::this_coro::executor, 1};
    EXPECT_TRUE(limit.try_acquire());
    EXPECT_FALSE(limit.try_acquire());
    bool got = false;
    bool overtook = true;
    co_await ahttp::gather(take_one(limit, got), release_and_try(limit, overtook));
    EXPECT_TRUE(got);
    EXPECT_FALSE(overtook); // the released permit went to the waiter
    EXPECT_EQ(limit.available(), 0U);
}

TEST(SemaphoreTest, TryAcquireNeverOvertakesAWaiter)
{
    ahttp::run(no_overtaking());
}

struct cancel_report {
    bool timed_out = false;
    std::size_t waiting_after = 99;
    std::size_t available_after_release = 99;
    bool try_acquire_after = false;
};

ahttp::awaitable<cancel_report> cancel_a_waiter()
{
    ahttp::semaphore limit{co_await boost::asio::this_coro::executor, 1};
    cancel_report report;
    std::optional<ahttp::semaphore::permit> held{co_await limit.hold()};
    try {
        co_await ahttp::wait_for(limit.acquire(), 50ms);
    } catch (ahttp::timeout_error const&) {
        report.timed_out = true;
    }
    report.waiting_after = limit.waiting();
    held.reset();
    report.available_after_release = limit.available();
    report.try_acquire_after = limit.try_acquire();
    co_return report;
}

TEST(SemaphoreTest, CancelledWaiterDoesNotLeakAPermit)
{
    cancel_report const report = ahttp::run(cancel_a_waiter());
    EXPECT_TRUE(report.timed_out);
    EXPECT_EQ(report.waiting_after, 0U);
    EXPECT_EQ(report.available_after_release, 1U);
    EXPECT_TRUE(report.try_acquire_after);
}

ahttp::awaitable<void> impatient(ahttp::semaphore& limit, bool& timed_out)
{
    try {
        co_await ahttp::wait_for(limit.acquire(), 30ms);
        limit.release();
    } catch (ahttp::timeout_error const&) {
        timed_out = true;
    }
}

ahttp::awaitable<void> patient(ahttp::semaphore& limit, bool& got)
{
    co_await ahttp::sleep(1ms); // queue behind the impatient waiter
    ahttp::semaphore::permit permit = co_await limit.hold();
    got = true;
}

ahttp::awaitable<void> open_after(ahttp::semaphore& limit, std::chrono::milliseconds delay)
{
    co_await ahttp::sleep(delay);
    limit.release();
}

ahttp::awaitable<void> cancelled_waiter_passes_turn(bool& timed_out, bool& got)
{
    ahttp::semaphore limit{co_await boost::asio::this_coro::executor, 0};
    co_await ahttp::gather(impatient(limit, timed_out), patient(limit, got),
                           open_after(limit, 100ms));
    EXPECT_EQ(limit.available(), 1U);
}

TEST(SemaphoreTest, CancelledWaiterPassesItsTurnToTheNext)
{
    bool timed_out = false;
    bool got = false;
    ahttp::run(cancelled_waiter_passes_turn(timed_out, got));
    EXPECT_TRUE(timed_out);
    EXPECT_TRUE(got);
}

ahttp::awaitable<void> scoped_permits()
{
    ahttp::semaphore limit{co_await boost::asio::this_coro::executor, 2};
    {
        ahttp::semaphore::permit first = co_await limit.hold();
        ahttp::semaphore::permit second = co_await limit.hold();
        EXPECT_TRUE(first.owns_permit());
        EXPECT_EQ(limit.available(), 0U);
        ahttp::semaphore::permit moved = std::move(second);
        EXPECT_FALSE(second.owns_permit()); // NOLINT(bugprone-use-after-move): checking it
        moved.release();
        EXPECT_EQ(limit.available(), 1U);
    }
    EXPECT_EQ(limit.available(), 2U);
}

TEST(SemaphoreTest, PermitReleasesAtScopeExit)
{
    ahttp::run(scoped_permits());
}

ahttp::awaitable<void> wait_on(ahttp::semaphore& limit, bool& aborted)
{
    try {
        co_await limit.acquire();
    } catch (boost::system::system_error const& e) {
        aborted = e.code() == boost::asio::error::operation_aborted;
    }
}

ahttp::awaitable<void> destroy_soon(std::unique_ptr<ahttp::semaphore>& limit)
{
    co_await ahttp::sleep(10ms);
    limit.reset();
}

ahttp::awaitable<void> destroy_with_waiter(bool& aborted)
{
    auto limit = std::make_unique<ahttp::semaphore>(co_await boost::asio::this_coro::executor, 0);
    co_await ahttp::gather(wait_on(*limit, aborted), destroy_soon(limit));
}

TEST(SemaphoreTest, DestructionWakesWaitersWithOperationAborted)
{
    bool aborted = false;
    ahttp::run(destroy_with_waiter(aborted));
    EXPECT_TRUE(aborted);
}

} // namespace
