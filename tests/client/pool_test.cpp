// SPDX-License-Identifier: BSL-1.0
// The session's connection pool, observed from a scripted keep-alive server that counts the
// connections it accepts: reuse, what is never reused, keep-alive expiry and force_close.
#include "support/client_session.hpp"
#include "support/scripted_server.hpp"

#include <ahttp/client.hpp>
#include <ahttp/gather.hpp>
#include <ahttp/sleep.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace client = ahttp::client;
using ahttp::awaitable;
using ahttp::test::make_session;
using ahttp::test::scripted_connection;
using ahttp::test::scripted_server;

/// Answers every request on a connection until the client closes it: /big with 100 kB,
/// /moved with a redirect to /, HEAD with headers only, anything else with "ok".
void keep_alive_server(scripted_connection& c, int)
{
    for (;;) {
        std::string const request = c.read_request();
        if (request.empty()) {
            return;
        }
        if (request.starts_with("GET /big ")) {
            c.send("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + std::string(100000, 'x'));
        } else if (request.starts_with("GET /moved ")) {
            c.send("HTTP/1.1 302 Found\r\nLocation: /\r\nContent-Length: 5\r\n\r\nmoved");
        } else if (request.starts_with("HEAD ")) {
            c.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n");
        } else {
            c.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        }
    }
}

awaitable<std::string> get_text(client::session& session, std::string url)
{
    client::response r = co_await session.get(url);
    co_return co_await r.text();
}

TEST(PoolTest, ReusesOneConnectionForSequentialRequests)
{
    scripted_server server{keep_alive_server};
    ahttp::run([&]() -> awaitable<void> {
        client::session session = co_await make_session();
        for (int i = 0; i < 100; ++i) {
            EXPECT_EQ(co_await get_text(session, server.url("/")), "ok");
        }
    }());
    EXPECT_EQ(server.connections(), 1);
}

TEST(PoolTest, HeadAndRedirectsKeepTheConnection)
{
    scripted_server server{keep_alive_server};
    ahttp::run([&]() -> awaitable<void> {
        client::session session = co_await make_session();
        client::response head = co_await session.head(server.url("/"));
        EXPECT_EQ(head.headers().value_or("Content-Length", ""), "2");
        EXPECT_EQ(co_await head.read(), "");
        client::response moved = co_await session.get(server.url("/moved"));
        EXPECT_EQ(moved.history().size(), 1u);
        EXPECT_EQ(co_await moved.text(), "ok");
        EXPECT_EQ(co_await get_text(session, server.url("/")), "ok");
    }());
    EXPECT_EQ(server.connections(), 1);
}

TEST(PoolTest, NeverReusesAConnectionWithAnUnreadBody)
{
    scripted_server server{keep_alive_server};
    ahttp::run([&]() -> awaitable<void> {
        client::session session = co_await make_session();
        {
            client::response big = co_await session.get(server.url("/big"));
            std::string_view const start = co_await big.read_chunk(10);
            EXPECT_EQ(start, "xxxxxxxxxx");
        } // destroyed half-read: its connection is closed
        for (int i = 0; i < 3; ++i) {
            EXPECT_EQ(co_await get_text(session, server.url("/")), "ok");
        }
    }());
    EXPECT_EQ(server.connections(), 2);
}

TEST(PoolTest, ReleasedResponseClosesItsUnreadConnection)
{
    scripted_server server{keep_alive_server};
    ahttp::run([&]() -> awaitable<void> {
        client::session session = co_await make_session();
        client::response big = co_await session.get(server.url("/big"));
        big.release();
        EXPECT_THROW(co_await big.read(), client::payload_error); // nothing left to read from
        EXPECT_EQ(co_await get_text(session, server.url("/")), "ok");
    }());
    EXPECT_EQ(server.connections(), 2);
}

TEST(PoolTest, DropsIdleConnectionsAfterKeepaliveTimeout)
{
    scripted_server server{keep_alive_server};
    ahttp::run([&]() -> awaitable<void> {
        client::session_options options{.connector = {.keepalive_timeout = 100ms}};
        client::session session = co_await make_session(std::move(options));
        EXPECT_EQ(co_await get_text(session, server.url("/")), "ok");
        co_await ahttp::sleep(250ms);
        EXPECT_EQ(co_await get_text(session, server.url("/")), "ok");
    }());
    EXPECT_EQ(server.connections(), 2);
}

TEST(PoolTest, ForceCloseOpensAConnectionPerRequest)
{
    scripted_server server{keep_alive_server};
    ahttp::run([&]() -> awaitable<void> {
        client::session_options options{.connector = {.force_close = true}};
        client::session session = co_await make_session(std::move(options));
        for (int i = 0; i < 3; ++i) {
            EXPECT_EQ(co_await get_text(session, server.url("/")), "ok");
        }
    }());
    EXPECT_EQ(server.connections(), 3);
}

} // namespace

namespace {

TEST(RateLimitTest, SpacesRequestsToAHostAfterTheBurst)
{
    scripted_server server{keep_alive_server};
    auto const started = std::chrono::steady_clock::now();
    ahttp::run([](std::string url) -> awaitable<void> {
        // One connection (the scripted server serves connections one at a time).
        client::session_options options{
            .connector = {.limit_per_host = 1, .rate_limit = {.per_second = 20, .burst = 2}}};
        client::session session = co_await make_session(std::move(options));
        std::vector<awaitable<std::string>> requests;
        for (int i = 0; i < 6; ++i) {
            requests.push_back(get_text(session, url));
        }
        auto const bodies = co_await ahttp::gather(std::move(requests));
        EXPECT_EQ(bodies.size(), 6u);
    }(server.url("/")));
    // Two at once, then one every 50 ms: the sixth goes at 200 ms.
    auto const took = std::chrono::steady_clock::now() - started;
    EXPECT_GE(took, 190ms);
    EXPECT_LT(took, 1500ms);
}

TEST(RateLimitTest, AWaitBeyondTheTotalTimeoutIsATimeout)
{
    scripted_server server{keep_alive_server};
    ahttp::run([](std::string url) -> awaitable<void> {
        client::session_options options{.timeout = {.total = 100ms},
                                        .connector = {.rate_limit = {.per_second = 1}}};
        client::session session = co_await make_session(std::move(options));
        EXPECT_EQ(co_await get_text(session, url), "ok");
        try {
            co_await get_text(session, url); // its slot is a second away
            ADD_FAILURE() << "no timeout";
        } catch (client::timeout_error const& e) {
            EXPECT_EQ(e.phase(), client::timeout_phase::total);
        }
    }(server.url("/")));
}

} // namespace
