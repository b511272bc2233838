// SPDX-License-Identifier: BSL-1.0
// client::event_source: the event-stream parser against WHATWG HTML §9.2.6's rules, and
// reconnection (Last-Event-ID, retry, 204, refusals) against an ahttp server on loopback.
#include "client/sse_parser.hpp"
#include "support/client_session.hpp"

#include <ahttp/client.hpp>
#include <ahttp/testing/test_server.hpp>
#include <ahttp/wait_for.hpp>
#include <ahttp/web.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace client = ahttp::client;
namespace web = ahttp::web;
using client::detail::sse_parser;

struct expected_event {
    std::string event;
    std::string data;
    std::string id;
};

std::vector<client::sse_event> parse(std::string_view stream, sse_parser& parser)
{
    std::vector<client::sse_event> out;
    parser.begin_stream();
    EXPECT_TRUE(parser.feed(stream, out));
    return out;
}

struct parser_case {
    char const* name;
    std::string stream;
    std::vector<expected_event> events;
    std::string last_event_id;
};

std::vector<parser_case> parser_cases()
{
    using namespace std::string_literals;
    return {
        {"one event", "data: hello\n\n", {{"message", "hello", ""}}, ""},
        {"no space after colon", "data:hello\n\n", {{"message", "hello", ""}}, ""},
        {"only one space removed", "data:  two\n\n", {{"message", " two", ""}}, ""},
        {"lines joined with LF", "data: a\ndata: b\n\n", {{"message", "a\nb", ""}}, ""},
        {"CRLF lines", "data: a\r\ndata: b\r\n\r\n", {{"message", "a\nb", ""}}, ""},
        {"CR lines", "data: a\rdata: b\r\r", {{"message", "a\nb", ""}}, ""},
        {"mixed line ends", "data: a\rdata: b\ndata: c\r\n\n", {{"message", "a\nb\nc", ""}}, ""},
        {"BOM skipped",
         "\xEF\xBB\xBF"
         "data: x\n\n",
         {{"message", "x", ""}},
         ""},
        {"second BOM is text",
         "\xEF\xBB\xBF\xEF\xBB\xBF"
         "data: x\n\n",
         {},
         ""},
        {"comment ignored", ": hi\n:\ndata: x\n: there\n\n", {{"message", "x", ""}}, ""},
        {"event type", "event: tick\ndata: 1\n\n", {{"tick", "1", ""}}, ""},
        {"event type resets",
         "event: tick\ndata: 1\n\ndata: 2\n\n",
         {{"tick", "1", ""}, {"message", "2", ""}},
         ""},
        {"no data not dispatched", "event: tick\n\nid: 3\n\n", {}, "3"},
        {"empty data dispatched",
         "data\n\ndata:\n\n",
         {{"message", "", ""}, {"message", "", ""}},
         ""},
        {"trailing empty data line", "data: a\ndata:\n\n", {{"message", "a\n", ""}}, ""},
        {"colon in value", "data: a: b\n\n", {{"message", "a: b", ""}}, ""},
        {"id persists",
         "id: 7\ndata: x\n\ndata: y\n\n",
         {{"message", "x", "7"}, {"message", "y", "7"}},
         "7"},
        {"id with NUL ignored",
         "id: 1\ndata: a\n\nid: x\0y\ndata: b\n\n"s,
         {{"message", "a", "1"}, {"message", "b", "1"}},
         "1"},
        {"empty id resets",
         "id: 1\ndata: a\n\nid\ndata: b\n\n",
         {{"message", "a", "1"}, {"message", "b", ""}},
         ""},
        {"unknown fields ignored",
         "foo: bar\nDATA: no\ndat a\ndata: x\n\n",
         {{"message", "x", ""}},
         ""},
        {"unfinished event not dispatched", "data: a\n\ndata: b\n", {{"message", "a", ""}}, ""},
        {"unfinished line not dispatched", "data: a\n\ndata: b", {{"message", "a", ""}}, ""},
        {"field without value", "event\ndata: x\n\n", {{"message", "x", ""}}, ""},
    };
}

TEST(SseParserTest, FollowsTheSpecTable)
{
    for (parser_case const& c : parser_cases()) {
        SCOPED_TRACE(c.name);
        sse_parser parser;
        auto const events = parse(c.stream, parser);
        ASSERT_EQ(events.size(), c.events.size());
        for (std::size_t i = 0; i < events.size(); ++i) {
            EXPECT_EQ(events[i].event, c.events[i].event) << i;
            EXPECT_EQ(events[i].data, c.events[i].data) << i;
            EXPECT_EQ(events[i].id, c.events[i].id) << i;
        }
        EXPECT_EQ(parser.last_event_id(), c.last_event_id);
    }
}

TEST(SseParserTest, RetryTakesDigitsOnly)
{
    sse_parser parser;
    auto events = parse("retry: 50\n\n", parser);
    EXPECT_TRUE(events.empty());
    EXPECT_EQ(parser.retry(), std::chrono::milliseconds{50});
    for (char const* ignored :
         {"retry: 5x\n\n", "retry: -1\n\n", "retry:\n\n", "retry: 1.5\n\n", "retry:  7\n\n"}) {
        parse(ignored, parser);
        EXPECT_EQ(parser.retry(), std::chrono::milliseconds{50}) << ignored;
    }
    events = parse("retry: 1234\ndata: x\n\n", parser);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].retry, std::chrono::milliseconds{1234});
    events = parse("data: y\n\n", parser);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_FALSE(events[0].retry.has_value());
    // A huge value is capped (a day), not overflowed.
    parse("retry: 99999999999999999999999999\n\n", parser);
    EXPECT_EQ(parser.retry(), std::chrono::milliseconds{24 * 60 * 60 * 1000});
}

TEST(SseParserTest, GivesTheSameEventsWhateverTheSplit)
{
    std::string const stream = "\xEF\xBB\xBF: c\r\nid: 1\r\nevent: e\r\ndata: a\r\ndata: b\r\n\r\n"
                               "data: c\rid: 2\r\rretry: 9\ndata: d\n\n";
    sse_parser whole;
    auto const expected = parse(stream, whole);
    ASSERT_EQ(expected.size(), 3u);
    EXPECT_EQ(expected[0].data, "a\nb");
    EXPECT_EQ(expected[1].id, "2");
    for (std::size_t cut1 = 0; cut1 <= stream.size(); ++cut1) {
        for (std::size_t cut2 = cut1; cut2 <= stream.size(); cut2 += 3) {
            sse_parser parser;
            parser.begin_stream();
            std::vector<client::sse_event> out;
            ASSERT_TRUE(parser.feed(std::string_view{stream}.substr(0, cut1), out));
            ASSERT_TRUE(parser.feed(std::string_view{stream}.substr(cut1, cut2 - cut1), out));
            ASSERT_TRUE(parser.feed(std::string_view{stream}.substr(cut2), out));
            ASSERT_EQ(out.size(), expected.size()) << cut1 << ' ' << cut2;
            for (std::size_t i = 0; i < out.size(); ++i) {
                EXPECT_EQ(out[i].data, expected[i].data);
                EXPECT_EQ(out[i].id, expected[i].id);
                EXPECT_EQ(out[i].event, expected[i].event);
            }
        }
    }
    // Byte by byte.
    sse_parser parser;
    parser.begin_stream();
    std::vector<client::sse_event> out;
    for (char const c : stream) {
        ASSERT_TRUE(parser.feed(std::string_view{&c, 1}, out));
    }
    EXPECT_EQ(out.size(), expected.size());
}

TEST(SseParserTest, NewStreamDropsPartialEventButKeepsLastId)
{
    sse_parser parser;
    parser.begin_stream();
    std::vector<client::sse_event> out;
    ASSERT_TRUE(parser.feed("id: 5\ndata: a\n\nid: 6\ndata: half", out));
    ASSERT_EQ(out.size(), 1u);
    parser.begin_stream(); // a reconnect
    out.clear();
    ASSERT_TRUE(parser.feed("\xEF\xBB\xBF"
                            "data: b\n\n",
                            out));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].data, "b");
    EXPECT_EQ(out[0].id, "5"); // the half event's id never took effect
}

TEST(SseParserTest, RefusesLinesAndEventsOverTheLimit)
{
    std::vector<client::sse_event> out;
    sse_parser line_limit{16};
    line_limit.begin_stream();
    EXPECT_TRUE(line_limit.feed("data: 0123456789\n", out));
    EXPECT_FALSE(line_limit.feed("data: 0123456789abcdef", out));
    sse_parser data_limit{16};
    data_limit.begin_stream();
    EXPECT_FALSE(data_limit.feed("data: 01234567\ndata: 01234567\n", out));
    EXPECT_TRUE(out.empty());
}

// ---- Reconnection against a server -------------------------------------------------------

/// What the server saw, shared with the test thread.
struct server_log {
    std::mutex mutex;
    std::vector<std::string> last_event_ids; // per connection, in order
    std::vector<std::chrono::steady_clock::time_point> times;
};
server_log g_log;

/// First connection: events 1 and 2 (with retry: 50), then the body ends. Second: event 3,
/// ends. Third: 204 (stop).
ahttp::awaitable<web::response> reconnecting_events(web::request& request)
{
    std::size_t n = 0;
    {
        std::lock_guard lock{g_log.mutex};
        g_log.last_event_ids.emplace_back(web::last_event_id(request));
        g_log.times.push_back(std::chrono::steady_clock::now());
        n = g_log.last_event_ids.size();
    }
    if (n >= 3) {
        co_return web::response{ahttp::http::status::no_content};
    }
    web::event_stream stream;
    co_await stream.prepare(request);
    if (n == 1) {
        web::event_options first{.id = "1", .retry = 50ms};
        co_await stream.send("one", first);
        web::event_options second{.id = "2", .event = "tick"};
        co_await stream.send("two\nlines", second);
        co_await stream.send_comment("then a drop, and an unfinished event");
        co_await stream.write("data: lost\n");
    } else {
        web::event_options third{.id = "3"};
        co_await stream.send("three", third);
    }
    co_return stream;
}

ahttp::awaitable<web::response> wrong_type(web::request&)
{
    co_return web::response::text("not events");
}

ahttp::awaitable<web::response> forbidden(web::request&)
{
    co_return web::response::text("no", ahttp::http::status::forbidden);
}

web::application make_app()
{
    web::application app;
    app.router().add_get("/events", reconnecting_events);
    app.router().add_get("/text", wrong_type);
    app.router().add_get("/forbidden", forbidden);
    return app;
}

ahttp::awaitable<std::vector<client::sse_event>> read_all(std::string url)
{
    client::session session = co_await ahttp::test::make_session();
    client::event_source_options options;
    options.retry = 10s; // the server's retry: 50 must win, or the test times out
    client::event_source source{session, url, std::move(options)};
    std::vector<client::sse_event> events;
    for (int i = 0; i < 10; ++i) {
        std::optional<client::sse_event> e = co_await source.next();
        if (!e) {
            break;
        }
        events.push_back(std::move(*e));
    }
    EXPECT_EQ(source.connections(), 3u);
    EXPECT_EQ(source.last_event_id(), "3");
    EXPECT_EQ(source.retry_delay(), 50ms);
    co_return events;
}

TEST(EventSourceTest, ReconnectsWithLastEventIdAfterRetryAndStopsOn204)
{
    {
        std::lock_guard lock{g_log.mutex};
        g_log.last_event_ids.clear();
        g_log.times.clear();
    }
    auto app = make_app();
    ahttp::testing::test_server server{app};
    auto const started = std::chrono::steady_clock::now();
    auto const events = ahttp::run(ahttp::wait_for(read_all(server.url("/events")), 10s));
    auto const elapsed = std::chrono::steady_clock::now() - started;

    ASSERT_EQ(events.size(), 3u);
    EXPECT_EQ(events[0].data, "one");
    EXPECT_EQ(events[0].id, "1");
    EXPECT_EQ(events[0].event, "message");
    EXPECT_EQ(events[0].retry, 50ms);
    EXPECT_EQ(events[1].data, "two\nlines");
    EXPECT_EQ(events[1].event, "tick");
    EXPECT_EQ(events[1].id, "2");
    EXPECT_EQ(events[2].data, "three");
    EXPECT_EQ(events[2].id, "3");

    std::lock_guard lock{g_log.mutex};
    ASSERT_EQ(g_log.last_event_ids.size(), 3u);
    EXPECT_EQ(g_log.last_event_ids[0], "");
    EXPECT_EQ(g_log.last_event_ids[1], "2");
    EXPECT_EQ(g_log.last_event_ids[2], "3");
    // Each reconnection waited the server's 50 ms, not the 10 s asked for by the client.
    for (std::size_t i = 1; i < g_log.times.size(); ++i) {
        EXPECT_GE(g_log.times[i] - g_log.times[i - 1], 50ms);
    }
    EXPECT_LT(elapsed, 5s);
}

ahttp::awaitable<std::string> expect_refusal(std::string url)
{
    client::session session = co_await ahttp::test::make_session();
    client::event_source source{session, url};
    try {
        co_await source.next();
    } catch (client::event_source_error const& e) {
        co_return std::to_string(ahttp::http::to_int(e.status())) + " " + e.content_type();
    }
    co_return "no error";
}

TEST(EventSourceTest, RefusesOtherStatusesAndMediaTypes)
{
    auto app = make_app();
    ahttp::testing::test_server server{app};
    EXPECT_EQ(ahttp::run(ahttp::wait_for(expect_refusal(server.url("/text")), 10s)),
              "200 text/plain");
    EXPECT_EQ(ahttp::run(ahttp::wait_for(expect_refusal(server.url("/forbidden")), 10s)),
              "403 text/plain");
}

ahttp::awaitable<std::size_t> give_up_after(std::string url)
{
    client::session session = co_await ahttp::test::make_session();
    client::event_source_options options;
    options.retry = 20ms;
    options.max_failed_connects = 3;
    client::event_source source{session, url, std::move(options)};
    try {
        co_await source.next();
    } catch (client::connection_error const&) {
        co_return source.connections();
    }
    co_return 99;
}

TEST(EventSourceTest, GivesUpAfterMaxFailedConnects)
{
    std::string url;
    {
        auto app = make_app();
        ahttp::testing::test_server server{app};
        url = server.url("/events"); // nothing listens there once the server is gone
    }
    EXPECT_EQ(ahttp::run(ahttp::wait_for(give_up_after(url), 10s)), 0u);
}

} // namespace
