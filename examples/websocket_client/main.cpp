// SPDX-License-Identifier: BSL-1.0
// examples/websocket_client: send each argument as a text message and print the replies.
//   websocket_client ws://127.0.0.1:8080/echo hello world
#include <ahttp/client.hpp>
#include <ahttp/websocket.hpp>

#include <iostream>
#include <string>
#include <vector>

using namespace std::chrono_literals;
namespace client = ahttp::client;
namespace websocket = ahttp::websocket;

ahttp::awaitable<int> chat(std::string url, std::vector<std::string> lines)
{
    client::session session{co_await boost::asio::this_coro::executor};
    // Options are named before the co_await that uses them (g++ 12, see docs/guide/client.md).
    websocket::options options;
    options.receive_timeout = 5s;
    websocket::connection ws = co_await session.ws_connect(url, std::move(options));

    for (std::string const& line : lines) {
        co_await ws.send_text(line);
        std::optional<websocket::message> reply = co_await ws.receive();
        if (!reply) {
            std::cerr << "the server closed the connection\n";
            co_return 1;
        }
        std::cout << reply->data << '\n';
    }
    co_await ws.close(); // the closing handshake: 1000, and wait for the server's answer
    co_return 0;
}

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::cerr << "usage: websocket_client <ws-url> [message...]\n";
        return 2;
    }
    try {
        return ahttp::run(chat(argv[1], {argv + 2, argv + argc}));
    } catch (ahttp::error const& e) {
        // handshake_error, connection_error, timeout_error, websocket_error: one line each.
        std::cerr << "failed: " << e.what() << '\n';
    }
    return 1;
}
