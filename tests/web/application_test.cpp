// SPDX-License-Identifier: BSL-1.0
// web::application over loopback: middlewares, sub-applications, signals, state, url_for.
#include "support/raw_client.hpp"

#include <ahttp/testing/test_server.hpp>
#include <ahttp/web.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

namespace web = ahttp::web;
using ahttp::awaitable;

std::vector<std::string> trace; // written by the loop thread, read after the server stops

awaitable<web::response> ok(web::request&)
{
    trace.push_back("handler");
    co_return web::response::text("ok");
}

awaitable<web::response> failing(web::request&)
{
    throw std::logic_error("inner failure");
    co_return web::response{};
}

awaitable<web::response> outer(web::request& req, web::next next)
{
    trace.push_back("outer in");
    web::response r = co_await next(req);
    trace.push_back("outer out");
    r.headers().set("X-Outer", "1");
    co_return r;
}

awaitable<web::response> inner(web::request& req, web::next next)
{
    trace.push_back("inner in");
    if (req.headers().value_or("Authorization", "") == "") {
        throw web::http_unauthorized{"no token"};
    }
    try {
        co_return co_await next(req);
    } catch (std::logic_error const& e) {
        trace.push_back(std::string{"inner saw: "} + e.what());
    }
    co_return web::response::text("recovered", ahttp::http::status::accepted);
}

TEST(ApplicationTest, RunsMiddlewaresAsAnOnion)
{
    trace.clear();
    web::application app;
    app.use(outer);
    app.use(inner);
    app.router().add_get("/", ok);
    ahttp::testing::test_server server{app};
    auto const r = ahttp::test::request(server.port(), "GET", "/", "Authorization: Bearer t\r\n");
    server.stop();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("X-Outer"), "1");
    EXPECT_EQ(trace, (std::vector<std::string>{"outer in", "inner in", "handler", "outer out"}));
}

TEST(ApplicationTest, MiddlewareCanShortCircuit)
{
    trace.clear();
    web::application app;
    app.use(outer);
    app.use(inner);
    app.router().add_get("/", ok);
    ahttp::testing::test_server server{app};
    auto const r = ahttp::test::request(server.port(), "GET", "/");
    server.stop();
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.body, "no token");
    EXPECT_EQ(trace, (std::vector<std::string>{"outer in", "inner in"}));
}

TEST(ApplicationTest, MiddlewareSeesHandlerException)
{
    trace.clear();
    web::application app;
    app.use(inner);
    app.router().add_get("/fail", failing);
    ahttp::testing::test_server server{app};
    auto const r = ahttp::test::request(server.port(), "GET", "/fail", "Authorization: x\r\n");
    server.stop();
    EXPECT_EQ(r.status, 202);
    EXPECT_EQ(trace.back(), "inner saw: inner failure");
}

TEST(ApplicationTest, MiddlewaresWrapNotFound)
{
    trace.clear();
    web::application app;
    app.use(outer);
    ahttp::testing::test_server server{app};
    auto const r = ahttp::test::request(server.port(), "GET", "/missing");
    server.stop();
    EXPECT_EQ(r.status, 404);
    // As in aiohttp, the 404 reaches middlewares as an http_exception (outer did not catch it).
    EXPECT_EQ(trace, (std::vector<std::string>{"outer in"}));
}

awaitable<web::response> admin_index(web::request& req)
{
    co_return web::response::text("admin " + std::string{req.path()} + " " +
                                  std::string{req.path_param("id")});
}

TEST(ApplicationTest, MountsSubApplicationUnderPrefix)
{
    web::application admin;
    admin.router().add_get("/users/{id}", admin_index);
    admin.use(outer);
    web::application app;
    app.router().add_get("/", ok);
    app.add_subapp("/admin", std::move(admin));
    ahttp::testing::test_server server{app};
    auto const r = ahttp::test::request(server.port(), "GET", "/admin/users/7");
    EXPECT_EQ(r.body, "admin /admin/users/7 7");
    EXPECT_EQ(r.header("X-Outer"), "1");
    EXPECT_EQ(ahttp::test::request(server.port(), "GET", "/").status, 200);
    EXPECT_EQ(ahttp::test::request(server.port(), "GET", "/adminx/users/7").status, 404);
}

web::app_key<std::string> const greeting_key{"greeting"};

awaitable<void> on_start(web::application& app)
{
    trace.push_back("startup");
    app.set(greeting_key, std::string{"hi from state"});
    co_return;
}
awaitable<void> on_stop(web::application&)
{
    trace.push_back("shutdown");
    co_return;
}
awaitable<void> on_clean(web::application&)
{
    trace.push_back("cleanup");
    co_return;
}
awaitable<void> ctx_start(web::application&)
{
    trace.push_back("ctx start");
    co_return;
}
awaitable<void> ctx_stop(web::application&)
{
    trace.push_back("ctx stop");
    co_return;
}

awaitable<web::response> greeting(web::request& req)
{
    co_return web::response::text(req.app().get(greeting_key));
}

TEST(ApplicationTest, RunsSignalsInOrderAndSharesState)
{
    trace.clear();
    web::application app;
    app.on_startup(on_start);
    app.on_shutdown(on_stop);
    app.on_cleanup(on_clean);
    app.add_cleanup_context({ctx_start, ctx_stop});
    app.router().add_get("/", greeting);
    {
        ahttp::testing::test_server server{app};
        EXPECT_TRUE(app.frozen());
        EXPECT_EQ(ahttp::test::request(server.port(), "GET", "/").body, "hi from state");
        EXPECT_THROW(app.use(outer), ahttp::error);
    }
    EXPECT_EQ(trace, (std::vector<std::string>{"startup", "ctx start", "shutdown", "ctx stop",
                                               "cleanup"}));
}

awaitable<web::response> link(web::request& req)
{
    co_return web::response::text(
        req.app().router().url_for("user", {{"name", "Ada Lovelace"}}, {{"tab", "a b"}}));
}

TEST(ApplicationTest, BuildsUrlsForNamedRoutes)
{
    web::application app;
    app.router().add_get("/users/{name}", ok, {.name = "user"});
    app.router().add_get("/link", link);
    ahttp::testing::test_server server{app};
    EXPECT_EQ(ahttp::test::request(server.port(), "GET", "/link").body,
              "/users/Ada%20Lovelace?tab=a%20b");
}

awaitable<web::response> redirect(web::request&)
{
    throw web::http_found{"/target"};
    co_return web::response{};
}

awaitable<web::response> cookies(web::request& req)
{
    web::response r = web::response::text(std::string{req.cookie("session").value_or("none")});
    r.set_cookie("seen", "yes", {.max_age = std::chrono::seconds{60}, .http_only = true});
    co_return r;
}

awaitable<web::response> form(web::request& req)
{
    auto const fields = co_await req.post();
    co_return web::response::text(std::string{fields.value_or("name", "?")} + "/" +
                                  std::string{req.query().value_or("q", "?")});
}

awaitable<web::response> json_echo(web::request& req)
{
    auto const value = co_await req.json();
    co_return web::response::json(boost::json::value{{"got", value}});
}

TEST(ApplicationTest, SpeaksRedirectsCookiesFormsAndJson)
{
    web::application app;
    app.router().add_get("/redirect", redirect);
    app.router().add_get("/cookies", cookies);
    app.router().add_post("/form", form);
    app.router().add_post("/json", json_echo);
    ahttp::testing::test_server server{app};
    auto const r = ahttp::test::request(server.port(), "GET", "/redirect");
    EXPECT_EQ(r.status, 302);
    EXPECT_EQ(r.header("Location"), "/target");
    auto const c =
        ahttp::test::request(server.port(), "GET", "/cookies", "Cookie: a=1; session=abc\r\n");
    EXPECT_EQ(c.body, "abc");
    EXPECT_EQ(c.header("Set-Cookie"), "seen=yes; Max-Age=60; Path=/; HttpOnly");
    auto const f = ahttp::test::request(server.port(), "POST", "/form?q=x%2By",
                                        "Content-Type: application/x-www-form-urlencoded\r\n",
                                        "name=Ada+L%C3%B6");
    EXPECT_EQ(f.body, "Ada L\xC3\xB6/x+y");
    auto const j = ahttp::test::request(server.port(), "POST", "/json",
                                        "Content-Type: application/json\r\n", R"({"a":[1,2]})");
    EXPECT_EQ(j.body, R"({"got":{"a":[1,2]}})");
    EXPECT_EQ(j.header("Content-Type"), "application/json");
    EXPECT_EQ(ahttp::test::request(server.port(), "POST", "/json", {}, "{nope").status, 400);
}

} // namespace
