// SPDX-License-Identifier: BSL-1.0
// The benchmark server: "/" → 13-byte text, "/json" → a small JSON object, "/ws" → a
// WebSocket echo (bench/websocket); no access log.
#include <ahttp/web.hpp>
#include <ahttp/websocket.hpp>

#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace web = ahttp::web;

ahttp::awaitable<web::response> plaintext(web::request&)
{
    co_return web::response::text("Hello, World!");
}

ahttp::awaitable<web::response> json(web::request&)
{
    co_return web::response::json(std::string{R"({"message":"Hello, World!"})"});
}

ahttp::awaitable<void> echo(web::request&, ahttp::websocket::connection& ws)
{
    while (std::optional<ahttp::websocket::message> m = co_await ws.receive()) {
        co_await ws.send(*m);
    }
}

ahttp::awaitable<void> serve(web::application& app, web::server_options options)
{
    web::app_runner runner{app, options};
    co_await runner.start();
    std::printf("listening on 127.0.0.1:%u\n", static_cast<unsigned>(runner.port()));
    std::fflush(stdout);
    boost::asio::signal_set signals{co_await boost::asio::this_coro::executor, SIGINT, SIGTERM};
    co_await signals.async_wait(boost::asio::use_awaitable);
    co_await runner.shutdown();
}

int main(int argc, char** argv)
{
    web::server_options options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.access_log = false;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--port") == 0) {
            options.port = static_cast<std::uint16_t>(std::atoi(argv[i + 1]));
        } else if (std::strcmp(argv[i], "--workers") == 0) {
            options.workers = static_cast<std::size_t>(std::atoi(argv[i + 1]));
        } else {
            std::fprintf(stderr, "usage: ahttp_bench_server [--port P] [--workers N]\n");
            return 2;
        }
    }
    web::application app;
    app.router().add_get("/", plaintext);
    app.router().add_get("/json", json);
    app.router().add_websocket("/ws", echo);
    try {
        ahttp::run(serve(app, options));
    } catch (std::exception const& e) {
        std::fprintf(stderr, "ahttp_bench_server: %s\n", e.what());
        return 1;
    }
}
