// SPDX-License-Identifier: BSL-1.0
// Small applications shared by the server tests.
#include "support/apps.hpp"

#include <ahttp/sleep.hpp>

#include <optional>
#include <stdexcept>
#include <string>

namespace ahttp::test {
namespace {

awaitable<web::response> hello(web::request&)
{
    co_return web::response::text("Hello, World!");
}

awaitable<web::response> greet(web::request& req)
{
    co_return web::response::text("Hello, " + std::string{req.path_param("name")} + "!");
}

awaitable<web::response> echo(web::request& req)
{
    std::string body = co_await req.read();
    co_return web::response::bytes(std::move(body));
}

awaitable<web::response> sleeper(web::request& req)
{
    auto const ms = std::stoi(std::string{req.path_param("ms")});
    co_await ahttp::sleep(std::chrono::milliseconds{ms});
    co_return web::response::text("slept");
}

awaitable<web::response> streamer(web::request& req)
{
    web::stream_response stream;
    stream.headers().set("Content-Type", "text/plain");
    co_await stream.prepare(req);
    co_await stream.write("one,");
    co_await stream.write("two,");
    co_await stream.write("three");
    co_await stream.write_eof();
    co_return stream;
}

awaitable<web::response> boom(web::request&)
{
    throw std::runtime_error("handler failed on purpose");
    co_return web::response{};
}

awaitable<web::response> query(web::request& req)
{
    co_return web::response::text(std::string{req.query().value_or("key", "none")});
}

} // namespace

web::application make_demo_app(web::application_options options)
{
    web::application app{options};
    app.router().add_get("/", hello);
    app.router().add_get("/boom", boom);
    app.router().add_get("/stream", streamer);
    app.router().add_get("/query", query);
    app.router().add_get("/sleep/{ms:\\d+}", sleeper);
    app.router().add_post("/echo", echo);
    app.router().add_get("/{name}", greet);
    return app;
}

awaitable<void> websocket_echo(web::request&, websocket::connection& ws)
{
    while (std::optional<websocket::message> m = co_await ws.receive()) {
        co_await ws.send(*m);
    }
}

} // namespace ahttp::test
