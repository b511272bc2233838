// SPDX-License-Identifier: BSL-1.0
// examples/websocket_echo_server: echo every message back to its sender.
//   websocket_echo_server [PORT]     then: websocket_client ws://127.0.0.1:PORT/echo hi
#include <ahttp/web.hpp>
#include <ahttp/websocket.hpp>

#include <cstdlib>
#include <optional>

using namespace std::chrono_literals;
namespace web = ahttp::web;
namespace websocket = ahttp::websocket;

// The router performs the upgrade handshake before calling us.
ahttp::awaitable<void> echo(web::request&, websocket::connection& ws)
{
    // receive() yields std::nullopt once the peer has closed cleanly.
    while (std::optional<websocket::message> message = co_await ws.receive()) {
        co_await ws.send(*message); // text stays text, binary stays binary
    }
    // ws.close_code() now tells why the peer left; protocol errors threw websocket_error.
}

int main(int argc, char** argv)
{
    web::application app;
    // A ping every 20 s finds dead peers; messages over 1 MiB fail the connection (1009).
    app.router().add_websocket("/echo", echo, {.heartbeat = 20s, .max_message_size = 1 << 20});

    // Blocks until SIGINT/SIGTERM; open WebSockets are then closed with 1001 (going away).
    std::uint16_t const port = argc > 1 ? static_cast<std::uint16_t>(std::atoi(argv[1])) : 8080;
    web::run_app(app, {.host = "127.0.0.1", .port = port});
}
