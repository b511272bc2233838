// SPDX-License-Identifier: BSL-1.0
// RFC 8305 racing (detail::race_connect) over loopback: a stalled address must not hold up a
// good one, a refused one hands over at once, and a deadline closes every attempt.
#include "client/happy_eyeballs.hpp"
#include "support/scripted_server.hpp"

#include <ahttp/wait_for.hpp>

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <chrono>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

using namespace std::chrono_literals;
namespace detail = ahttp::client::detail;
using tcp = boost::asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

/// A listener whose accept queue is full: connects to it hang (the kernel drops the SYNs).
class stalled_listener {
public:
    stalled_listener()
    {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
        ::listen(fd_, 0);
        socklen_t length = sizeof address;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
        port_ = ntohs(address.sin_port);
        for (int i = 0; i < 4; ++i) {
            int const filler = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
            ::connect(filler, reinterpret_cast<sockaddr*>(&address), sizeof address);
            fillers_.push_back(filler);
        }
    }
    ~stalled_listener()
    {
        for (int f : fillers_) {
            ::close(f);
        }
        ::close(fd_);
    }
    std::uint16_t port() const noexcept { return port_; }

private:
    int fd_ = -1;
    std::uint16_t port_ = 0;
    std::vector<int> fillers_;
};

tcp::endpoint loopback(std::uint16_t port)
{
    return {boost::asio::ip::make_address("127.0.0.1"), port};
}

std::uint16_t closed_port()
{
    ahttp::test::scripted_server probe{[](ahttp::test::scripted_connection&, int) {}};
    return probe.port();
}

/// What a race produced, copied out before the socket goes with its io_context.
struct outcome {
    bool connected = false;
    std::uint16_t port = 0; ///< the winner's remote port
    boost::system::error_code last;
    bool attempt_timed_out = false;
};

ahttp::awaitable<outcome> race(std::vector<tcp::endpoint> endpoints,
                               std::chrono::steady_clock::duration per_attempt,
                               std::chrono::steady_clock::duration stagger)
{
    detail::race_result r =
        co_await detail::race_connect(std::move(endpoints), per_attempt, stagger);
    outcome o{r.socket.has_value(), 0, r.last, r.attempt_timed_out};
    if (r.socket) {
        auto const remote = r.socket->remote_endpoint();
        sockaddr_in address{};
        std::memcpy(&address, remote.data(), sizeof address);
        o.port = ntohs(address.sin_port);
    }
    co_return o;
}

TEST(HappyEyeballsTest, AStalledAddressDoesNotHoldUpTheNext)
{
    stalled_listener stalled;
    ahttp::test::scripted_server good{
        [](ahttp::test::scripted_connection& c, int) { c.wait_closed(2s); }};
    auto const started = clock_type::now();
    auto const result =
        ahttp::run(race({loopback(stalled.port()), loopback(good.port())}, 10s, 100ms));
    auto const took = clock_type::now() - started;
    ASSERT_TRUE(result.connected);
    EXPECT_EQ(result.port, good.port());
    EXPECT_GE(took, 100ms); // the second attempt started after the stagger…
    EXPECT_LT(took, 2s);    // …not after the first one's 10 s deadline
}

TEST(HappyEyeballsTest, ARefusedAddressHandsOverAtOnce)
{
    ahttp::test::scripted_server good{
        [](ahttp::test::scripted_connection& c, int) { c.wait_closed(2s); }};
    auto const started = clock_type::now();
    auto const result = ahttp::run(race({loopback(closed_port()), loopback(good.port())}, 10s, 5s));
    ASSERT_TRUE(result.connected);
    EXPECT_LT(clock_type::now() - started, 1s); // did not wait for the 5 s stagger
}

TEST(HappyEyeballsTest, AllFailingReportsTheLastError)
{
    auto const result =
        ahttp::run(race({loopback(closed_port()), loopback(closed_port())}, 10s, 50ms));
    EXPECT_FALSE(result.connected);
    EXPECT_EQ(result.last, boost::asio::error::connection_refused);
    EXPECT_FALSE(result.attempt_timed_out);
}

TEST(HappyEyeballsTest, PerAttemptDeadlineIsReported)
{
    stalled_listener stalled;
    auto const result = ahttp::run(race({loopback(stalled.port())}, 200ms, 50ms));
    EXPECT_FALSE(result.connected);
    EXPECT_TRUE(result.attempt_timed_out);
}

TEST(HappyEyeballsTest, AnOuterDeadlineCancelsEveryAttempt)
{
    stalled_listener a;
    stalled_listener b;
    auto const started = clock_type::now();
    EXPECT_THROW(ahttp::run(ahttp::wait_for(
                     race({loopback(a.port()), loopback(b.port())}, 10s, 50ms), 300ms)),
                 ahttp::timeout_error);
    EXPECT_LT(clock_type::now() - started, 2s); // ahttp::run returned: nothing left running
}

TEST(HappyEyeballsTest, InterleavesFamiliesStartingWithTheFirst)
{
    auto const v4a = tcp::endpoint{boost::asio::ip::make_address("192.0.2.1"), 80};
    auto const v4b = tcp::endpoint{boost::asio::ip::make_address("192.0.2.2"), 80};
    auto const v6a = tcp::endpoint{boost::asio::ip::make_address("2001:db8::1"), 80};
    auto const v6b = tcp::endpoint{boost::asio::ip::make_address("2001:db8::2"), 80};
    EXPECT_EQ(detail::interleave_families({v6a, v6b, v4a, v4b}),
              (std::vector<tcp::endpoint>{v6a, v4a, v6b, v4b}));
    EXPECT_EQ(detail::interleave_families({v4a, v6a, v6b}),
              (std::vector<tcp::endpoint>{v4a, v6a, v6b}));
}

} // namespace
