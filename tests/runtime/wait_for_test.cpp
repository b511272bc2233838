// SPDX-License-Identifier: BSL-1.0
// ahttp::wait_for: values, timeouts, and cancellation that reaches real socket I/O.
#include <ahttp/error.hpp>
#include <ahttp/sleep.hpp>
#include <ahttp/wait_for.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <stdexcept>
#include <string>

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

ahttp::awaitable<int> value_after(int value, clock_type::duration delay)
{
    co_await ahttp::sleep(delay);
    co_return value;
}

ahttp::awaitable<int> fast_value()
{
    co_return co_await ahttp::wait_for(value_after(7, 10ms), 2s);
}

TEST(WaitForTest, ReturnsTheValueWhenTheTaskIsFast)
{
    EXPECT_EQ(ahttp::run(fast_value()), 7);
}

ahttp::awaitable<void> fast_void()
{
    co_await ahttp::wait_for(ahttp::sleep(10ms), 2s);
}

TEST(WaitForTest, CompletesAVoidTask)
{
    EXPECT_NO_THROW(ahttp::run(fast_void()));
}

ahttp::awaitable<void> slow_sleep()
{
    co_await ahttp::wait_for(ahttp::sleep(10s), 50ms);
}

TEST(WaitForTest, ThrowsTimeoutErrorWhenTheDeadlineExpires)
{
    auto const started = clock_type::now();
    try {
        ahttp::run(slow_sleep());
        ADD_FAILURE() << "wait_for did not time out";
    } catch (ahttp::timeout_error const& e) {
        EXPECT_EQ(e.code(), ahttp::errc::timed_out);
    }
    auto const elapsed = clock_type::now() - started;
    EXPECT_GE(elapsed, 50ms);
    EXPECT_LT(elapsed, 2s);
}

// Reads from a socket that never receives data, recording how the read ended.
ahttp::awaitable<std::size_t> read_forever(tcp::socket& socket, bool& aborted)
{
    std::array<char, 64> buffer{};
    try {
        co_return co_await socket.async_read_some(asio::buffer(buffer), asio::use_awaitable);
    } catch (boost::system::system_error const& e) {
        aborted = e.code() == asio::error::operation_aborted;
        throw;
    }
}

struct read_outcome {
    bool timed_out = false;
    bool read_aborted = false;
    bool socket_still_open = false;
};

ahttp::awaitable<read_outcome> read_with_deadline()
{
    auto executor = co_await asio::this_coro::executor;
    tcp::acceptor acceptor{executor, tcp::endpoint{asio::ip::make_address("127.0.0.1"), 0}};
    tcp::socket client{executor};
    co_await client.async_connect(acceptor.local_endpoint(), asio::use_awaitable);
    tcp::socket server = co_await acceptor.async_accept(asio::use_awaitable);

    read_outcome outcome;
    try {
        co_await ahttp::wait_for(read_forever(server, outcome.read_aborted), 100ms);
    } catch (ahttp::timeout_error const&) {
        outcome.timed_out = true;
    }
    outcome.socket_still_open = server.is_open();
    co_return outcome;
}

TEST(WaitForTest, CancellationReachesAPendingSocketRead)
{
    auto const started = clock_type::now();
    read_outcome const outcome = ahttp::run(read_with_deadline());
    EXPECT_TRUE(outcome.timed_out);
    EXPECT_TRUE(outcome.read_aborted);
    EXPECT_TRUE(outcome.socket_still_open); // cancelled, not closed
    EXPECT_LT(clock_type::now() - started, 2s);
}

ahttp::awaitable<int> fail_fast()
{
    co_await ahttp::sleep(10ms);
    throw std::runtime_error{"inner failure"};
}

ahttp::awaitable<int> fast_failure()
{
    co_return co_await ahttp::wait_for(fail_fast(), 5s);
}

TEST(WaitForTest, PropagatesTheTasksOwnExceptionWithoutWaitingForTheDeadline)
{
    auto const started = clock_type::now();
    EXPECT_THROW(ahttp::run(fast_failure()), std::runtime_error);
    EXPECT_LT(clock_type::now() - started, 2s);
}

ahttp::awaitable<int> ignore_cancellation()
{
    try {
        co_await ahttp::sleep(10s);
    } catch (boost::system::system_error const&) {
        co_return 42; // finished its work anyway
    }
    co_return 0;
}

ahttp::awaitable<int> stubborn()
{
    co_return co_await ahttp::wait_for(ignore_cancellation(), 20ms);
}

TEST(WaitForTest, ReturnsTheValueOfATaskThatIgnoresCancellation)
{
    EXPECT_EQ(ahttp::run(stubborn()), 42);
}

// The inner wait_for is cancelled by the outer one's deadline: for the inner one that is a
// cancellation, not a timeout of its own.
ahttp::awaitable<void> inner_deadline(std::string& inner_saw)
{
    try {
        co_await ahttp::wait_for(ahttp::sleep(10s), 10s);
    } catch (ahttp::timeout_error const&) {
        inner_saw = "timeout";
        throw;
    } catch (boost::system::system_error const& e) {
        inner_saw = e.code() == asio::error::operation_aborted ? "aborted" : "other";
        throw;
    }
}

ahttp::awaitable<void> nested(std::string& inner_saw)
{
    co_await ahttp::wait_for(inner_deadline(inner_saw), 50ms);
}

TEST(WaitForTest, CancellationFromOutsideIsNotATimeout)
{
    std::string inner_saw;
    EXPECT_THROW(ahttp::run(nested(inner_saw)), ahttp::timeout_error);
    EXPECT_EQ(inner_saw, "aborted");
}

ahttp::awaitable<void> zero_deadline()
{
    co_await ahttp::wait_for(ahttp::sleep(1s), 0s);
}

TEST(WaitForTest, ZeroTimeoutExpiresAtOnce)
{
    auto const started = clock_type::now();
    EXPECT_THROW(ahttp::run(zero_deadline()), ahttp::timeout_error);
    EXPECT_LT(clock_type::now() - started, 500ms);
}

} // namespace
