// SPDX-License-Identifier: BSL-1.0
// The HTTP/1.1 server over real loopback sockets: keep-alive, pipelining, bodies, streaming,
// timeouts, concurrency and graceful shutdown.
#include "support/apps.hpp"
#include "support/raw_client.hpp"

#include <ahttp/sleep.hpp>
#include <ahttp/testing/test_server.hpp>
#include <ahttp/to_thread.hpp>
#include <ahttp/web.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

namespace {

using namespace std::chrono_literals;
namespace web = ahttp::web;
using ahttp::test::count_responses;
using ahttp::test::parse_response;
using ahttp::test::raw_client;
using clock_type = std::chrono::steady_clock;

TEST(ServerTest, AnswersHelloWorldWithLengthAndDate)
{
    auto app = ahttp::test::make_demo_app();
    ahttp::testing::test_server server{app};
    auto const r = ahttp::test::request(server.port(), "GET", "/");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "Hello, World!");
    EXPECT_EQ(r.header("Content-Length"), "13");
    EXPECT_EQ(r.header("Content-Type"), "text/plain; charset=utf-8");
    EXPECT_NE(r.header("Date").find("GMT"), std::string::npos);
}

TEST(ServerTest, PassesDecodedPathParameter)
{
    auto app = ahttp::test::make_demo_app();
    ahttp::testing::test_server server{app};
    EXPECT_EQ(ahttp::test::request(server.port(), "GET", "/Ada%20Lovelace").body,
              "Hello, Ada Lovelace!");
}

TEST(ServerTest, KeepsConnectionAliveAcrossRequests)
{
    auto app = ahttp::test::make_demo_app();
    ahttp::testing::test_server server{app};
    raw_client client{server.port()};
    for (int i = 0; i < 5; ++i) {
        client.send("GET /n" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        auto const r = parse_response(client.read_response());
        EXPECT_EQ(r.status, 200);
        EXPECT_EQ(r.body, "Hello, n" + std::to_string(i) + "!");
        EXPECT_EQ(r.header("Connection"), "");
    }
    EXPECT_EQ(server.connection_count(), 1u);
}

TEST(ServerTest, AnswersPipelinedRequestsInOrder)
{
    auto app = ahttp::test::make_demo_app();
    ahttp::testing::test_server server{app};
    raw_client client{server.port()};
    std::string batch;
    for (int i = 0; i < 16; ++i) {
        batch += "GET /p" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n";
    }
    batch += "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbody";
    batch += "GET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    client.send(batch);
    for (int i = 0; i < 16; ++i) {
        EXPECT_EQ(parse_response(client.read_response()).body,
                  "Hello, p" + std::to_string(i) + "!");
    }
    EXPECT_EQ(parse_response(client.read_response()).body, "body");
    auto const last = parse_response(client.read_response());
    EXPECT_EQ(last.body, "Hello, last!");
    EXPECT_EQ(last.header("Connection"), "close");
    EXPECT_TRUE(client.closed_by_peer());
}

TEST(ServerTest, HeadGetsLengthWithoutBody)
{
    auto app = ahttp::test::make_demo_app();
    ahttp::testing::test_server server{app};
    raw_client client{server.port()};
    client.send("HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
    auto const head = parse_response(client.read_response(true));
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(head.header("Content-Length"), "13");
    EXPECT_EQ(head.body, "");
    // The next response starts right after the head: no stray body bytes in between.
    EXPECT_EQ(parse_response(client.read_response()).body, "Hello, World!");
}

TEST(ServerTest, Http10ClosesUnlessKeepAliveAsked)
{
    auto app = ahttp::test::make_demo_app();
    ahttp::testing::test_server server{app};
    {
        raw_client client{server.port()};
        client.send("GET / HTTP/1.0\r\n\r\n");
        auto const raw = client.read_all();
        EXPECT_EQ(raw.rfind("HTTP/1.0 200 OK\r\n", 0), 0u) << raw;
        EXPECT_NE(raw.find("Connection: close"), std::string::npos);
    }
    raw_client client{server.port()};
    client.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    auto const first = parse_response(client.read_response());
    EXPECT_EQ(first.header("Connection"), "keep-alive");
    client.send("GET /again HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    EXPECT_EQ(parse_response(client.read_response()).body, "Hello, again!");
}

TEST(ServerTest, SendsContinueBeforeReadingBody)
{
    auto app = ahttp::test::make_demo_app();
    ahttp::testing::test_server server{app};
    raw_client client{server.port()};
    client.send(
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
    auto const interim = client.read_response();
    EXPECT_EQ(interim.rfind("HTTP/1.1 100 Continue\r\n\r\n", 0), 0u) << interim;
    client.send("hello");
    EXPECT_EQ(parse_response(client.read_response()).body, "hello");
}

TEST(ServerTest, ReadsChunkedRequestBody)
{
    auto app = ahttp::test::make_demo_app();
    ahttp::testing::test_server server{app};
    raw_client client{server.port()};
    client.send(
        "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
    std::this_thread::sleep_for(50ms); // the rest arrives in a later segment
    client.send(
        "6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(parse_response(client.read_response()).body, "hello world");
    EXPECT_EQ(parse_response(client.read_response()).body, "Hello, after!");
}

TEST(ServerTest, ReadsLargeBodyArrivingInPieces)
{
    auto app = ahttp::test::make_demo_app();
    ahttp::testing::test_server server{app};
    raw_client client{server.port()};
    std::string body(300'000, 'x');
    for (std::size_t i = 0; i < body.size(); ++i) {
        body[i] = static_cast<char>('a' + i % 26);
    }
    client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) +
                "\r\n\r\n");
    for (std::size_t i = 0; i < body.size(); i += 70'000) {
        client.send(std::string_view{body}.substr(i, 70'000));
    }
    auto const r = parse_response(client.read_response());
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body.size(), body.size());
    EXPECT_TRUE(r.body == body);
}

TEST(ServerTest, StreamsChunkedResponse)
{
    auto app = ahttp::test::make_demo_app();
    ahttp::testing::test_server server{app};
    raw_client client{server.port()};
    client.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
    auto const streamed = parse_response(client.read_response());
    EXPECT_EQ(streamed.header("Transfer-Encoding"), "chunked");
    EXPECT_EQ(streamed.body, "one,two,three");
    EXPECT_EQ(parse_response(client.read_response()).body, "Hello, World!");
}

TEST(ServerTest, HandlerExceptionGives500AndServerLivesOn)
{
    auto app = ahttp::test::make_demo_app();
    ahttp::testing::test_server server{app};
    raw_client client{server.port()};
    client.send("GET /boom HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(parse_response(client.read_response()).status, 500);
    client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(parse_response(client.read_response()).status, 200);
}

TEST(ServerTest, AnswersNotFoundAndMethodNotAllowed)
{
    auto app = ahttp::test::make_demo_app();
    ahttp::testing::test_server server{app};
    EXPECT_EQ(ahttp::test::request(server.port(), "GET", "/a/b/c").status, 404);
    auto const r = ahttp::test::request(server.port(), "DELETE", "/echo");
    EXPECT_EQ(r.status, 405);
    EXPECT_NE(r.header("Allow").find("POST"), std::string::npos);
}

TEST(ServerTest, SleepingHandlerDoesNotBlockOthers)
{
    auto app = ahttp::test::make_demo_app();
    ahttp::testing::test_server server{app};
    auto slow = std::async(std::launch::async, [&] {
        return ahttp::test::request(server.port(), "GET", "/sleep/1000");
    });
    std::this_thread::sleep_for(100ms);
    auto const started = clock_type::now();
    EXPECT_EQ(ahttp::test::request(server.port(), "GET", "/").status, 200);
    EXPECT_LT(clock_type::now() - started, 500ms);
    EXPECT_EQ(slow.get().body, "slept");
}

ahttp::awaitable<web::response> blocking_in_thread(web::request&)
{
    co_await ahttp::to_thread([] { std::this_thread::sleep_for(1s); });
    co_return web::response::text("done");
}

TEST(ServerTest, BlockingWorkOnToThreadDoesNotBlockOthers)
{
    auto app = ahttp::test::make_demo_app();
    app.router().add_get("/blocking/thread", blocking_in_thread);
    ahttp::testing::test_server server{app};
    auto slow = std::async(std::launch::async, [&] {
        return ahttp::test::request(server.port(), "GET", "/blocking/thread");
    });
    std::this_thread::sleep_for(100ms);
    auto const started = clock_type::now();
    EXPECT_EQ(ahttp::test::request(server.port(), "GET", "/").status, 200);
    EXPECT_LT(clock_type::now() - started, 500ms);
    EXPECT_EQ(slow.get().body, "done");
}

TEST(ServerTest, ClosesSlowlorisAtHeaderDeadline)
{
    auto app = ahttp::test::make_demo_app();
    auto options = ahttp::testing::test_server::quiet_options();
    options.timeouts.header_read = 300ms;
    ahttp::testing::test_server server{app, options};
    raw_client client{server.port(), 3s};
    auto const started = clock_type::now();
    client.send("GET / HTTP/1.1\r\n");
    for (int i = 0; i < 10 && client.send("X-Slow: 1\r\n"); ++i) {
        std::this_thread::sleep_for(100ms);
    }
    EXPECT_TRUE(client.closed_by_peer());
    EXPECT_LT(clock_type::now() - started, 2s);
}

TEST(ServerTest, ClosesIdleKeepAliveConnection)
{
    auto app = ahttp::test::make_demo_app();
    auto options = ahttp::testing::test_server::quiet_options();
    options.timeouts.keepalive = 200ms;
    ahttp::testing::test_server server{app, options};
    raw_client client{server.port(), 3s};
    client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(parse_response(client.read_response()).status, 200);
    auto const started = clock_type::now();
    EXPECT_TRUE(client.closed_by_peer());
    EXPECT_GE(clock_type::now() - started, 150ms);
}

TEST(ServerTest, ClosesStalledBodyAtBodyDeadline)
{
    auto app = ahttp::test::make_demo_app();
    auto options = ahttp::testing::test_server::quiet_options();
    options.timeouts.body_read = 200ms;
    ahttp::testing::test_server server{app, options};
    raw_client client{server.port(), 3s};
    client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
    auto const raw = client.read_all();
    EXPECT_EQ(parse_response(raw).status, 408) << raw;
    EXPECT_EQ(count_responses(raw), 1);
}

TEST(ServerTest, GracefulShutdownLetsInFlightRequestFinish)
{
    auto app = ahttp::test::make_demo_app();
    ahttp::testing::test_server server{app};
    raw_client idle{server.port()};
    idle.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(parse_response(idle.read_response()).status, 200);
    auto slow = std::async(std::launch::async, [&] {
        return ahttp::test::request(server.port(), "GET", "/sleep/500");
    });
    std::this_thread::sleep_for(150ms);
    auto const started = clock_type::now();
    server.stop();
    auto const r = slow.get();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "slept");
    EXPECT_EQ(r.header("Connection"), "close");
    EXPECT_TRUE(idle.closed_by_peer());
    EXPECT_LT(clock_type::now() - started, 3s);
}

TEST(ServerTest, ShutdownTimeoutCancelsHandlersThatNeverReturn)
{
    auto app = ahttp::test::make_demo_app();
    auto options = ahttp::testing::test_server::quiet_options();
    options.shutdown_timeout = 200ms;
    ahttp::testing::test_server server{app, options};
    auto stuck = std::async(std::launch::async, [&] {
        return ahttp::test::request(server.port(), "GET", "/sleep/60000");
    });
    std::this_thread::sleep_for(150ms);
    auto const started = clock_type::now();
    server.stop();
    EXPECT_LT(clock_type::now() - started, 3s);
    EXPECT_EQ(stuck.get().status, 0); // closed without a response
}

TEST(ServerTest, ServesFromSeveralWorkers)
{
    auto app = ahttp::test::make_demo_app();
    auto options = ahttp::testing::test_server::quiet_options();
    options.workers = 3;
    ahttp::testing::test_server server{app, options};
    for (int i = 0; i < 30; ++i) {
        EXPECT_EQ(ahttp::test::request(server.port(), "GET", "/").status, 200);
    }
}

TEST(ServerTest, RefusesBindingABusyPort)
{
    auto app = ahttp::test::make_demo_app();
    ahttp::testing::test_server first{app};
    auto app2 = ahttp::test::make_demo_app();
    auto options = ahttp::testing::test_server::quiet_options();
    options.port = first.port();
    EXPECT_THROW(ahttp::testing::test_server(app2, options), web::server_error);
}

} // namespace
