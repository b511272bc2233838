// SPDX-License-Identifier: BSL-1.0
// web::event_stream on loopback: the exact wire format as curl and python3-aiohttp receive it,
// ahttp's event_source reading it, Last-Event-ID, pings, and a client that goes away.
#include "support/client_session.hpp"
#include "support/process.hpp"

#include <ahttp/client.hpp>
#include <ahttp/testing/test_server.hpp>
#include <ahttp/wait_for.hpp>
#include <ahttp/web.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace client = ahttp::client;
namespace web = ahttp::web;
using ahttp::test::run_process;
using ahttp::test::system_python;

/// What /wire sends, byte for byte.
constexpr std::string_view wire_body = "data: first\n\n"
                                       "id: 7\nevent: update\ndata: multi\ndata: line\n"
                                       "data: data\ndata: here\nretry: 2500\n\n"
                                       ": a comment\n: on two lines\n\n"
                                       "id: \ndata: \n\n"
                                       "event: last\ndata: done\n\n";

ahttp::awaitable<web::response> wire(web::request& request)
{
    web::event_stream stream;
    co_await stream.prepare(request);
    co_await stream.send("first");
    web::event_options update{.id = "7", .event = "update", .retry = 2500ms};
    co_await stream.send("multi\nline\r\ndata\rhere", update);
    co_await stream.send_comment("a comment\non two lines");
    web::event_options reset_id{.id = ""};
    co_await stream.send("", reset_id);
    // Braced inline on purpose: event_options is trivially copyable, so g++ 12's bitwise copy
    // of an aggregate temporary in a co_await is harmless here (the memcheck run checks it).
    co_await stream.send("done", {.event = "last"});
    co_return stream;
}

ahttp::awaitable<web::response> echo_last_id(web::request& request)
{
    web::event_stream stream;
    co_await stream.prepare(request);
    std::string const seen = stream.last_event_id(); // the same as web::last_event_id(request)
    std::string const data = seen.empty() ? "(none)" : seen; // named: see docs/design/0003
    co_await stream.send(data);
    co_return stream;
}

ahttp::awaitable<web::response> with_pings(web::request& request)
{
    web::event_stream stream{{.ping_interval = 40ms}};
    if (request.query().contains("gzip")) {
        stream.enable_compression(); // each event and each ping is compressed and flushed
    }
    co_await stream.prepare(request);
    co_await stream.send("start");
    co_await ahttp::sleep(300ms);
    co_await stream.send("end");
    co_return stream;
}

// How the disconnect handlers ended: 0 still running, 1 noticed the client left, 2 did not.
std::atomic<int> g_waiter{0};
std::atomic<int> g_sender{0};
std::atomic<int> g_sends{0};

/// Sends one event, then only waits for the client to leave (bounded at 10 s).
ahttp::awaitable<web::response> wait_for_leave(web::request& request)
{
    web::event_stream stream{{.ping_interval = 0ms}};
    co_await stream.prepare(request);
    co_await stream.send("hello");
    try {
        co_await ahttp::wait_for(stream.wait_closed(), 10s);
        g_waiter = 1;
    } catch (ahttp::timeout_error const&) {
        g_waiter = 2;
    }
    co_return stream;
}

/// Sends an event every 10 ms (at most 1000) until a send fails.
ahttp::awaitable<web::response> send_until_gone(web::request& request)
{
    web::event_stream stream;
    co_await stream.prepare(request);
    try {
        for (int i = 0; i < 1000; ++i) {
            std::string const data = "tick " + std::to_string(i);
            co_await stream.send(data);
            ++g_sends;
            co_await ahttp::sleep(10ms);
        }
        g_sender = 2;
    } catch (boost::system::system_error const&) {
        g_sender = 1;
    }
    co_return stream;
}

web::application make_app()
{
    web::application app;
    app.router().add_get("/wire", wire);
    app.router().add_get("/last-id", echo_last_id);
    app.router().add_get("/pings", with_pings);
    app.router().add_get("/wait", wait_for_leave);
    app.router().add_get("/send", send_until_gone);
    return app;
}

web::server_options test_options()
{
    web::server_options options = ahttp::testing::test_server::quiet_options();
    options.shutdown_timeout = 2s; // a handler still waiting must not hold the test up
    return options;
}

/// Polls `flag` until it is non-zero or `limit` passes.
int wait_flag(std::atomic<int> const& flag, std::chrono::milliseconds limit)
{
    auto const deadline = std::chrono::steady_clock::now() + limit;
    while (flag == 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(10ms);
    }
    return flag;
}

TEST(EventStreamTest, FormatsEventsAndRefusesLineBreaksInFields)
{
    web::event_options options{.id = "1", .event = "e", .retry = 10ms};
    EXPECT_EQ(web::event_stream::format("a\r\n\r\nb\n", options),
              "id: 1\nevent: e\ndata: a\ndata: \ndata: b\ndata: \nretry: 10\n\n");
    for (std::string_view bad :
         {std::string_view{"a\nb"}, std::string_view{"a\rb"}, std::string_view{"a\0b", 3}}) {
        web::event_options bad_id{.id = bad};
        EXPECT_THROW(web::event_stream::format("x", bad_id), ahttp::error);
    }
    web::event_options bad_event{.event = "a\nb"};
    try {
        web::event_stream::format("x", bad_event);
        ADD_FAILURE() << "no exception";
    } catch (ahttp::error const& e) {
        EXPECT_EQ(e.code(), ahttp::errc::invalid_argument);
    }
}

TEST(EventStreamTest, CurlReceivesTheExactWireFormat)
{
    auto app = make_app();
    ahttp::testing::test_server server{app, test_options()};
    auto const body = run_process({"curl", "-sS", "-N", "--max-time", "10", server.url("/wire")});
    ASSERT_EQ(body.exit_code, 0) << body.err;
    EXPECT_EQ(body.out, wire_body);

    auto const head = run_process({"curl", "-sS", "-N", "-D", "-", "-o", "/dev/null", "--max-time",
                                   "10", server.url("/wire")});
    EXPECT_NE(head.out.find("Content-Type: text/event-stream\r\n"), std::string::npos) << head.out;
    EXPECT_NE(head.out.find("Cache-Control: no-cache\r\n"), std::string::npos) << head.out;
    EXPECT_NE(head.out.find("X-Accel-Buffering: no\r\n"), std::string::npos) << head.out;
    EXPECT_NE(head.out.find("Transfer-Encoding: chunked\r\n"), std::string::npos) << head.out;
}

TEST(EventStreamTest, HandlerSeesLastEventId)
{
    auto app = make_app();
    ahttp::testing::test_server server{app, test_options()};
    auto const with = run_process({"curl", "-sS", "-N", "--max-time", "10", "-H",
                                   "Last-Event-ID: 41", server.url("/last-id")});
    EXPECT_EQ(with.out, "data: 41\n\n") << with.err;
    auto const without =
        run_process({"curl", "-sS", "-N", "--max-time", "10", server.url("/last-id")});
    EXPECT_EQ(without.out, "data: (none)\n\n") << without.err;
}

/// Checks a /pings body: the two events with only pings between them, and several of them.
void expect_pings(ahttp::test::process_result const& r)
{
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string const start = "data: start\n\n";
    std::string const end = "data: end\n\n";
    ASSERT_EQ(r.out.substr(0, start.size()), start) << r.out;
    ASSERT_GE(r.out.size(), start.size() + end.size());
    EXPECT_EQ(r.out.substr(r.out.size() - end.size()), end) << r.out;
    // 300 ms at one ping per 40 ms: several, and nothing else between the two events.
    std::string middle = r.out.substr(start.size(), r.out.size() - start.size() - end.size());
    std::size_t pings = 0;
    while (middle.starts_with(": ping\n\n")) {
        middle.erase(0, 8);
        ++pings;
    }
    EXPECT_EQ(middle, "") << r.out;
    EXPECT_GE(pings, 3u) << r.out;
}

TEST(EventStreamTest, PingsWhileTheHandlerWaits)
{
    auto app = make_app();
    ahttp::testing::test_server server{app, test_options()};
    // Chunked (HTTP/1.1), close-delimited (HTTP/1.0), and gzip-compressed.
    {
        SCOPED_TRACE("chunked");
        expect_pings(run_process({"curl", "-sS", "-N", "--max-time", "10", server.url("/pings")}));
    }
    {
        SCOPED_TRACE("HTTP/1.0");
        expect_pings(
            run_process({"curl", "-sS", "-N", "-0", "--max-time", "10", server.url("/pings")}));
    }
    {
        SCOPED_TRACE("gzip");
        auto const head =
            run_process({"curl", "-sS", "-N", "-D", "-", "-o", "/dev/null", "-H",
                         "Accept-Encoding: gzip", "--max-time", "10", server.url("/pings?gzip")});
        EXPECT_NE(head.out.find("Content-Encoding: gzip"), std::string::npos) << head.out;
        expect_pings(run_process(
            {"curl", "-sS", "-N", "--compressed", "--max-time", "10", server.url("/pings?gzip")}));
    }
}

TEST(EventStreamTest, PythonAiohttpReadsTheStreamLineByLine)
{
    auto app = make_app();
    ahttp::testing::test_server server{app, test_options()};
    std::string const script = R"(
import asyncio, sys, aiohttp
async def main():
    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        async with session.get(sys.argv[1], headers={'Accept': 'text/event-stream'}) as r:
            assert r.status == 200, r.status
            assert r.headers['Content-Type'] == 'text/event-stream', r.headers
            assert r.headers['Cache-Control'] == 'no-cache', r.headers
            lines = []
            while True:
                line = await r.content.readline()
                if not line:
                    break
                lines.append(line)
    sys.stdout.buffer.write(b''.join(lines))
asyncio.run(main())
)";
    auto const r = run_process({system_python, "-c", script, server.url("/wire")});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, wire_body) << r.err;
}

ahttp::awaitable<std::vector<client::sse_event>> read_events(std::string url)
{
    client::session session = co_await ahttp::test::make_session();
    client::event_source_options options;
    options.reconnect = false;
    client::event_source source{session, url, std::move(options)};
    std::vector<client::sse_event> events;
    for (int i = 0; i < 10; ++i) {
        std::optional<client::sse_event> e = co_await source.next();
        if (!e) {
            break;
        }
        events.push_back(std::move(*e));
    }
    EXPECT_EQ(source.retry_delay(), 2500ms);
    co_return events;
}

TEST(EventStreamTest, EventSourceReadsTheEvents)
{
    auto app = make_app();
    ahttp::testing::test_server server{app, test_options()};
    auto const events = ahttp::run(ahttp::wait_for(read_events(server.url("/wire")), 10s));
    ASSERT_EQ(events.size(), 4u);
    EXPECT_EQ(events[0].data, "first");
    EXPECT_EQ(events[0].event, "message");
    EXPECT_EQ(events[0].id, "");
    EXPECT_EQ(events[1].data, "multi\nline\ndata\nhere");
    EXPECT_EQ(events[1].event, "update");
    EXPECT_EQ(events[1].id, "7");
    EXPECT_EQ(events[1].retry, 2500ms);
    EXPECT_EQ(events[2].data, "");
    EXPECT_EQ(events[2].id, ""); // `id:` with no value resets it
    EXPECT_EQ(events[3].data, "done");
    EXPECT_EQ(events[3].event, "last");
}

TEST(EventStreamTest, WaitClosedReturnsWhenTheClientLeaves)
{
    g_waiter = 0;
    auto app = make_app();
    ahttp::testing::test_server server{app, test_options()};
    // curl gives up after 1 s, closing the connection; the handler must notice at once.
    auto const started = std::chrono::steady_clock::now();
    auto const r = run_process({"curl", "-sS", "-N", "--max-time", "1", server.url("/wait")});
    EXPECT_EQ(r.out, "data: hello\n\n");
    EXPECT_EQ(wait_flag(g_waiter, 5s), 1);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 4s);
}

TEST(EventStreamTest, SendFailsOnceTheClientHasLeft)
{
    g_sender = 0;
    g_sends = 0;
    auto app = make_app();
    ahttp::testing::test_server server{app, test_options()};
    auto const r = run_process({"curl", "-sS", "-N", "--max-time", "1", server.url("/send")});
    EXPECT_EQ(r.out.substr(0, 15), "data: tick 0\n\nd") << r.out;
    EXPECT_EQ(wait_flag(g_sender, 5s), 1);
    EXPECT_LT(g_sends.load(), 1000); // it stopped long before the bound
}

} // namespace
