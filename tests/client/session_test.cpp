// SPDX-License-Identifier: BSL-1.0
// client::session against ahttp's own server over loopback: verbs, params, bodies, redirects,
// status handling, decoding, pooling, limits and timeouts.
#include "support/client_session.hpp"

#include <ahttp/client.hpp>
#include <ahttp/gather.hpp>
#include <ahttp/sleep.hpp>
#include <ahttp/testing/test_server.hpp>
#include <ahttp/web.hpp>

#include <boost/json.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <tuple>
#include <unistd.h>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace client = ahttp::client;
namespace web = ahttp::web;
namespace json = boost::json;
using ahttp::awaitable;
using ahttp::test::make_session;

std::string big_text()
{
    std::string text;
    for (int i = 0; text.size() < 200'000; ++i) {
        text += "line " + std::to_string(i) + " of a compressible body\n";
    }
    return text;
}

/// The server every test talks to, with counters the tests read afterwards.
struct fixture_app {
    web::application app;
    std::atomic<int> in_flight{0};
    std::atomic<int> max_in_flight{0};

    fixture_app()
    {
        auto& r = app.router();
        r.add_get("/hello", [](web::request&) -> awaitable<web::response> {
            co_return web::response::text("hello");
        });
        r.add_get("/numbered", [](web::request& req) -> awaitable<web::response> {
            std::string const n{req.query().value_or("n", "")};
            auto res = web::response::text("body " + n);
            res.headers().set("X-Number", n);
            co_return res;
        });
        auto echo = [](web::request& req) -> awaitable<web::response> {
            json::object o;
            o["method"] = std::string{ahttp::http::to_string(req.method())};
            o["query"] = std::string{req.query_string()};
            o["content_type"] = std::string{req.headers().value_or("Content-Type", "")};
            o["content_length"] = std::string{req.headers().value_or("Content-Length", "-")};
            o["user_agent"] = std::string{req.headers().value_or("User-Agent", "")};
            o["authorization"] = std::string{req.headers().value_or("Authorization", "")};
            o["x_test"] = std::string{req.headers().value_or("X-Test", "")};
            o["cookie"] = std::string{req.headers().value_or("Cookie", "")};
            o["version"] = req.version_minor();
            o["connection"] = std::string{req.headers().value_or("Connection", "")};
            o["body"] = co_await req.read();
            co_return web::response::json(
                json::value(std::move(o))); // not {o}: a one-element array
        };
        r.add_route("*", "/echo", echo);
        r.add_get("/redirect/{n}", [](web::request& req) -> awaitable<web::response> {
            int const n = std::stoi(std::string{req.path_param("n")});
            if (n == 0) {
                co_return web::response::text("arrived");
            }
            web::response res{ahttp::http::status::found};
            res.headers().set("Location", "/redirect/" + std::to_string(n - 1));
            res.set_body("moving on");
            co_return res;
        });
        r.add_get("/elsewhere", [](web::request& req) -> awaitable<web::response> {
            // An absolute Location to another origin (localhost vs 127.0.0.1).
            web::response res{ahttp::http::status::found};
            res.headers().set("Location", std::string{req.query().value_or("to", "/")});
            co_return res;
        });
        r.add_route("*", "/status/{code}", [](web::request& req) -> awaitable<web::response> {
            int const code = std::stoi(std::string{req.path_param("code")});
            web::response res{static_cast<ahttp::http::status>(code)};
            if (code == 303 || code == 307 || code == 308 || code == 301 || code == 302) {
                res.headers().set("Location", "/echo");
            }
            res.set_body("status " + std::to_string(code));
            co_return res;
        });
        r.add_post("/upload", [](web::request& req) -> awaitable<web::response> {
            web::form_data const form = co_await req.post();
            json::object o;
            o["title"] = std::string{form.get("title").value_or("")};
            o["note"] = std::string{form.get("note").value_or("")};
            if (web::file_field const* f = form.file("doc")) {
                o["filename"] = std::string{f->filename()};
                o["type"] = std::string{f->content_type()};
                o["size"] = f->size();
                o["same"] = f->read() == big_text();
            }
            if (web::file_field const* f = form.file("small")) {
                o["small"] = f->read();
                o["small_name"] = std::string{f->filename()};
            }
            co_return web::response::json(json::value(std::move(o)));
        });
        r.add_get("/login", [](web::request&) -> awaitable<web::response> {
            web::response res{ahttp::http::status::found};
            res.set_cookie("sid", "s3cret", {.path = "/"});
            res.headers().set("Location", "/echo");
            co_return res;
        });
        r.add_get("/slow", [](web::request&) -> awaitable<web::response> {
            co_await ahttp::sleep(1s);
            co_return web::response::text("finally");
        });
        r.add_get("/compressed", [](web::request&) -> awaitable<web::response> {
            auto res = web::response::text(big_text());
            res.enable_compression();
            co_return res;
        });
        r.add_get("/busy", [this](web::request&) -> awaitable<web::response> {
            int const now = ++in_flight;
            int seen = max_in_flight.load();
            while (now > seen && !max_in_flight.compare_exchange_weak(seen, now)) {
            }
            co_await ahttp::sleep(50ms);
            --in_flight;
            co_return web::response::text("done");
        });
    }
};

class SessionTest : public ::testing::Test {
protected:
    fixture_app fixture;
    ahttp::testing::test_server server{fixture.app};
};

TEST_F(SessionTest, GetsStatusHeadersAndBody)
{
    auto const url = server.url("/hello");
    auto [status, type, body, length] = ahttp::run(
        [&]() -> awaitable<std::tuple<unsigned, std::string, std::string, std::uint64_t>> {
            client::session session = co_await make_session();
            client::response r = co_await session.get(url);
            std::string text = co_await r.text();
            co_return std::tuple{r.status_code(), r.content_type(), text,
                                 r.content_length().value_or(0)};
        }());
    EXPECT_EQ(status, 200u);
    EXPECT_EQ(type, "text/plain");
    EXPECT_EQ(body, "hello");
    EXPECT_EQ(length, 5u);
}

// A response's fields stay its own after its connection carried the next response: they
// are copied out of the connection's buffer with the head, and turned into owned strings
// only when headers() is first called (here, after the next response came over the same
// connection, and again after a hundred more).
TEST_F(SessionTest, HeadersOutliveTheConnectionsNextResponses)
{
    auto const url = server.url("/numbered");
    auto const seen = ahttp::run([&]() -> awaitable<std::vector<std::string>> {
        // One connection, so that each response comes over the one that carried the first.
        client::session_options options{.connector = {.limit = 1}}; // named: see g++ 12 notes
        client::session session = co_await make_session(std::move(options));
        client::response first = co_await session.get(url + "?n=1");
        std::string const first_body = co_await first.text();
        client::response second = co_await session.get(url + "?n=22");
        std::string const second_body = co_await second.text();
        std::vector<std::string> out;
        out.push_back(first_body);
        out.push_back(second_body);
        out.emplace_back(second.headers().value_or("X-Number", "?"));
        out.emplace_back(first.headers().value_or("X-Number", "?"));
        for (int i = 0; i < 100; ++i) {
            client::response r = co_await session.get(url + "?n=" + std::to_string(1000 + i));
            co_await r.text();
        }
        out.emplace_back(first.headers().value_or("X-Number", "?"));
        out.emplace_back(first.content_type());
        out.emplace_back(std::to_string(first.headers().size()));
        co_return out;
    }());
    ASSERT_EQ(seen.size(), 7u);
    EXPECT_EQ(seen[0], "body 1");
    EXPECT_EQ(seen[1], "body 22");
    EXPECT_EQ(seen[2], "22");
    EXPECT_EQ(seen[3], "1");
    EXPECT_EQ(seen[4], "1");
    EXPECT_EQ(seen[5], "text/plain");
    EXPECT_GE(std::stoi(seen[6]), 3); // Content-Type, Content-Length, X-Number at least
}

TEST_F(SessionTest, SendsParamsAndHeaders)
{
    auto const url = server.url("/echo?a=1");
    json::value const got = ahttp::run([&]() -> awaitable<json::value> {
        // Options with braced lists are named before the co_await (g++ 12, see the guide).
        client::session_options options{.headers = {{"X-Test", "from session"}}};
        client::session session = co_await make_session(std::move(options));
        client::request_options request{.params = {{"key", "a value"}, {"key", "ü&="}},
                                        .headers = {{"x-test", "mine"}}};
        client::response r = co_await session.get(url, std::move(request));
        co_return co_await r.json();
    }());
    EXPECT_EQ(got.at("query").as_string(), "a=1&key=a%20value&key=%C3%BC%26%3D");
    EXPECT_EQ(got.at("x_test").as_string(), "mine"); // the request's replaces the session's
    EXPECT_EQ(got.at("user_agent").as_string(), "ahttp/0.1");
}

TEST_F(SessionTest, PostsJsonFormAndBytes)
{
    auto const url = server.url("/echo");
    auto results = ahttp::run([&]() -> awaitable<std::vector<json::value>> {
        client::session session = co_await make_session();
        std::vector<json::value> out;
        client::request_options json_body{.json = json::object{{"name", "ahttp"}, {"n", 3}}};
        auto r1 = co_await session.post(url, std::move(json_body));
        out.push_back(co_await r1.json());
        client::request_options form_body{.form =
                                              ahttp::http::query_params{{"a", "b c"}, {"d", "&"}}};
        auto r2 = co_await session.put(url, std::move(form_body));
        out.push_back(co_await r2.json());
        client::request_options raw_body{.data = std::string{"raw\0bytes", 9}};
        auto r3 = co_await session.patch(url, std::move(raw_body));
        out.push_back(co_await r3.json());
        auto r4 = co_await session.post(url);
        out.push_back(co_await r4.json());
        auto r5 = co_await session.delete_(url);
        out.push_back(co_await r5.json());
        co_return out;
    }());
    ASSERT_EQ(results.size(), 5u);
    EXPECT_EQ(results[0].at("method").as_string(), "POST");
    EXPECT_EQ(results[0].at("content_type").as_string(), "application/json");
    EXPECT_EQ(json::parse(results[0].at("body").as_string()),
              (json::value{{"name", "ahttp"}, {"n", 3}}));
    EXPECT_EQ(results[1].at("method").as_string(), "PUT");
    EXPECT_EQ(results[1].at("content_type").as_string(), "application/x-www-form-urlencoded");
    EXPECT_EQ(results[1].at("body").as_string(), "a=b%20c&d=%26");
    EXPECT_EQ(results[2].at("method").as_string(), "PATCH");
    EXPECT_EQ(results[2].at("body").as_string(), std::string("raw\0bytes", 9));
    EXPECT_EQ(results[3].at("content_length").as_string(), "0");
    EXPECT_EQ(results[4].at("method").as_string(), "DELETE");
    EXPECT_EQ(results[4].at("content_length").as_string(), "-");
}

TEST_F(SessionTest, HeadHasNoBodyAndKeepsTheConnection)
{
    auto const url = server.url("/hello");
    auto [length, body, peers] =
        ahttp::run([&]() -> awaitable<std::tuple<std::string, std::string, std::size_t>> {
            client::session session = co_await make_session();
            client::response r = co_await session.head(url);
            std::string const declared{r.headers().value_or("Content-Length", "")};
            std::string text = co_await r.read();
            client::response again = co_await session.get(url);
            co_await again.read();
            co_return std::tuple{declared, text, std::size_t{0}};
        }());
    EXPECT_EQ(length, "5");
    EXPECT_EQ(body, "");
}

TEST_F(SessionTest, ErrorStatusIsDataUnlessRaised)
{
    auto const url = server.url("/status/404");
    auto const code = ahttp::run([&]() -> awaitable<unsigned> {
        client::session session = co_await make_session();
        client::response r = co_await session.get(url);
        EXPECT_FALSE(r.ok());
        EXPECT_EQ(co_await r.text(), "status 404");
        EXPECT_THROW(r.raise_for_status(), client::response_error);
        co_return r.status_code();
    }());
    EXPECT_EQ(code, 404u);
    try {
        ahttp::run([&]() -> awaitable<void> {
            client::session_options options{.raise_for_status = true};
            client::session session = co_await make_session(std::move(options));
            co_await session.get(server.url("/status/503"));
        }());
        FAIL() << "no exception";
    } catch (client::response_error const& e) {
        EXPECT_EQ(e.status(), ahttp::http::status::service_unavailable);
        EXPECT_EQ(e.method(), ahttp::http::method::get);
        EXPECT_EQ(e.url(), server.url("/status/503"));
        EXPECT_EQ(e.code(), ahttp::errc::response_status);
    }
}

TEST_F(SessionTest, FollowsRedirectsAndKeepsHistory)
{
    auto const url = server.url("/redirect/3");
    auto [body, final_url, history] =
        ahttp::run([&]() -> awaitable<std::tuple<std::string, std::string, std::vector<unsigned>>> {
            client::session session = co_await make_session();
            client::response r = co_await session.get(url);
            std::vector<unsigned> codes;
            for (auto const& h : r.history()) {
                codes.push_back(h.status_code());
            }
            co_return std::tuple{co_await r.text(), r.url(), codes};
        }());
    EXPECT_EQ(body, "arrived");
    EXPECT_EQ(final_url, server.url("/redirect/0"));
    EXPECT_EQ(history, (std::vector<unsigned>{302, 302, 302}));
}

TEST_F(SessionTest, StopsAtMaxRedirectsOrWhenNotFollowing)
{
    EXPECT_THROW(ahttp::run([&]() -> awaitable<void> {
                     client::session_options options{.max_redirects = 2};
                     client::session session = co_await make_session(std::move(options));
                     co_await session.get(server.url("/redirect/3"));
                 }()),
                 client::too_many_redirects);
    auto const code = ahttp::run([&]() -> awaitable<unsigned> {
        client::session session = co_await make_session();
        client::request_options no_follow{.allow_redirects = false};
        auto r = co_await session.get(server.url("/redirect/3"), std::move(no_follow));
        co_return r.status_code();
    }());
    EXPECT_EQ(code, 302u);
    auto const ok = ahttp::run([&]() -> awaitable<std::string> {
        client::session_options options{.max_redirects = 2};
        client::session session = co_await make_session(std::move(options));
        auto r = co_await session.get(server.url("/redirect/2"));
        co_return co_await r.text();
    }());
    EXPECT_EQ(ok, "arrived");
}

TEST_F(SessionTest, SessionWideAllowRedirectsIsTheDefaultARequestMayOverride)
{
    auto const codes = ahttp::run([&]() -> awaitable<std::pair<unsigned, unsigned>> {
        client::session_options options{.allow_redirects = false};
        client::session session = co_await make_session(std::move(options));
        auto not_followed = co_await session.get(server.url("/redirect/1"));
        client::request_options follow{.allow_redirects = true};
        auto followed = co_await session.get(server.url("/redirect/1"), std::move(follow));
        co_return std::pair{not_followed.status_code(), followed.status_code()};
    }());
    EXPECT_EQ(codes.first, 302u);
    EXPECT_EQ(codes.second, 200u);
}

TEST_F(SessionTest, RedirectsChangeMethodPerRfc9110)
{
    auto results = ahttp::run([&]() -> awaitable<std::vector<json::value>> {
        client::session session = co_await make_session();
        std::vector<json::value> out;
        for (int code : {301, 302, 303, 307, 308}) {
            client::request_options post_body{.data = std::string{"payload"}};
            auto r = co_await session.post(server.url("/status/" + std::to_string(code)),
                                           std::move(post_body));
            out.push_back(co_await r.json());
        }
        co_return out;
    }());
    ASSERT_EQ(results.size(), 5u);
    for (int i : {0, 1, 2}) { // 301, 302, 303: GET without the body
        EXPECT_EQ(results[i].at("method").as_string(), "GET") << i;
        EXPECT_EQ(results[i].at("body").as_string(), "") << i;
        EXPECT_EQ(results[i].at("content_type").as_string(), "") << i;
    }
    for (int i : {3, 4}) { // 307, 308: the same request again
        EXPECT_EQ(results[i].at("method").as_string(), "POST") << i;
        EXPECT_EQ(results[i].at("body").as_string(), "payload") << i;
    }
}

TEST_F(SessionTest, DropsAuthorizationAcrossOrigins)
{
    // 127.0.0.1 and localhost are different origins for the same server.
    auto const same = server.url("/echo");
    auto const other = "http://localhost:" + std::to_string(server.port()) + "/echo";
    auto [kept, dropped] = ahttp::run([&]() -> awaitable<std::pair<std::string, std::string>> {
        client::session session = co_await make_session();
        client::request_options to_same{.params = {{"to", same}},
                                        .headers = {{"Authorization", "Bearer secret"}}};
        client::request_options to_other{.params = {{"to", other}},
                                         .headers = {{"Authorization", "Bearer secret"}}};
        auto r1 = co_await session.get(server.url("/elsewhere"), std::move(to_same));
        auto j1 = co_await r1.json();
        auto r2 = co_await session.get(server.url("/elsewhere"), std::move(to_other));
        auto j2 = co_await r2.json();
        co_return std::pair{std::string{j1.at("authorization").as_string()},
                            std::string{j2.at("authorization").as_string()}};
    }());
    EXPECT_EQ(kept, "Bearer secret");
    EXPECT_EQ(dropped, "");
}

TEST_F(SessionTest, DecodesCompressedBodiesUnlessTurnedOff)
{
    auto const url = server.url("/compressed");
    std::string const expected = big_text();
    for (std::string coding : {"gzip", "deflate", "br"}) {
        auto [encoding, body] = ahttp::run([&]() -> awaitable<std::pair<std::string, std::string>> {
            client::session session = co_await make_session();
            client::request_options accept{.headers = {{"Accept-Encoding", coding}}};
            auto r = co_await session.get(url, std::move(accept));
            std::string const enc{r.headers().value_or("Content-Encoding", "")};
            co_return std::pair{enc, co_await r.read()};
        }());
        EXPECT_EQ(encoding, coding);
        EXPECT_EQ(body.size(), expected.size()) << coding;
        EXPECT_TRUE(body == expected) << coding;
    }
    auto raw = ahttp::run([&]() -> awaitable<std::string> {
        client::session_options options{.auto_decompress = false};
        client::session session = co_await make_session(std::move(options));
        client::request_options accept{.headers = {{"Accept-Encoding", "gzip"}}};
        auto r = co_await session.get(url, std::move(accept));
        co_return co_await r.read();
    }());
    ASSERT_GE(raw.size(), 2u);
    EXPECT_LT(raw.size(), expected.size() / 4);
    EXPECT_EQ(static_cast<unsigned char>(raw[0]), 0x1f); // the gzip magic, undecoded
    EXPECT_EQ(static_cast<unsigned char>(raw[1]), 0x8b);
}

TEST_F(SessionTest, StreamsTheBodyInChunks)
{
    auto const url = server.url("/compressed");
    auto [pieces, total] = ahttp::run([&]() -> awaitable<std::pair<int, std::size_t>> {
        client::session session = co_await make_session();
        auto r = co_await session.get(url);
        int n = 0;
        std::size_t bytes = 0;
        for (;;) {
            std::string_view const piece = co_await r.read_chunk(1000);
            if (piece.empty()) {
                break;
            }
            EXPECT_LE(piece.size(), 1000u * 64); // bounded by one coded step's expansion
            ++n;
            bytes += piece.size();
        }
        EXPECT_TRUE(r.is_eof());
        co_return std::pair{n, bytes};
    }());
    EXPECT_GT(pieces, 10);
    EXPECT_EQ(total, big_text().size());
}

awaitable<std::string> fetch_text(client::session& session, std::string url)
{
    auto r = co_await session.get(url);
    co_return co_await r.text();
}

TEST_F(SessionTest, HonoursLimitPerHost)
{
    auto const url = server.url("/busy");
    auto const bodies = ahttp::run([&]() -> awaitable<std::vector<std::string>> {
        client::session_options options{.connector = {.limit = 100, .limit_per_host = 2}};
        client::session session = co_await make_session(std::move(options));
        std::vector<awaitable<std::string>> tasks;
        for (int i = 0; i < 8; ++i) {
            tasks.push_back(fetch_text(session, url));
        }
        co_return co_await ahttp::gather(std::move(tasks));
    }());
    EXPECT_EQ(bodies.size(), 8u);
    EXPECT_EQ(fixture.max_in_flight.load(), 2);
}

TEST_F(SessionTest, HonoursTotalLimit)
{
    auto const url = server.url("/busy");
    ahttp::run([&]() -> awaitable<void> {
        client::session_options options{.connector = {.limit = 3}};
        client::session session = co_await make_session(std::move(options));
        std::vector<awaitable<std::string>> tasks;
        for (int i = 0; i < 9; ++i) {
            tasks.push_back(fetch_text(session, url));
        }
        auto const bodies = co_await ahttp::gather(std::move(tasks));
        EXPECT_EQ(bodies.size(), 9u);
    }());
    EXPECT_EQ(fixture.max_in_flight.load(), 3);
}

TEST_F(SessionTest, SockReadTimeoutNamesItsPhase)
{
    auto const url = server.url("/slow");
    auto const started = std::chrono::steady_clock::now();
    try {
        ahttp::run([&]() -> awaitable<void> {
            client::session session = co_await make_session();
            client::request_options short_read{.timeout = {.sock_read = 200ms}};
            co_await session.get(url, std::move(short_read));
        }());
        FAIL() << "no timeout";
    } catch (client::timeout_error const& e) {
        EXPECT_EQ(e.phase(), client::timeout_phase::sock_read);
        EXPECT_EQ(e.code(), std::errc::timed_out);
        EXPECT_EQ(e.url(), url);
    }
    auto const took = std::chrono::steady_clock::now() - started;
    EXPECT_GE(took, 200ms);
    EXPECT_LT(took, 900ms);
}

TEST_F(SessionTest, TotalTimeoutNamesItsPhaseAndTheSessionStillWorks)
{
    auto const url = server.url("/slow");
    ahttp::run([&]() -> awaitable<void> {
        client::session_options options{.timeout = {.total = 300ms}};
        client::session session = co_await make_session(std::move(options));
        try {
            co_await session.get(url);
            ADD_FAILURE() << "no timeout";
        } catch (client::timeout_error const& e) {
            EXPECT_EQ(e.phase(), client::timeout_phase::total);
        }
        auto r = co_await session.get(server.url("/hello"));
        EXPECT_EQ(co_await r.text(), "hello");
    }());
}

awaitable<std::string> cookie_seen(client::session& session, std::string url)
{
    client::response r = co_await session.get(url);
    json::value const echoed = co_await r.json();
    co_return std::string{echoed.at("cookie").as_string()};
}

TEST_F(SessionTest, KeepsCookiesAcrossRedirectsAndRequests)
{
    auto const login = server.url("/login");
    auto const echo = server.url("/echo");
    auto [after_redirect, later, with_extra, set_by_login] = ahttp::run(
        [&]() -> awaitable<std::tuple<std::string, std::string, std::string, std::size_t>> {
            // 127.0.0.1 is an IP address: like aiohttp, only an unsafe jar keeps its cookies.
            client::session_options options{.cookie_jar = std::make_shared<client::cookie_jar>(
                                                client::cookie_jar_options{.unsafe = true})};
            client::session session = co_await make_session(std::move(options));
            client::response r = co_await session.get(login);
            std::size_t const set = r.history().front().cookies().size();
            json::value const first = co_await r.json();
            std::string const second = co_await cookie_seen(session, echo);
            client::request_options extra{.cookies = {{"lang", "en"}}};
            client::response r3 = co_await session.get(echo, std::move(extra));
            json::value const third = co_await r3.json();
            co_return std::tuple{std::string{first.at("cookie").as_string()}, second,
                                 std::string{third.at("cookie").as_string()}, set};
        }());
    EXPECT_EQ(after_redirect, "sid=s3cret");
    EXPECT_EQ(later, "sid=s3cret");
    EXPECT_EQ(with_extra, "sid=s3cret; lang=en");
    EXPECT_EQ(set_by_login, 1u);
}

TEST_F(SessionTest, DefaultJarIgnoresCookiesFromIpHosts)
{
    auto const login = server.url("/login");
    auto const [seen, stored] = ahttp::run([&]() -> awaitable<std::pair<std::string, std::size_t>> {
        client::session session = co_await make_session();
        client::response r = co_await session.get(login);
        json::value const echoed = co_await r.json();
        co_return std::pair{std::string{echoed.at("cookie").as_string()},
                            session.cookie_jar().size()};
    }());
    EXPECT_EQ(seen, "");
    EXPECT_EQ(stored, 0u);
}

TEST_F(SessionTest, UploadsMultipartFormWithAStreamedFile)
{
    std::filesystem::path const file = std::filesystem::temp_directory_path() /
                                       ("ahttp-upload-" + std::to_string(::getpid()) + ".txt");
    {
        std::ofstream out{file, std::ios::binary};
        out << big_text();
    }
    auto const url = server.url("/upload");
    json::value const got =
        ahttp::run([](std::string u, std::filesystem::path f) -> awaitable<json::value> {
            client::session session = co_await make_session();
            client::form_data form;
            form.add_field("title", "quarterly \"report\"");
            form.add_file("doc", f);
            form.add_bytes("small", "tiny bytes", "a\r\nb.bin");
            form.add_field("note", "ünïcode");
            client::request_options options{.multipart = std::move(form)};
            client::response r = co_await session.post(u, std::move(options));
            EXPECT_EQ(r.status_code(), 200u);
            co_return co_await r.json();
        }(url, file));
    std::filesystem::remove(file);
    EXPECT_EQ(got.at("title").as_string(), "quarterly \"report\""); // content goes as is
    EXPECT_EQ(got.at("note").as_string(), "ünïcode");
    EXPECT_EQ(got.at("filename").as_string(), file.filename().string());
    EXPECT_EQ(got.at("type").as_string(), "text/plain; charset=utf-8");
    EXPECT_EQ(got.at("size").to_number<std::size_t>(), big_text().size());
    EXPECT_TRUE(got.at("same").as_bool());
    EXPECT_EQ(got.at("small").as_string(), "tiny bytes");
    EXPECT_EQ(got.at("small_name").as_string(), "a%0D%0Ab.bin");
}

TEST_F(SessionTest, MissingUploadFileIsAClientError)
{
    auto const url = server.url("/upload");
    EXPECT_THROW(ahttp::run([](std::string u) -> awaitable<void> {
                     client::session session = co_await make_session();
                     client::form_data form;
                     form.add_file("doc", "/nonexistent/file.bin");
                     client::request_options options{.multipart = std::move(form)};
                     co_await session.post(u, std::move(options));
                 }(url)),
                 client::client_error);
}

/// A body source that yields `pieces` pieces of 10 kB, pausing between them.
client::body_stream counting_stream(int pieces)
{
    auto left = std::make_shared<int>(pieces);
    return [left]() -> awaitable<std::string> {
        if (*left == 0) {
            co_return std::string{};
        }
        --*left;
        co_await ahttp::sleep(1ms);
        co_return std::string(10'000, static_cast<char>('a' + *left % 26));
    };
}

TEST_F(SessionTest, StreamsARequestBodyChunked)
{
    auto const url = server.url("/echo");
    json::value const got = ahttp::run([](std::string u) -> awaitable<json::value> {
        client::session session = co_await make_session();
        client::request_options options{.stream = counting_stream(30)};
        client::response r = co_await session.put(u, std::move(options));
        co_return co_await r.json();
    }(url));
    EXPECT_EQ(got.at("method").as_string(), "PUT");
    EXPECT_EQ(got.at("content_length").as_string(), "-"); // chunked: no Content-Length
    EXPECT_EQ(got.at("body").as_string().size(), 300'000u);
    EXPECT_EQ(got.at("content_type").as_string(), "application/octet-stream");
}

TEST_F(SessionTest, AStreamedBodyIsNotReplayedBy307)
{
    auto const url = server.url("/status/307");
    auto const code = ahttp::run([](std::string u) -> awaitable<unsigned> {
        client::session session = co_await make_session();
        client::request_options options{.stream = counting_stream(2)};
        client::response r = co_await session.post(u, std::move(options));
        co_return r.status_code();
    }(url));
    EXPECT_EQ(code, 307u); // returned as is: the body cannot be sent a second time
}

awaitable<std::tuple<json::value, json::value, int>> two_http10_gets(std::string url)
{
    auto reused = std::make_shared<int>(0);
    client::session_options options;
    options.version_minor = 0;
    options.trace.on_connection_reuseconn = [reused](client::trace_request const&) { ++*reused; };
    client::session session = co_await make_session(std::move(options));
    client::response first = co_await session.get(url);
    json::value a = co_await first.json();
    client::response second = co_await session.get(url);
    json::value b = co_await second.json();
    co_return std::tuple{std::move(a), std::move(b), *reused};
}

TEST_F(SessionTest, Http10RequestsAskForKeepAliveAndReuseTheConnection)
{
    auto const [first, second, reused] = ahttp::run(two_http10_gets(server.url("/echo")));
    EXPECT_EQ(first.at("version").as_int64(), 0);
    EXPECT_EQ(first.at("connection").as_string(), "keep-alive");
    EXPECT_EQ(second.at("version").as_int64(), 0);
    EXPECT_EQ(reused, 1); // the server kept the connection open, as asked

    auto const streamed = [](std::string u) -> awaitable<void> {
        client::session_options options;
        options.version_minor = 0;
        client::session session = co_await make_session(std::move(options));
        client::request_options body{.stream = counting_stream(2)};
        co_await session.put(u, std::move(body));
    };
    EXPECT_THROW(ahttp::run(streamed(server.url("/echo"))), client::client_error);
}

TEST_F(SessionTest, RelativeUrlsUseBaseUrl)
{
    auto const base = server.url("/");
    auto const body = ahttp::run([&]() -> awaitable<std::string> {
        client::session_options options{.base_url = base};
        client::session session = co_await make_session(std::move(options));
        auto r = co_await session.get("hello");
        co_return co_await r.text();
    }());
    EXPECT_EQ(body, "hello");
}

TEST(SessionUrlTest, RejectsUnusableUrls)
{
    for (std::string url :
         {"not a url", "ftp://127.0.0.1/", "/relative", "http://", "http://127.0.0.1:99999/",
          // A host that decodes to a NUL, CR, LF or space: the resolver would stop at the
          // NUL and TLS would check another name.
          "http://127.0.0.1%00.example.com/", "http://a%0d%0ab.example/", "http://a%20b/"}) {
        EXPECT_THROW(ahttp::run([&]() -> awaitable<void> {
                         client::session session = co_await make_session();
                         co_await session.get(url);
                     }()),
                     client::invalid_url)
            << url;
    }
}

TEST(SessionUrlTest, RejectsHeaderInjection)
{
    EXPECT_THROW(ahttp::run([&]() -> awaitable<void> {
                     client::session session = co_await make_session();
                     client::request_options bad{.headers = {{"X-A", "v\r\nX-Injected: 1"}}};
                     co_await session.get("http://127.0.0.1:9/", std::move(bad));
                 }()),
                 client::client_error);
}

} // namespace
