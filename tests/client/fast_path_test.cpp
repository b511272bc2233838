// SPDX-License-Identifier: BSL-1.0
// The client's per-request shortcuts must not change what goes on the wire: the parsed-URL
// cache (params, base_url, redirects, proxies), the request head made once per URL, recycled
// response objects, the send without an asynchronous write, and the pool lending a connection
// released moments ago without the liveness peek (a server-closed one is still retried).
#include "support/client_session.hpp"
#include "support/scripted_server.hpp"

#include <ahttp/client.hpp>
#include <ahttp/sleep.hpp>
#include <ahttp/testing/test_server.hpp>
#include <ahttp/web.hpp>

#include <boost/json.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace client = ahttp::client;
namespace web = ahttp::web;
namespace json = boost::json;
using ahttp::awaitable;
using ahttp::test::make_session;
using ahttp::test::scripted_connection;
using ahttp::test::scripted_server;

/// "path?query|X-Test|Cookie|Authorization" of each request.
awaitable<web::response> describe(web::request& req)
{
    std::string text{req.path()};
    text += "?" + std::string{req.query_string()};
    text += "|" + std::string{req.headers().value_or("X-Test", "")};
    text += "|" + std::string{req.headers().value_or("Cookie", "")};
    text += "|" + std::string{req.headers().value_or("Authorization", "")};
    co_return web::response::text(text);
}

struct app {
    web::application application;
    app()
    {
        auto& r = application.router();
        r.add_get("/echo", describe);
        r.add_get("/{dir}/echo", describe);
        r.add_get("/elsewhere", [](web::request& req) -> awaitable<web::response> {
            web::response res{ahttp::http::status::found};
            res.headers().set("Location", std::string{req.query().value_or("to", "/")});
            res.headers().set("X-Hop", "1");
            co_return res;
        });
    }
};

class FastPathTest : public ::testing::Test {
protected:
    app fixture;
    ahttp::testing::test_server server{fixture.application};
};

awaitable<std::string> text_of(client::session& session, std::string const& url)
{
    client::response r = co_await session.get(url);
    co_return co_await r.text();
}

awaitable<std::string> text_of(client::session& session, std::string const& url,
                               client::request_options options)
{
    client::response r = co_await session.get(url, std::move(options));
    co_return co_await r.text();
}

TEST_F(FastPathTest, TheSameUrlWithOtherParamsEachTime)
{
    auto const url = server.url("/echo?a=1");
    auto const got = ahttp::run([&]() -> awaitable<std::vector<std::string>> {
        client::session session = co_await make_session();
        std::vector<std::string> out;
        out.push_back(co_await text_of(session, url));
        client::request_options first{.params = {{"k", "v"}}};
        out.push_back(co_await text_of(session, url, std::move(first)));
        out.push_back(co_await text_of(session, url));
        client::request_options second{.params = {{"k", "w"}}};
        out.push_back(co_await text_of(session, url, std::move(second)));
        out.push_back(co_await text_of(session, url));
        co_return out;
    }());
    EXPECT_EQ(got, (std::vector<std::string>{"/echo?a=1|||", "/echo?a=1&k=v|||", "/echo?a=1|||",
                                             "/echo?a=1&k=w|||", "/echo?a=1|||"}));
}

TEST_F(FastPathTest, TheSameRelativeUrlFollowsEachSessionsBaseUrl)
{
    auto const one = server.url("/one/");
    auto const two = server.url("/two/");
    auto const got = ahttp::run([&]() -> awaitable<std::vector<std::string>> {
        client::session_options first_options{.base_url = one};
        client::session first = co_await make_session(std::move(first_options));
        client::session_options second_options{.base_url = two};
        client::session second = co_await make_session(std::move(second_options));
        std::vector<std::string> out;
        for (int i = 0; i < 2; ++i) {
            out.push_back(co_await text_of(first, "echo"));
            out.push_back(co_await text_of(second, "echo"));
        }
        co_return out;
    }());
    EXPECT_EQ(got, (std::vector<std::string>{"/one/echo?|||", "/two/echo?|||", "/one/echo?|||",
                                             "/two/echo?|||"}));
}

TEST_F(FastPathTest, RepeatedRedirectsKeepOrDropCredentialsByOrigin)
{
    // Credentials in the URL become Basic auth; a redirect to another origin (localhost vs
    // 127.0.0.1) drops them, every time, however often the same URL is requested.
    auto const port = std::to_string(server.port());
    auto const same = "http://u:p@127.0.0.1:" + port + "/elsewhere?to=/echo";
    auto const other =
        "http://u:p@127.0.0.1:" + port + "/elsewhere?to=http://localhost:" + port + "/echo";
    auto const got = ahttp::run([&]() -> awaitable<std::vector<std::string>> {
        client::session session = co_await make_session();
        std::vector<std::string> out;
        for (int i = 0; i < 3; ++i) {
            client::response to_same = co_await session.get(same);
            EXPECT_EQ(to_same.history().size(), 1u);
            out.push_back(co_await to_same.text());
            client::response to_other = co_await session.get(other);
            EXPECT_EQ(to_other.history().size(), 1u);
            EXPECT_EQ(to_other.url(), "http://localhost:" + port + "/echo");
            out.push_back(co_await to_other.text());
        }
        co_return out;
    }());
    std::string const basic = "Basic dTpw"; // "u:p"
    for (std::size_t i = 0; i < got.size(); i += 2) {
        EXPECT_EQ(got[i], "/echo?|||" + basic) << i;
        EXPECT_EQ(got[i + 1], "/echo?|||") << i;
    }
}

TEST_F(FastPathTest, HeadersAndCookiesOfOneRequestDoNotStick)
{
    auto const url = server.url("/echo");
    auto const got = ahttp::run([&]() -> awaitable<std::vector<std::string>> {
        client::session_options options{.headers = {{"X-Test", "session"}}};
        client::session session = co_await make_session(std::move(options));
        std::vector<std::string> out;
        out.push_back(co_await text_of(session, url));
        client::request_options mine{.headers = {{"X-Test", "mine"}}};
        out.push_back(co_await text_of(session, url, std::move(mine)));
        out.push_back(co_await text_of(session, url));
        client::request_options with_cookie{.cookies = {{"a", "b"}}};
        out.push_back(co_await text_of(session, url, std::move(with_cookie)));
        client::request_options with_auth{.auth = ahttp::http::basic_auth{"u", "p"}};
        out.push_back(co_await text_of(session, url, std::move(with_auth)));
        out.push_back(co_await text_of(session, url));
        co_return out;
    }());
    EXPECT_EQ(got, (std::vector<std::string>{"/echo?|session||", "/echo?|mine||",
                                             "/echo?|session||", "/echo?|session|a=b|",
                                             "/echo?|session||Basic dTpw", "/echo?|session||"}));
}

TEST_F(FastPathTest, ARecycledResponseStartsClean)
{
    auto const port = std::to_string(server.port());
    auto const redirected = server.url("/elsewhere?to=/echo");
    auto const plain = server.url("/echo");
    ahttp::run([&]() -> awaitable<void> {
        client::session session = co_await make_session();
        for (int i = 0; i < 3; ++i) {
            {
                client::response r = co_await session.get(redirected);
                EXPECT_EQ(r.history().size(), 1u);
                EXPECT_EQ(r.history().front().headers().value_or("X-Hop", ""), "1");
                EXPECT_EQ(co_await r.text(), "/echo?|||");
            } // destroyed: it and its history go back for reuse
            client::response r = co_await session.get(plain);
            EXPECT_TRUE(r.history().empty());
            EXPECT_FALSE(r.headers().contains("X-Hop"));
            EXPECT_FALSE(r.headers().contains("Location"));
            EXPECT_EQ(r.url(), plain);
            EXPECT_EQ(r.reason(), "OK");
            EXPECT_FALSE(r.is_eof());
            EXPECT_EQ(co_await r.text(), "/echo?|||");
            EXPECT_TRUE(r.is_eof());
        }
    }());
}

/// A forward proxy answering every request itself with its request line.
void request_line_proxy(scripted_connection& c, int)
{
    for (;;) {
        std::string const request = c.read_request();
        if (request.empty()) {
            return;
        }
        std::string const line = request.substr(0, request.find("\r\n"));
        c.send("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(line.size()) + "\r\n\r\n" +
               line);
    }
}

TEST_F(FastPathTest, TheSameUrlDirectAndThroughAProxy)
{
    scripted_server proxy{request_line_proxy};
    auto const url = server.url("/echo");
    auto const via = "http://127.0.0.1:" + std::to_string(proxy.port());
    auto const got = ahttp::run([&]() -> awaitable<std::vector<std::string>> {
        client::session session = co_await make_session();
        std::vector<std::string> out;
        for (int i = 0; i < 2; ++i) {
            out.push_back(co_await text_of(session, url));
            client::request_options proxied{.proxy = via};
            out.push_back(co_await text_of(session, url, std::move(proxied)));
        }
        co_return out;
    }());
    std::string const absolute = "GET " + url + " HTTP/1.1";
    EXPECT_EQ(got, (std::vector<std::string>{"/echo?|||", absolute, "/echo?|||", absolute}));
}

TEST(FastPathWireTest, ALargeBodyIsSentWhole)
{
    // More than a socket buffer takes at once: the rest goes by the asynchronous write.
    scripted_server server{[](scripted_connection& c, int) {
        for (;;) {
            std::string const request = c.read_request();
            if (request.empty()) {
                return;
            }
            auto const body = request.size() - (request.find("\r\n\r\n") + 4);
            std::string const size = std::to_string(body);
            c.send("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(size.size()) +
                   "\r\n\r\n" + size);
        }
    }};
    std::string const payload(8 * 1024 * 1024, 'x');
    auto const got = ahttp::run([&]() -> awaitable<std::vector<std::string>> {
        client::session session = co_await make_session();
        std::vector<std::string> out;
        for (int i = 0; i < 2; ++i) {
            client::request_options big{.data = payload};
            client::response r = co_await session.post(server.url("/"), std::move(big));
            out.push_back(co_await r.text());
        }
        co_return out;
    }());
    EXPECT_EQ(got, (std::vector<std::string>(2, std::to_string(payload.size()))));
    EXPECT_EQ(server.connections(), 1);
}

/// Answers each request, then closes without saying so (no "Connection: close").
void answer_then_close(scripted_connection& c, int)
{
    if (!c.read_request().empty()) {
        c.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    }
}

struct pool_events {
    int reused = 0;
    int created = 0;
};

awaitable<void> get_repeatedly(std::string url, int times, std::chrono::milliseconds pause,
                               pool_events* events)
{
    client::session_options options;
    options.trace.on_connection_reuseconn = [events](client::trace_request const&) {
        ++events->reused;
    };
    options.trace.on_connection_create_start = [events](client::trace_request const&) {
        ++events->created;
    };
    client::session session = co_await make_session(std::move(options));
    for (int i = 0; i < times; ++i) {
        client::response r = co_await session.get(url);
        EXPECT_EQ(co_await r.text(), "ok") << i;
        if (pause.count() != 0) {
            co_await ahttp::sleep(pause);
        }
    }
}

TEST(FastPathPoolTest, AGetOnAConnectionClosedMomentsAgoIsRetried)
{
    // Reused at once, before the liveness peek would be worth its syscall: the request meets
    // the closed connection and is sent again on a new one, never failing.
    scripted_server server{answer_then_close};
    pool_events events;
    ahttp::run(get_repeatedly(server.url("/"), 20, 0ms, &events));
    EXPECT_EQ(server.connections(), 20);
    EXPECT_EQ(events.created, 20);
}

TEST(FastPathPoolTest, AConnectionIdleForLongerIsPeekedBeforeReuse)
{
    // Idle for 20 ms: the peek sees the server's FIN, so the connection is never lent.
    scripted_server server{answer_then_close};
    pool_events events;
    ahttp::run(get_repeatedly(server.url("/"), 5, 20ms, &events));
    EXPECT_EQ(server.connections(), 5);
    EXPECT_EQ(events.created, 5);
    EXPECT_EQ(events.reused, 0);
}

} // namespace
