// SPDX-License-Identifier: BSL-1.0
// run_app under a real SIGTERM, in a child process (ahttp_fault_server): 200 requests in
// flight all finish, new connections are refused meanwhile, a handler that never returns is
// cancelled at shutdown_timeout, a throwing handler is a 500 on a connection that lives on,
// and the process exits 0 in time.
#include "faults/fault_app.hpp"
#include "support/client_session.hpp"
#include "support/raw_client.hpp"
#include "support/running_process.hpp"

#include <ahttp/client.hpp>
#include <ahttp/task_group.hpp>

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <future>
#include <iostream>
#include <netinet/in.h>
#include <poll.h>
#include <regex>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace client = ahttp::client;
using ahttp::awaitable;
using ahttp::test::running_process;
using clock_type = std::chrono::steady_clock;

/// ahttp_fault_server on a free port, started and found through run_app's banner.
class fault_server {
public:
    explicit fault_server(std::chrono::milliseconds shutdown_timeout)
        : process_{{AHTTP_FAULT_SERVER, "--shutdown-timeout-ms",
                    std::to_string(shutdown_timeout.count())}}
    {
        auto const match = process_.wait_for_stdout(
            std::regex{R"(Running on http://127\.0\.0\.1:(\d+))"}, std::chrono::seconds{10});
        if (match) {
            port_ = static_cast<std::uint16_t>(std::stoi((*match)[1].str()));
        }
    }

    std::uint16_t port() const noexcept { return port_; }
    std::string url(std::string const& path) const
    {
        return "http://127.0.0.1:" + std::to_string(port_) + path;
    }
    running_process& process() noexcept { return process_; }

    /// The number of /slow and /forever handlers running, asked on a connection of its own;
    /// -1 if the server did not answer.
    int inflight() const
    {
        auto const r = ahttp::test::request(port_, "GET", "/inflight");
        return r.status == 200 ? std::stoi(r.body) : -1;
    }

    /// Polls inflight() every 10 ms until it reaches `count` or `limit` passes.
    bool wait_inflight(int count, std::chrono::milliseconds limit) const
    {
        auto const deadline = clock_type::now() + limit;
        while (clock_type::now() < deadline) {
            if (inflight() == count) {
                return true;
            }
            std::this_thread::sleep_for(10ms);
        }
        return false;
    }

private:
    running_process process_;
    std::uint16_t port_ = 0;
};

enum class attempt { refused, closed_without_response, answered, no_answer, connect_failed };

/// One fresh connection that asks GET /: did the server refuse it, close it unanswered,
/// answer, or leave it hanging for 2 s?
attempt try_new_connection(std::uint16_t port)
{
    int const fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        int const why = errno;
        ::close(fd);
        return why == ECONNREFUSED ? attempt::refused : attempt::connect_failed;
    }
    std::string_view const request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    pollfd p{fd, POLLIN, 0};
    attempt outcome = attempt::no_answer;
    if (::poll(&p, 1, 2000) > 0) {
        char buffer[64];
        ssize_t const n = ::recv(fd, buffer, sizeof buffer, 0);
        outcome = n > 0 ? attempt::answered : attempt::closed_without_response;
    }
    ::close(fd);
    return outcome;
}

struct outcome {
    unsigned status = 0;
    std::string body;
    std::string failure; ///< what() of an exception, empty if none
};

awaitable<void> fetch_one(client::session& session, std::string url, outcome& out,
                          std::atomic<int>& done)
{
    try {
        client::response r = co_await session.get(url);
        out.status = r.status_code();
        out.body = co_await r.text();
    } catch (std::exception const& e) {
        out.failure = e.what();
    }
    ++done;
}

/// GETs `url` `count` times at once, each on its own connection, and fills `outcomes`.
awaitable<void> fetch_all(std::string url, std::vector<outcome>& outcomes, std::atomic<int>& done)
{
    client::session_options options{.timeout = {.total = 30s},
                                    .connector = {.limit = 0, .limit_per_host = 0}};
    client::session session = co_await ahttp::test::make_session(std::move(options));
    ahttp::task_group group{co_await boost::asio::this_coro::executor};
    for (outcome& out : outcomes) {
        group.spawn(fetch_one(session, url, out, done));
    }
    co_await group.wait();
}

TEST(ShutdownTest, SigtermLetsTwoHundredInFlightRequestsFinishAndRefusesNewOnes)
{
    constexpr int concurrency = 200;
    constexpr auto handler_time = 1500ms;
    constexpr auto shutdown_timeout = 5s;
    fault_server server{shutdown_timeout};
    ASSERT_NE(server.port(), 0) << server.process().err();

    std::vector<outcome> outcomes(concurrency);
    std::atomic<int> done{0};
    std::string const url = server.url("/slow?ms=" + std::to_string(handler_time.count()));
    auto load = std::async(std::launch::async, [&] { ahttp::run(fetch_all(url, outcomes, done)); });

    // Every request must be inside its handler when the signal comes, or the test would
    // prove less than it claims.
    bool const all_in_flight = server.wait_inflight(concurrency, 10s);
    EXPECT_TRUE(all_in_flight) << "in flight: " << server.inflight();
    auto const signalled = clock_type::now();
    server.process().signal(SIGTERM);

    // New connections must be refused while the 200 drain (bounded: 50 tries, 1 s).
    attempt seen = attempt::answered;
    for (int i = 0; i < 50 && seen == attempt::answered; ++i) {
        seen = try_new_connection(server.port());
        if (seen == attempt::answered) {
            std::this_thread::sleep_for(20ms);
        }
    }
    int const done_at_refusal = done.load();
    auto const refused_after = clock_type::now() - signalled;
    EXPECT_TRUE(seen == attempt::refused || seen == attempt::closed_without_response)
        << "a connection made after SIGTERM was "
        << (seen == attempt::answered ? "answered" : "left hanging or failed otherwise");
    EXPECT_EQ(done_at_refusal, 0) << "the refusal was seen only after requests had completed";

    int const status = server.process().wait_exit(shutdown_timeout + 2s);
    auto const exited_after = clock_type::now() - signalled;
    ASSERT_EQ(load.wait_for(30s), std::future_status::ready);
    load.get();

    EXPECT_EQ(status, 0) << "signal " << server.process().signalled() << "\n"
                         << server.process().err();
    EXPECT_LT(exited_after, shutdown_timeout) << "drain took until the shutdown timeout";
    std::string const expected = ahttp::test::slow_body();
    int good = 0;
    std::string first_bad;
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
        outcome const& o = outcomes[i];
        if (o.failure.empty() && o.status == 200 && o.body == expected) {
            ++good;
        } else if (first_bad.empty()) {
            first_bad = "request " + std::to_string(i) + ": status " + std::to_string(o.status) +
                        ", " + std::to_string(o.body.size()) + " bytes, failure: " + o.failure;
        }
    }
    EXPECT_EQ(good, concurrency) << first_bad;
    EXPECT_EQ(done.load(), concurrency);
    std::cout << "[ figures  ] " << good << "/" << concurrency << " in-flight requests complete; "
              << (seen == attempt::refused ? "connect() refused" : "a new connection closed") << " "
              << std::chrono::duration_cast<std::chrono::milliseconds>(refused_after).count()
              << " ms after SIGTERM; exit status " << status << " after "
              << std::chrono::duration_cast<std::chrono::milliseconds>(exited_after).count()
              << " ms (handlers sleep " << handler_time.count() << " ms, shutdown_timeout "
              << std::chrono::duration_cast<std::chrono::milliseconds>(shutdown_timeout).count()
              << " ms)" << std::endl;
}

TEST(ShutdownTest, SigtermCancelsAHandlerThatNeverReturnsAtTheShutdownTimeout)
{
    constexpr auto shutdown_timeout = 500ms;
    fault_server server{shutdown_timeout};
    ASSERT_NE(server.port(), 0) << server.process().err();
    std::uint16_t const port = server.port();
    auto stuck = std::async(std::launch::async,
                            [port] { return ahttp::test::request(port, "GET", "/forever"); });
    EXPECT_TRUE(server.wait_inflight(1, 5s));

    auto const signalled = clock_type::now();
    server.process().signal(SIGTERM);
    int const status = server.process().wait_exit(shutdown_timeout + 5s);
    auto const exited_after = clock_type::now() - signalled;

    EXPECT_EQ(status, 0) << server.process().err();
    // Not before the timeout (the handler was given its time), and not long after it.
    EXPECT_GE(exited_after, shutdown_timeout);
    EXPECT_LT(exited_after, shutdown_timeout + 1500ms);
    ASSERT_EQ(stuck.wait_for(10s), std::future_status::ready);
    EXPECT_EQ(stuck.get().status, 0); // closed without a response
    std::cout << "[ figures  ] a never-returning handler: exit status " << status << " after "
              << std::chrono::duration_cast<std::chrono::milliseconds>(exited_after).count()
              << " ms (shutdown_timeout " << shutdown_timeout.count() << " ms)" << std::endl;
}

TEST(ShutdownTest, AThrowingHandlerIsA500OnAConnectionThatLivesOn)
{
    fault_server server{2s};
    ASSERT_NE(server.port(), 0) << server.process().err();
    {
        // One keep-alive connection: each 500 must leave it usable for the next request.
        ahttp::test::raw_client connection{server.port()};
        for (int i = 0; i < 20; ++i) {
            connection.send("GET /throw HTTP/1.1\r\nHost: x\r\n\r\n");
            auto const failed = ahttp::test::parse_response(connection.read_response());
            EXPECT_EQ(failed.status, 500);
            EXPECT_EQ(failed.body.find("on purpose"), std::string::npos)
                << "the exception's text leaked to the client: " << failed.body;
            connection.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            auto const fine = ahttp::test::parse_response(connection.read_response());
            EXPECT_EQ(fine.status, 200);
            EXPECT_EQ(fine.body, "ok");
            if (failed.status != 500 || fine.status != 200) {
                break;
            }
        }
        // Pipelined: the 500 does not disturb the responses queued behind it.
        connection.send("GET /throw HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n"
                        "GET /throw HTTP/1.1\r\nHost: x\r\n\r\n");
        EXPECT_EQ(ahttp::test::parse_response(connection.read_response()).status, 500);
        EXPECT_EQ(ahttp::test::parse_response(connection.read_response()).status, 200);
        EXPECT_EQ(ahttp::test::parse_response(connection.read_response()).status, 500);
    }
    // 50 throwing requests at once through the client, then the server is still fine.
    auto const statuses = ahttp::run([](std::string url) -> awaitable<std::vector<unsigned>> {
        std::vector<outcome> outcomes(50);
        std::atomic<int> done{0};
        co_await fetch_all(url, outcomes, done);
        std::vector<unsigned> out;
        for (auto const& o : outcomes) {
            out.push_back(o.status);
        }
        co_return out;
    }(server.url("/throw")));
    EXPECT_EQ(statuses, std::vector<unsigned>(50, 500u));
    EXPECT_EQ(ahttp::test::request(server.port(), "GET", "/").body, "ok");

    server.process().signal(SIGTERM);
    EXPECT_EQ(server.process().wait_exit(5s), 0) << server.process().err();
    EXPECT_EQ(server.process().err().find("terminate"), std::string::npos)
        << server.process().err();
}

} // namespace
