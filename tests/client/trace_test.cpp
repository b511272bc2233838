// SPDX-License-Identifier: BSL-1.0
// client::trace_hooks: every phase reports, in order, against ahttp's own server.
#include <ahttp/client.hpp>
#include <ahttp/gather.hpp>
#include <ahttp/sleep.hpp>
#include <ahttp/testing/test_server.hpp>
#include <ahttp/web.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace client = ahttp::client;
namespace web = ahttp::web;
using ahttp::awaitable;
using events = std::vector<std::string>;

web::application make_app()
{
    web::application app;
    app.router().add_get("/ok", [](web::request&) -> awaitable<web::response> {
        co_await ahttp::sleep(20ms);
        co_return web::response::text("ok");
    });
    app.router().add_get("/moved", [](web::request&) -> awaitable<web::response> {
        web::response res{ahttp::http::status::found};
        res.headers().set("Location", "/ok");
        co_return res;
    });
    return app;
}

/// Hooks that append "name" (or "name host") to `log`.
client::trace_hooks recording(std::shared_ptr<events> log)
{
    client::trace_hooks h;
    auto note = [log](std::string name) {
        return [log, name](client::trace_request const&) { log->push_back(name); };
    };
    auto note_host = [log](std::string name) {
        return
            [log, name](std::string_view host) { log->push_back(name + " " + std::string{host}); };
    };
    h.on_request_start = note("start");
    h.on_request_end = [log](client::trace_request const&, client::response const& r) {
        log->push_back("end " + std::to_string(r.status_code()));
    };
    h.on_request_exception = [log](client::trace_request const&, std::exception_ptr) {
        log->push_back("exception");
    };
    h.on_request_redirect = [log](client::trace_request const&, client::response const& r) {
        log->push_back("redirect " + std::to_string(r.status_code()));
    };
    h.on_connection_queued_start = note("queued");
    h.on_connection_queued_end = note("dequeued");
    h.on_connection_create_start = note("create");
    h.on_connection_create_end = note("created");
    h.on_connection_reuseconn = note("reuse");
    h.on_dns_cache_hit = note_host("dns-hit");
    h.on_dns_cache_miss = note_host("dns-miss");
    h.on_dns_resolvehost_start = note_host("resolve");
    h.on_dns_resolvehost_end = note_host("resolved");
    return h;
}

awaitable<std::string> fetch(client::session& session, std::string url)
{
    client::response r = co_await session.get(url);
    co_return co_await r.text();
}

TEST(TraceTest, ReportsConnectionRedirectAndEnd)
{
    auto app = make_app();
    ahttp::testing::test_server server{app};
    auto log = std::make_shared<events>();
    ahttp::run([](std::string base, client::trace_hooks hooks) -> awaitable<void> {
        auto executor = co_await boost::asio::this_coro::executor;
        client::session_options options{.trace = std::move(hooks)};
        client::session session{executor, std::move(options)};
        EXPECT_EQ(co_await fetch(session, base + "/moved"), "ok");
    }(server.url(""), recording(log)));
    EXPECT_EQ(*log, (events{"start", "create", "created", "redirect 302", "reuse", "end 200"}));
}

TEST(TraceTest, ReportsDnsCacheAndQueueing)
{
    auto app = make_app();
    ahttp::testing::test_server server{app};
    auto log = std::make_shared<events>();
    std::string const url = "http://localhost:" + std::to_string(server.port()) + "/ok";
    ahttp::run([](std::string u, client::trace_hooks hooks) -> awaitable<void> {
        auto executor = co_await boost::asio::this_coro::executor;
        client::session_options options{.connector = {.limit_per_host = 1, .force_close = true},
                                        .trace = std::move(hooks)};
        client::session session{executor, std::move(options)};
        co_await ahttp::gather(fetch(session, u), fetch(session, u));
    }(url, recording(log)));
    // The first starts resolving; the second starts and queues for the one slot (the loop
    // runs it while the resolver thread works); it gets the slot when the first ends, and
    // finds the name in the DNS cache.
    EXPECT_EQ(*log, (events{"start", "create", "dns-miss localhost", "resolve localhost", "start",
                            "queued", "resolved localhost", "created", "end 200", "dequeued",
                            "create", "dns-hit localhost", "created", "end 200"}));
}

TEST(TraceTest, ReportsExceptionsAndSurvivesAThrowingHook)
{
    auto log = std::make_shared<events>();
    client::trace_hooks hooks = recording(log);
    hooks.on_connection_create_start = [](client::trace_request const&) {
        throw std::runtime_error("a broken hook");
    };
    EXPECT_THROW(ahttp::run([](client::trace_hooks h) -> awaitable<void> {
                     auto executor = co_await boost::asio::this_coro::executor;
                     client::session_options options{.trace = std::move(h)};
                     client::session session{executor, std::move(options)};
                     co_await session.get("http://127.0.0.1:1/");
                 }(std::move(hooks))),
                 client::connection_error);
    EXPECT_EQ(*log, (events{"start", "exception"}));
}

} // namespace
