// SPDX-License-Identifier: BSL-1.0
// Retries with backoff (client::retry_options) against scripted servers that fail on purpose.
#include "support/scripted_server.hpp"

#include <ahttp/client.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>

namespace {

using namespace std::chrono_literals;
namespace client = ahttp::client;
using ahttp::awaitable;
using ahttp::test::scripted_connection;
using ahttp::test::scripted_server;
using clock_type = std::chrono::steady_clock;

/// Answers 503 (with `retry_after` if set) to the first `failures` requests, then 200 "ok".
struct flaky {
    int failures;
    std::string retry_after;
    std::atomic<int> seen{0};

    void operator()(scripted_connection& c, int)
    {
        while (!c.read_request().empty()) {
            if (seen++ < failures) {
                std::string head = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n";
                if (!retry_after.empty()) {
                    head += "Retry-After: " + retry_after + "\r\n";
                }
                c.send(head + "\r\nbusy");
            } else {
                c.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            }
        }
    }
};

awaitable<std::pair<unsigned, std::string>> get_with(std::string url, client::retry_options retry,
                                                     ahttp::http::method method)
{
    auto executor = co_await boost::asio::this_coro::executor;
    client::session_options options{.retry = std::move(retry)};
    client::session session{executor, std::move(options)};
    client::response r = co_await session.request(method, url);
    co_return std::pair{r.status_code(), co_await r.text()};
}

TEST(RetryTest, RetriesAnIdempotentRequestUntilItSucceeds)
{
    flaky server_logic{2, ""};
    scripted_server server{[&](scripted_connection& c, int i) { server_logic(c, i); }};
    auto const [status, body] = ahttp::run(
        get_with(server.url("/"), {.attempts = 3, .base_delay = 10ms}, ahttp::http::method::get));
    EXPECT_EQ(status, 200u);
    EXPECT_EQ(body, "ok");
    EXPECT_EQ(server_logic.seen.load(), 3);
}

TEST(RetryTest, GivesBackTheLastResponseWhenAttemptsRunOut)
{
    flaky server_logic{5, ""};
    scripted_server server{[&](scripted_connection& c, int i) { server_logic(c, i); }};
    auto const [status, body] = ahttp::run(
        get_with(server.url("/"), {.attempts = 2, .base_delay = 5ms}, ahttp::http::method::get));
    EXPECT_EQ(status, 503u);
    EXPECT_EQ(body, "busy");
    EXPECT_EQ(server_logic.seen.load(), 3);
}

TEST(RetryTest, NeverRetriesAPost)
{
    flaky server_logic{2, ""};
    scripted_server server{[&](scripted_connection& c, int i) { server_logic(c, i); }};
    auto const [status, body] = ahttp::run(
        get_with(server.url("/"), {.attempts = 3, .base_delay = 5ms}, ahttp::http::method::post));
    EXPECT_EQ(status, 503u);
    EXPECT_EQ(server_logic.seen.load(), 1);
}

TEST(RetryTest, HonoursRetryAfter)
{
    flaky server_logic{1, "1"};
    scripted_server server{[&](scripted_connection& c, int i) { server_logic(c, i); }};
    auto const started = clock_type::now();
    auto const [status, body] = ahttp::run(
        get_with(server.url("/"), {.attempts = 1, .base_delay = 1ms}, ahttp::http::method::get));
    EXPECT_EQ(status, 200u);
    EXPECT_GE(clock_type::now() - started, 1s);
}

TEST(RetryTest, RetryAfterLongerThanMaxDelayEndsTheRetries)
{
    flaky server_logic{1, "120"};
    scripted_server server{[&](scripted_connection& c, int i) { server_logic(c, i); }};
    auto const started = clock_type::now();
    auto const [status, body] = ahttp::run(
        get_with(server.url("/"), {.attempts = 3, .max_delay = 1s}, ahttp::http::method::get));
    EXPECT_EQ(status, 503u);
    EXPECT_LT(clock_type::now() - started, 1s);
    EXPECT_EQ(server_logic.seen.load(), 1);
}

TEST(RetryTest, RetriesARefusedConnectionThenFails)
{
    std::uint16_t port = 0;
    {
        scripted_server probe{[](scripted_connection&, int) {}};
        port = probe.port();
    }
    auto const started = clock_type::now();
    EXPECT_THROW(ahttp::run(get_with("http://127.0.0.1:" + std::to_string(port) + "/",
                                     {.attempts = 2, .base_delay = 50ms, .max_delay = 50ms},
                                     ahttp::http::method::get)),
                 client::connection_error);
    // Two backoffs of at most 50 ms each: quick, but not instant retries forever.
    EXPECT_LT(clock_type::now() - started, 2s);
}

TEST(RetryTest, BudgetLimitsRetriesAcrossRequests)
{
    flaky server_logic{1000, ""};
    scripted_server server{[&](scripted_connection& c, int i) { server_logic(c, i); }};
    ahttp::run([](std::string url) -> awaitable<void> {
        auto executor = co_await boost::asio::this_coro::executor;
        client::session_options options{
            .retry = {.attempts = 5, .base_delay = 1ms, .max_delay = 1ms, .budget_ratio = 0.1}};
        client::session session{executor, std::move(options)};
        for (int i = 0; i < 20; ++i) {
            client::response r = co_await session.get(url);
            co_await r.read();
        }
    }(server.url("/")));
    // 20 requests; the budget starts at 10 tokens and earns 0.1 per request: about 12
    // retries in all instead of 100.
    EXPECT_LE(server_logic.seen.load(), 20 + 13);
    EXPECT_GE(server_logic.seen.load(), 20 + 10);
}

} // namespace
