// SPDX-License-Identifier: BSL-1.0
// The application of ahttp_fault_server (see fault_server.cpp for its routes).
#pragma once

#include <ahttp/sleep.hpp>
#include <ahttp/web.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <stdexcept>
#include <string>

namespace ahttp::test {

/// Bytes in a /slow answer: more than one socket write, so a drain that cut a response short
/// would show as a short body rather than pass unnoticed.
inline constexpr std::size_t slow_body_size = 64 * 1024;

/// The body every /slow request gets: a repeating alphabet (a truncation or a mix-up of two
/// responses shows in a comparison).
inline std::string slow_body()
{
    std::string body(slow_body_size, '\0');
    for (std::size_t i = 0; i < body.size(); ++i) {
        body[i] = static_cast<char>('a' + i % 26);
    }
    return body;
}

namespace fault_app_detail {

inline std::atomic<int> running_handlers{0};

/// Counts a handler as running for as long as it lives, however it ends (cancelled too).
struct running_scope {
    running_scope() noexcept { ++running_handlers; }
    ~running_scope() { --running_handlers; }
    running_scope(running_scope const&) = delete;
    running_scope& operator=(running_scope const&) = delete;
};

inline awaitable<web::response> slow(web::request& request)
{
    running_scope const running;
    long const ms = std::stol(std::string{request.query().value_or("ms", "0")});
    co_await ahttp::sleep(std::chrono::milliseconds{ms});
    co_return web::response::text(slow_body());
}

inline awaitable<web::response> inflight(web::request&)
{
    co_return web::response::text(std::to_string(running_handlers.load()));
}

inline awaitable<web::response> thrower(web::request&)
{
    throw std::runtime_error("fault_server: /throw throws on purpose");
    co_return web::response{};
}

inline awaitable<web::response> forever(web::request&)
{
    running_scope const running;
    co_await ahttp::sleep(std::chrono::hours{1});
    co_return web::response::text("the hour passed");
}

inline awaitable<web::response> hello(web::request&)
{
    co_return web::response::text("ok");
}

} // namespace fault_app_detail

inline web::application make_fault_app()
{
    web::application app;
    app.router().add_get("/", fault_app_detail::hello);
    app.router().add_get("/slow", fault_app_detail::slow);
    app.router().add_get("/inflight", fault_app_detail::inflight);
    app.router().add_get("/throw", fault_app_detail::thrower);
    app.router().add_get("/forever", fault_app_detail::forever);
    return app;
}

} // namespace ahttp::test
