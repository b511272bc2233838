// SPDX-License-Identifier: BSL-1.0
// ahttp::gather: order of results, concurrency, first failure and cancellation of the rest.
#include <ahttp/error.hpp>
#include <ahttp/gather.hpp>
#include <ahttp/sleep.hpp>
#include <ahttp/wait_for.hpp>

#include <boost/asio/error.hpp>
#include <boost/system/system_error.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

template <class T>
ahttp::awaitable<T> value_after(T value, clock_type::duration delay)
{
    co_await ahttp::sleep(delay);
    co_return value;
}

ahttp::awaitable<void> nothing_after(clock_type::duration delay)
{
    co_await ahttp::sleep(delay);
}

ahttp::awaitable<int> fail_after(clock_type::duration delay, std::string message)
{
    co_await ahttp::sleep(delay);
    throw std::runtime_error{message};
}

// Sleeps long and records whether the sleep ended in operation_aborted.
ahttp::awaitable<int> long_sleep(bool& aborted)
{
    try {
        co_await ahttp::sleep(10s);
    } catch (boost::system::system_error const& e) {
        aborted = e.code() == boost::asio::error::operation_aborted;
        throw;
    }
    co_return 0;
}

struct no_default {
    explicit no_default(int v) : value{v} {}
    int value;
};

ahttp::awaitable<no_default> make_no_default(int v)
{
    co_await ahttp::sleep(1ms);
    co_return no_default{v};
}

ahttp::awaitable<std::tuple<int, std::monostate, std::string>> mixed()
{
    co_return co_await ahttp::gather(value_after(3, 60ms), nothing_after(10ms),
                                     value_after(std::string{"last"}, 30ms));
}

TEST(GatherTest, ReturnsValuesInArgumentOrder)
{
    auto [number, nothing, text] = ahttp::run(mixed());
    EXPECT_EQ(number, 3);
    EXPECT_EQ(nothing, std::monostate{});
    EXPECT_EQ(text, "last");
}

ahttp::awaitable<void> three_sleeps()
{
    co_await ahttp::gather(ahttp::sleep(200ms), ahttp::sleep(200ms), ahttp::sleep(200ms));
}

TEST(GatherTest, RunsTheAwaitablesConcurrently)
{
    auto const started = clock_type::now();
    ahttp::run(three_sleeps());
    auto const elapsed = clock_type::now() - started;
    EXPECT_GE(elapsed, 200ms);
    EXPECT_LT(elapsed, 450ms);
}

ahttp::awaitable<void> fail_and_sleep(bool& aborted)
{
    co_await ahttp::gather(fail_after(50ms, "boom"), long_sleep(aborted));
}

TEST(GatherTest, PropagatesTheFirstExceptionAndCancelsTheRest)
{
    bool aborted = false;
    auto const started = clock_type::now();
    try {
        ahttp::run(fail_and_sleep(aborted));
        ADD_FAILURE() << "gather did not throw";
    } catch (std::runtime_error const& e) {
        EXPECT_STREQ(e.what(), "boom");
    }
    EXPECT_TRUE(aborted);
    EXPECT_LT(clock_type::now() - started, 2s);
}

ahttp::awaitable<void> late_and_early()
{
    // The later argument fails first; the earlier one is then cancelled during its sleep.
    co_await ahttp::gather(fail_after(300ms, "late"), fail_after(20ms, "early"));
}

TEST(GatherTest, ReportsTheEarliestFailureNotTheLowestIndex)
{
    try {
        ahttp::run(late_and_early());
        ADD_FAILURE() << "gather did not throw";
    } catch (std::runtime_error const& e) {
        EXPECT_STREQ(e.what(), "early");
    }
}

ahttp::awaitable<int> sum_of_no_defaults()
{
    auto [a, b] = co_await ahttp::gather(make_no_default(1), make_no_default(2));
    co_return a.value + b.value;
}

TEST(GatherTest, AcceptsResultsWithoutDefaultConstructor)
{
    EXPECT_EQ(ahttp::run(sum_of_no_defaults()), 3);
}

ahttp::awaitable<std::vector<int>> gather_reversed_delays()
{
    std::vector<ahttp::awaitable<int>> tasks;
    for (int i = 0; i < 5; ++i) {
        tasks.push_back(value_after(i, (5 - i) * 20ms));
    }
    co_return co_await ahttp::gather(std::move(tasks));
}

TEST(GatherTest, VectorReturnsValuesInInputOrder)
{
    EXPECT_EQ(ahttp::run(gather_reversed_delays()), (std::vector<int>{0, 1, 2, 3, 4}));
}

ahttp::awaitable<std::vector<std::monostate>> gather_voids()
{
    std::vector<ahttp::awaitable<void>> tasks;
    for (int i = 0; i < 3; ++i) {
        tasks.push_back(ahttp::sleep(200ms));
    }
    co_return co_await ahttp::gather(std::move(tasks));
}

TEST(GatherTest, VectorRunsTheAwaitablesConcurrently)
{
    auto const started = clock_type::now();
    EXPECT_EQ(ahttp::run(gather_voids()).size(), 3U);
    EXPECT_LT(clock_type::now() - started, 450ms);
}

ahttp::awaitable<void> vector_fail_and_sleep(bool& first_aborted, bool& second_aborted)
{
    std::vector<ahttp::awaitable<int>> tasks;
    tasks.push_back(long_sleep(first_aborted));
    tasks.push_back(fail_after(30ms, "vector boom"));
    tasks.push_back(long_sleep(second_aborted));
    co_await ahttp::gather(std::move(tasks));
}

TEST(GatherTest, VectorPropagatesTheFirstExceptionAndCancelsTheRest)
{
    bool first_aborted = false;
    bool second_aborted = false;
    auto const started = clock_type::now();
    try {
        ahttp::run(vector_fail_and_sleep(first_aborted, second_aborted));
        ADD_FAILURE() << "gather did not throw";
    } catch (std::runtime_error const& e) {
        EXPECT_STREQ(e.what(), "vector boom");
    }
    EXPECT_TRUE(first_aborted);
    EXPECT_TRUE(second_aborted);
    EXPECT_LT(clock_type::now() - started, 2s);
}

ahttp::awaitable<std::size_t> gather_nothing()
{
    std::vector<int> values = co_await ahttp::gather(std::vector<ahttp::awaitable<int>>{});
    co_return values.size();
}

TEST(GatherTest, EmptyVectorGivesAnEmptyResult)
{
    EXPECT_EQ(ahttp::run(gather_nothing()), 0U);
}

ahttp::awaitable<void> gather_under_deadline(bool& first_aborted, bool& second_aborted)
{
    co_await ahttp::wait_for(ahttp::gather(long_sleep(first_aborted), long_sleep(second_aborted)),
                             50ms);
}

TEST(GatherTest, CancellingTheGatherCancelsEveryAwaitable)
{
    bool first_aborted = false;
    bool second_aborted = false;
    EXPECT_THROW(ahttp::run(gather_under_deadline(first_aborted, second_aborted)),
                 ahttp::timeout_error);
    EXPECT_TRUE(first_aborted);
    EXPECT_TRUE(second_aborted);
}

} // namespace
