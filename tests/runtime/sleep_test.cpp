// SPDX-License-Identifier: BSL-1.0
// ahttp::sleep: waits, yields, and reacts to cancellation.
#include <ahttp/gather.hpp>
#include <ahttp/sleep.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/system_error.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <exception>
#include <vector>

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

ahttp::awaitable<void> record_around_yield(std::vector<int>& events)
{
    events.push_back(1);
    co_await ahttp::sleep(0s);
    events.push_back(3);
}

ahttp::awaitable<void> record(std::vector<int>& events)
{
    events.push_back(2);
    co_return;
}

ahttp::awaitable<void> yield_then_record(std::vector<int>& events)
{
    co_await ahttp::gather(record_around_yield(events), record(events));
}

TEST(SleepTest, WaitsAtLeastTheDuration)
{
    auto const started = clock_type::now();
    ahttp::run(ahttp::sleep(50ms));
    auto const elapsed = clock_type::now() - started;
    EXPECT_GE(elapsed, 50ms);
    EXPECT_LT(elapsed, 2s);
}

TEST(SleepTest, ZeroDurationYieldsToOtherCoroutines)
{
    std::vector<int> events;
    ahttp::run(yield_then_record(events));
    EXPECT_EQ(events, (std::vector<int>{1, 2, 3}));
}

TEST(SleepTest, CancelledSleepThrowsOperationAborted)
{
    boost::asio::io_context context{1};
    boost::asio::cancellation_signal signal;
    std::exception_ptr outcome;
    bool finished = false;
    boost::asio::co_spawn(
        context, ahttp::sleep(10s),
        boost::asio::bind_cancellation_slot(signal.slot(), [&](std::exception_ptr e) {
            outcome = e;
            finished = true;
        }));
    boost::asio::steady_timer trigger{context, 20ms};
    trigger.async_wait(
        [&](boost::system::error_code) { signal.emit(boost::asio::cancellation_type::terminal); });

    auto const started = clock_type::now();
    context.run();
    EXPECT_LT(clock_type::now() - started, 5s);
    ASSERT_TRUE(finished);
    ASSERT_TRUE(outcome);
    try {
        std::rethrow_exception(outcome);
    } catch (boost::system::system_error const& e) {
        EXPECT_EQ(e.code(), boost::asio::error::operation_aborted);
    }
}

} // namespace
