// SPDX-License-Identifier: BSL-1.0
// ahttp::wait_for_signal: receives a raised signal, and a pending wait can be cancelled.
#include <ahttp/error.hpp>
#include <ahttp/gather.hpp>
#include <ahttp/signals.hpp>
#include <ahttp/sleep.hpp>
#include <ahttp/wait_for.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <utility>
#include <vector>

namespace {

using namespace std::chrono_literals;

ahttp::awaitable<void> raise_after(int number, std::chrono::milliseconds delay)
{
    co_await ahttp::sleep(delay);
    std::raise(number);
}

ahttp::awaitable<int> catch_usr1()
{
    auto [received, raised] =
        co_await ahttp::gather(ahttp::wait_for_signal(SIGUSR1), raise_after(SIGUSR1, 20ms));
    (void)raised;
    co_return received;
}

TEST(SignalsTest, ReturnsTheRaisedSignal)
{
    EXPECT_EQ(ahttp::run(catch_usr1()), SIGUSR1);
}

ahttp::awaitable<int> stored_wait()
{
    // The vector is gone long before the awaitable starts; the awaitable must not need it.
    ahttp::awaitable<int> wait = ahttp::wait_for_signal(std::vector<int>{SIGUSR1, SIGUSR2});
    auto [received, raised] = co_await ahttp::gather(std::move(wait), raise_after(SIGUSR2, 20ms));
    (void)raised;
    co_return received;
}

TEST(SignalsTest, StoredWaitKeepsItsSignals)
{
    EXPECT_EQ(ahttp::run(stored_wait()), SIGUSR2);
}

ahttp::awaitable<void> bounded_wait()
{
    co_await ahttp::wait_for(ahttp::wait_for_signal(), 30ms);
}

ahttp::awaitable<int> either_of_two()
{
    auto [received, raised] = co_await ahttp::gather(ahttp::wait_for_signal(SIGUSR1, SIGUSR2),
                                                     raise_after(SIGUSR2, 20ms));
    (void)raised;
    co_return received;
}

TEST(SignalsTest, ReturnsWhicheverListedSignalArrives)
{
    EXPECT_EQ(ahttp::run(either_of_two()), SIGUSR2);
}

TEST(SignalsTest, RejectsAnEmptyList)
{
    try {
        (void)ahttp::wait_for_signal(std::vector<int>{});
        ADD_FAILURE() << "an empty list was accepted";
    } catch (ahttp::error const& e) {
        EXPECT_EQ(e.code(), ahttp::errc::invalid_argument);
    }
}

TEST(SignalsTest, PendingWaitIsCancellable)
{
    EXPECT_THROW(ahttp::run(bounded_wait()), ahttp::timeout_error);
}

} // namespace
