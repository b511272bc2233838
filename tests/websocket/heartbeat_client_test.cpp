// SPDX-License-Identifier: BSL-1.0
// The heartbeat (a dead peer is found even by a side that only sends) and the client's
// protocol checks against scripted, misbehaving servers.
#include "raw_websocket.hpp"
#include "support/client_session.hpp"
#include "support/scripted_server.hpp"
#include "websocket/handshake.hpp"

#include <ahttp/client.hpp>
#include <ahttp/sleep.hpp>
#include <ahttp/testing/test_server.hpp>
#include <ahttp/web.hpp>
#include <ahttp/websocket.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <thread>

namespace {

namespace web = ahttp::web;
namespace websocket = ahttp::websocket;
namespace client = ahttp::client;
using ahttp::awaitable;
using ahttp::test::raw_frame;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

/// The key of a request head, for a scripted server's 101.
std::string key_of(std::string const& request)
{
    std::string const name = "Sec-WebSocket-Key: ";
    std::size_t const at = request.find(name);
    if (at == std::string::npos) {
        return {};
    }
    return request.substr(at + name.size(), request.find("\r\n", at) - at - name.size());
}

std::string switching_protocols(std::string const& request, std::string const& extra = {})
{
    return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Accept: " +
           ahttp::websocket::detail::accept_key(key_of(request)) + "\r\n" + extra + "\r\n";
}

/// Reads one frame a client sent (masked), or nullopt on close/timeout.
std::optional<raw_frame> read_client_frame(int fd, std::string& pending)
{
    auto const deadline = clock_type::now() + 5s;
    for (;;) {
        if (pending.size() >= 6) {
            auto const* p = reinterpret_cast<unsigned char const*>(pending.data());
            std::size_t const n = p[1] & 0x7F; // control frames and small messages only
            if (n < 126 && pending.size() >= 6 + n) {
                raw_frame f;
                f.opcode = p[0] & 0x0F;
                f.fin = (p[0] & 0x80) != 0;
                f.payload = pending.substr(6, n);
                for (std::size_t i = 0; i < n; ++i) {
                    f.payload[i] = static_cast<char>(f.payload[i] ^ p[2 + i % 4]);
                }
                pending.erase(0, 6 + n);
                return f;
            }
        }
        pollfd pfd{fd, POLLIN, 0};
        auto const left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
        if (left <= 0ms || ::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) {
            return std::nullopt;
        }
        char buffer[4096];
        ssize_t const got = ::recv(fd, buffer, sizeof buffer, 0);
        if (got <= 0) {
            return std::nullopt;
        }
        pending.append(buffer, static_cast<std::size_t>(got));
    }
}

TEST(WebSocketHeartbeat, ClientThatOnlySendsFindsADeadServer)
{
    // The server completes the handshake, then neither reads nor answers: a dead peer.
    ahttp::test::scripted_server dead{[](ahttp::test::scripted_connection& c, int) {
        std::string const request = c.read_request();
        c.send(switching_protocols(request));
        c.wait_closed(10s);
    }};
    std::string const url = "ws://127.0.0.1:" + std::to_string(dead.port()) + "/";
    ahttp::run([&]() -> awaitable<void> {
        client::session session = co_await ahttp::test::make_session();
        websocket::options options;
        options.heartbeat = 200ms;
        websocket::connection ws = co_await session.ws_connect(url, std::move(options));
        auto const start = clock_type::now();
        std::optional<websocket::close_code> failed;
        for (int i = 0; i < 2000 && !failed; ++i) {
            try {
                co_await ws.send_text(std::string(1024, 'x'));
                co_await ahttp::sleep(5ms);
            } catch (websocket::websocket_error const& e) {
                failed = e.close_code();
            }
        }
        auto const elapsed = clock_type::now() - start;
        EXPECT_TRUE(failed.has_value()) << "the dead peer was never noticed";
        EXPECT_EQ(ws.close_code(), websocket::close_code::abnormal);
        // Found after one idle interval plus half of one for the pong; never before.
        EXPECT_GE(elapsed, 250ms);
        EXPECT_LT(elapsed, 5s); // generous: valgrind runs this binary too
    }());
}

TEST(WebSocketHeartbeat, ServerThatOnlySendsFindsADeadClient)
{
    std::atomic<bool> ended{false};
    std::atomic<long long> ended_after_ms{-1};
    web::application app;
    websocket::options options;
    options.heartbeat = 200ms;
    options.compress = false;
    app.router().add_websocket(
        "/push",
        [&](web::request&, websocket::connection& ws) -> awaitable<void> {
            auto const start = clock_type::now();
            try {
                for (int i = 0; i < 1000; ++i) {
                    co_await ws.send_text("tick " + std::to_string(i));
                    co_await ahttp::sleep(5ms);
                }
            } catch (websocket::websocket_error const&) {
                ended_after_ms =
                    std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - start)
                        .count();
            }
            ended = true;
        },
        options);
    ahttp::testing::test_server server{app};
    // A client that completes the handshake and then goes silent (never reads, no pongs).
    ahttp::test::raw_websocket silent{server.port()};
    silent.handshake("/push");
    auto const deadline = clock_type::now() + 10s;
    while (!ended && clock_type::now() < deadline) {
        std::this_thread::sleep_for(10ms);
    }
    EXPECT_TRUE(ended);
    EXPECT_GE(ended_after_ms.load(), 250);
    EXPECT_LT(ended_after_ms.load(), 5000);
}

TEST(WebSocketHeartbeat, LivePeersStayConnectedWhileIdle)
{
    web::application app;
    websocket::options server_side;
    server_side.heartbeat = 500ms; // a pong has 250 ms: generous for a loaded CI machine
    app.router().add_websocket(
        "/idle",
        [](web::request&, websocket::connection& ws) -> awaitable<void> {
            while (std::optional<websocket::message> m = co_await ws.receive()) {
                co_await ws.send(*m);
            }
        },
        server_side);
    ahttp::testing::test_server server{app};
    std::string const url = "ws://127.0.0.1:" + std::to_string(server.port()) + "/idle";
    ahttp::run([&]() -> awaitable<void> {
        client::session session = co_await ahttp::test::make_session();
        websocket::options options;
        options.heartbeat = 500ms;
        websocket::connection ws = co_await session.ws_connect(url, std::move(options));
        co_await ahttp::sleep(1600ms); // several intervals, both sides pinging
        EXPECT_FALSE(ws.closed());
        co_await ws.send_text("still alive");
        std::optional<websocket::message> m = co_await ws.receive();
        EXPECT_EQ(m->data, "still alive");
        co_await ws.close();
    }());
}

TEST(WebSocketClientRules, MaskedServerFrameFailsWith1002)
{
    std::atomic<int> close_code{-1};
    ahttp::test::scripted_server server{[&](ahttp::test::scripted_connection& c, int) {
        std::string const request = c.read_request();
        c.send(switching_protocols(request));
        raw_frame f;
        f.opcode = 1;
        f.payload = "masked";
        c.send(ahttp::test::encode_frame(f, 0x11223344)); // servers must not mask
        std::string pending;
        if (std::optional<raw_frame> close = read_client_frame(c.fd(), pending)) {
            close_code = close->opcode == 8 ? close->close_code() : 0;
        }
    }};
    std::string const url = "ws://127.0.0.1:" + std::to_string(server.port()) + "/";
    ahttp::run([&]() -> awaitable<void> {
        client::session session = co_await ahttp::test::make_session();
        websocket::connection ws = co_await session.ws_connect(url);
        std::optional<websocket::close_code> failed;
        try {
            co_await ws.receive();
        } catch (websocket::websocket_error const& e) {
            failed = e.close_code();
        }
        EXPECT_EQ(failed, websocket::close_code::protocol_error);
    }());
    auto const deadline = clock_type::now() + 5s;
    while (close_code == -1 && clock_type::now() < deadline) {
        std::this_thread::sleep_for(10ms);
    }
    EXPECT_EQ(close_code.load(), 1002);
}

TEST(WebSocketClientRules, BadHandshakeAnswersAreRefused)
{
    struct bad_answer {
        char const* name;
        std::string extra_fields;
        bool wrong_accept;
    };
    std::vector<bad_answer> const table = {
        {"wrong accept", "", true},
        {"unoffered subprotocol", "Sec-WebSocket-Protocol: chat\r\n", false},
        {"unknown extension", "Sec-WebSocket-Extensions: x-webkit-deflate-frame\r\n", false},
        {"deflate with window 8 for us",
         "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=8\r\n", false},
    };
    for (bad_answer const& bad : table) {
        SCOPED_TRACE(bad.name);
        ahttp::test::scripted_server server{[&](ahttp::test::scripted_connection& c, int) {
            std::string request = c.read_request();
            if (bad.wrong_accept) {
                request = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
            }
            c.send(switching_protocols(request, bad.extra_fields));
            c.wait_closed(2s);
        }};
        std::string const url = "ws://127.0.0.1:" + std::to_string(server.port()) + "/";
        ahttp::run([&]() -> awaitable<void> {
            client::session session = co_await ahttp::test::make_session();
            bool refused = false;
            try {
                co_await session.ws_connect(url);
            } catch (websocket::handshake_error const& e) {
                refused = e.status() == 101;
            }
            EXPECT_TRUE(refused);
        }());
    }
}

} // namespace
