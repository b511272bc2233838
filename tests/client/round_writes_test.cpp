// SPDX-License-Identifier: BSL-1.0
// Requests written at the end of the loop's round (src/client/round_writes): with other
// requests in flight, a request's bytes go out with the round's; what the socket cannot take
// at once comes back to the request, which sends the rest itself.
#include "support/client_session.hpp"
#include "support/scripted_server.hpp"

#include <ahttp/client.hpp>
#include <ahttp/gather.hpp>
#include <ahttp/sleep.hpp>
#include <ahttp/testing/test_server.hpp>
#include <ahttp/web.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace {
namespace round_writes_cases { // its own names: the tests build as one unity file

namespace client = ahttp::client;
namespace web = ahttp::web;
using ahttp::awaitable;
using ahttp::test::make_session;

constexpr std::size_t big_body_size = std::size_t{6} * 1024 * 1024;

/// FNV-1a, to compare bodies without sending them back.
std::uint64_t digest(std::string_view bytes)
{
    std::uint64_t h = 14695981039346656037ull;
    for (char const c : bytes) {
        h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    }
    return h;
}

std::string body_for(int i)
{
    std::string body(big_body_size, '\0');
    for (std::size_t k = 0; k < body.size(); ++k) {
        body[k] = static_cast<char>('a' + (k * 7 + static_cast<std::size_t>(i)) % 26);
    }
    return body;
}

struct digest_app {
    web::application app{web::application_options{.client_max_size = 2 * big_body_size}};

    digest_app()
    {
        app.router().add_post("/digest", [](web::request& req) -> awaitable<web::response> {
            std::string const body = co_await req.read();
            co_return web::response::text(std::to_string(body.size()) + " " +
                                          std::to_string(digest(body)));
        });
        // Starts reading the body only after a second, then at full speed, and answers with
        // its size at once: an upload larger than what the socket buffers take without a
        // reader lasts that long, and the answer follows it closely (valgrind included).
        app.router().add_post("/late-size", [](web::request& req) -> awaitable<web::response> {
            co_await ahttp::sleep(std::chrono::seconds{1});
            std::string const body = co_await req.read();
            co_return web::response::text(std::to_string(body.size()));
        });
        app.router().add_get("/hello", [](web::request&) -> awaitable<web::response> {
            co_return web::response::text("hello");
        });
    }
};

awaitable<std::string> post_body(client::session& session, std::string url, std::string body)
{
    client::request_options options;
    options.data = std::move(body);
    client::response r = co_await session.post(url, std::move(options));
    co_return co_await r.text();
}

/// A POST whose wait for the answer is short: first_byte, and sock_read too if asked.
awaitable<std::string> post_body_with_short_waits(client::session& session, std::string url,
                                                  std::string body, bool sock_read_too)
{
    client::request_options options;
    options.data = std::move(body);
    options.timeout.first_byte = std::chrono::milliseconds{500};
    if (sock_read_too) {
        options.timeout.sock_read = std::chrono::milliseconds{500};
    }
    client::response r = co_await session.post(url, std::move(options));
    co_return co_await r.text();
}

awaitable<std::string> get_text(client::session& session, std::string url)
{
    client::response r = co_await session.get(url);
    co_return co_await r.text();
}

// Bodies far larger than a socket buffer, sent while other requests are in flight: each
// deferred write goes out in part, the rest is handed back, and every byte arrives in order.
TEST(RoundWritesTest, BodiesLargerThanTheSocketBufferArriveWholeFromConcurrentRequests)
{
    digest_app fixture;
    ahttp::testing::test_server server{fixture.app};
    auto const url = server.url("/digest");
    auto const answers = ahttp::run([&]() -> awaitable<std::vector<std::string>> {
        client::session session = co_await make_session();
        std::vector<awaitable<std::string>> tasks;
        for (int i = 0; i < 4; ++i) {
            tasks.push_back(post_body(session, url, body_for(i)));
        }
        co_return co_await ahttp::gather(std::move(tasks));
    }());
    ASSERT_EQ(answers.size(), 4u);
    for (int i = 0; i < 4; ++i) {
        std::string const body = body_for(i);
        EXPECT_EQ(answers[static_cast<std::size_t>(i)],
                  std::to_string(body.size()) + " " + std::to_string(digest(body)))
            << "request " << i;
    }
}

// first_byte and sock_read time the wait for the answer, not the upload: a deferred request
// whose rest was handed back starts them once that rest is sent, as a request written at once
// does. The server reads nothing for a second, so the uploads take that long; the waits are
// half a second.
TEST(RoundWritesTest, AnUploadSlowerThanFirstByteAndSockReadIsNotTheirTimeout)
{
    digest_app fixture;
    ahttp::testing::test_server server{fixture.app};
    auto const url = server.url("/late-size");
    // One request alone is written at once; two have company and are deferred.
    for (auto const& [requests, sock_read_too] :
         {std::pair{1, false}, std::pair{2, false}, std::pair{2, true}}) {
        auto const answers = ahttp::run([&]() -> awaitable<std::vector<std::string>> {
            client::session session = co_await make_session();
            std::vector<awaitable<std::string>> tasks;
            for (int i = 0; i < requests; ++i) {
                tasks.push_back(
                    post_body_with_short_waits(session, url, body_for(i), sock_read_too));
            }
            co_return co_await ahttp::gather(std::move(tasks));
        }());
        ASSERT_EQ(answers.size(), static_cast<std::size_t>(requests));
        for (int i = 0; i < requests; ++i) {
            EXPECT_EQ(answers[static_cast<std::size_t>(i)], std::to_string(big_body_size))
                << requests << " request(s), "
                << (sock_read_too ? "first_byte and sock_read" : "first_byte");
        }
    }
}

// Many small requests at once, over a pool smaller than their number: every one is answered,
// and the connections are reused afterwards (nothing was left half-written).
TEST(RoundWritesTest, ManyConcurrentRequestsAreAllAnsweredAndTheirConnectionsReused)
{
    digest_app fixture;
    ahttp::testing::test_server server{fixture.app};
    auto const url = server.url("/hello");
    int created = 0;
    ahttp::run([&]() -> awaitable<void> {
        client::session_options options{.connector = {.limit = 8}};
        options.trace.on_connection_create_end = [&](client::trace_request const&) { ++created; };
        client::session session = co_await make_session(std::move(options));
        for (int round = 0; round < 5; ++round) {
            std::vector<awaitable<std::string>> tasks;
            for (int i = 0; i < 64; ++i) {
                tasks.push_back(get_text(session, url));
            }
            auto const bodies = co_await ahttp::gather(std::move(tasks));
            EXPECT_EQ(bodies.size(), 64u);
            for (auto const& b : bodies) {
                EXPECT_EQ(b, "hello");
            }
        }
    }());
    EXPECT_EQ(created, 8);
}

/// Answers one request per connection, then closes it without saying so.
void answer_then_close(ahttp::test::scripted_connection& c, int)
{
    if (!c.read_request().empty()) {
        c.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    }
}

awaitable<void> get_ok_repeatedly(client::session& session, std::string url, int times)
{
    for (int i = 0; i < times; ++i) {
        client::response r = co_await session.get(url);
        EXPECT_EQ(co_await r.text(), "ok") << i;
    }
}

// Deferred writes that meet connections the server has closed: each GET is sent again on a
// new connection, as it is when written at once, and none fails.
TEST(RoundWritesTest, GetsDeferredOntoClosedConnectionsAreRetried)
{
    ahttp::test::scripted_server server{answer_then_close};
    ahttp::run([&]() -> awaitable<void> {
        client::session session = co_await make_session();
        std::vector<awaitable<void>> loops;
        for (int i = 0; i < 4; ++i) {
            loops.push_back(get_ok_repeatedly(session, server.url("/"), 10));
        }
        co_await ahttp::gather(std::move(loops));
    }());
    EXPECT_EQ(server.connections(), 40);
}

} // namespace round_writes_cases
} // namespace
