// SPDX-License-Identifier: BSL-1.0
// websocket::connection end to end over loopback: an ahttp server (add_websocket and
// websocket_response) and ahttp's client (ws_connect).
#include "support/apps.hpp"
#include "support/client_session.hpp"

#include <ahttp/client.hpp>
#include <ahttp/sleep.hpp>
#include <ahttp/testing/test_server.hpp>
#include <ahttp/web.hpp>
#include <ahttp/websocket.hpp>

#include <boost/json.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace web = ahttp::web;
namespace websocket = ahttp::websocket;
using ahttp::test::websocket_echo;
namespace client = ahttp::client;
using ahttp::awaitable;
using namespace std::chrono_literals;

std::string ws_url(ahttp::testing::test_server const& server, std::string const& path)
{
    return "ws://127.0.0.1:" + std::to_string(server.port()) + path;
}

/// An ahttp server whose /echo route echoes every message (the tests' common peer).
struct echo_server {
    web::application app;
    std::optional<ahttp::testing::test_server> server;
    std::string url;

    echo_server()
    {
        app.router().add_websocket("/echo", websocket_echo);
        server.emplace(app);
        url = ws_url(*server, "/echo");
    }
};

TEST(WebSocketConnection, EchoesTextBinaryAndJson)
{
    echo_server peer;
    std::string const& url = peer.url;

    ahttp::run([&]() -> awaitable<void> {
        client::session session = co_await ahttp::test::make_session();
        websocket::connection ws = co_await session.ws_connect(url);
        EXPECT_TRUE(ws.compressed()); // both ends speak permessage-deflate by default

        co_await ws.send_text("hello");
        std::optional<websocket::message> m = co_await ws.receive();
        EXPECT_TRUE(m && m->is_text());
        EXPECT_EQ(m->data, "hello");

        std::string binary(70000, '\0');
        for (std::size_t i = 0; i < binary.size(); ++i) {
            binary[i] = static_cast<char>(i * 7);
        }
        co_await ws.send_binary(binary);
        m = co_await ws.receive();
        EXPECT_TRUE(m && m->is_binary());
        EXPECT_EQ(m->data, binary);

        boost::json::value doc = {{"a", 1}, {"b", "two"}};
        co_await ws.send_json(doc);
        m = co_await ws.receive();
        EXPECT_EQ(m->json(), doc);

        co_await ws.close();
        EXPECT_TRUE(ws.closed());
        EXPECT_EQ(ws.close_code(), websocket::close_code::normal);
        EXPECT_EQ(co_await ws.receive(), std::nullopt);
    }());
}

TEST(WebSocketConnection, WithoutCompression)
{
    web::application app;
    app.router().add_websocket("/echo", websocket_echo, {.compress = false});
    ahttp::testing::test_server server{app};
    std::string const url = ws_url(server, "/echo");

    ahttp::run([&]() -> awaitable<void> {
        client::session session = co_await ahttp::test::make_session();
        websocket::options options;
        options.compress = true; // offered, but the server declines
        websocket::connection ws = co_await session.ws_connect(url, std::move(options));
        EXPECT_FALSE(ws.compressed());
        for (int i = 0; i < 100; ++i) {
            std::string const text = "message " + std::to_string(i);
            co_await ws.send_text(text);
            std::optional<websocket::message> m = co_await ws.receive();
            EXPECT_EQ(m->data, text);
        }
        co_await ws.close();
    }());
}

} // namespace

namespace {

/// What a handler saw, for the test thread to check after the server stopped.
struct seen {
    std::optional<websocket::close_code> code;
    std::string reason;
    int messages = 0;
    bool ended = false;
};

TEST(WebSocketConnection, ClientCloseCodeAndReasonReachTheHandler)
{
    seen s;
    web::application app;
    app.router().add_websocket("/ws",
                               [&](web::request&, websocket::connection& ws) -> awaitable<void> {
                                   while (co_await ws.receive()) {
                                       ++s.messages;
                                   }
                                   s.code = ws.close_code();
                                   s.reason = ws.close_reason();
                                   s.ended = true;
                               });
    {
        ahttp::testing::test_server server{app};
        std::string const url = ws_url(server, "/ws");
        ahttp::run([&]() -> awaitable<void> {
            client::session session = co_await ahttp::test::make_session();
            websocket::connection ws = co_await session.ws_connect(url);
            co_await ws.send_text("one");
            co_await ws.send_text("two");
            co_await ws.close(4001, "done here");
            // Our close_code() is the server's echo.
            EXPECT_EQ(ws.close_code(), static_cast<websocket::close_code>(4001));
        }());
    }
    EXPECT_TRUE(s.ended);
    EXPECT_EQ(s.messages, 2);
    EXPECT_EQ(s.code, static_cast<websocket::close_code>(4001));
    EXPECT_EQ(s.reason, "done here");
}

TEST(WebSocketConnection, ServerCloseReachesTheClient)
{
    web::application app;
    app.router().add_websocket(
        "/bye", [](web::request&, websocket::connection& ws) -> awaitable<void> {
            co_await ws.send_text("bye now");
            co_await ws.close(websocket::close_code::policy_violation, "go away");
        });
    ahttp::testing::test_server server{app};
    std::string const url = ws_url(server, "/bye");
    ahttp::run([&]() -> awaitable<void> {
        client::session session = co_await ahttp::test::make_session();
        websocket::connection ws = co_await session.ws_connect(url);
        std::optional<websocket::message> m = co_await ws.receive();
        EXPECT_EQ(m->data, "bye now");
        EXPECT_EQ(co_await ws.receive(), std::nullopt);
        EXPECT_EQ(ws.close_code(), websocket::close_code::policy_violation);
        EXPECT_EQ(ws.close_reason(), "go away");
        // Sending on a closed connection is an error, receiving again is not.
        bool refused = false;
        try {
            co_await ws.send_text("too late");
        } catch (websocket::websocket_error const&) {
            refused = true;
        }
        EXPECT_TRUE(refused);
        EXPECT_EQ(co_await ws.receive(), std::nullopt);
    }());
}

TEST(WebSocketConnection, NegotiatesASubprotocol)
{
    std::vector<std::string> chosen;
    web::application app;
    websocket::options server_side;
    server_side.protocols = {"chat.v2", "chat.v1"};
    app.router().add_websocket(
        "/chat",
        [&](web::request&, websocket::connection& ws) -> awaitable<void> {
            chosen.push_back(ws.protocol());
            co_await ws.receive();
        },
        server_side);
    ahttp::testing::test_server server{app};
    std::string const url = ws_url(server, "/chat");
    ahttp::run([&]() -> awaitable<void> {
        client::session session = co_await ahttp::test::make_session();
        websocket::options offer;
        offer.protocols = {"chat.v1", "chat.v2"}; // the client's order decides (aiohttp)
        websocket::connection ws = co_await session.ws_connect(url, std::move(offer));
        EXPECT_EQ(ws.protocol(), "chat.v1");
        co_await ws.close();

        websocket::options none_in_common;
        none_in_common.protocols = {"mqtt"};
        websocket::connection other = co_await session.ws_connect(url, std::move(none_in_common));
        EXPECT_EQ(other.protocol(), "");
        co_await other.close();
    }());
    EXPECT_EQ(chosen, (std::vector<std::string>{"chat.v1", ""}));
}

TEST(WebSocketConnection, ReceiveTimeoutLeavesTheConnectionOpen)
{
    echo_server peer;
    std::string const& url = peer.url;
    ahttp::run([&]() -> awaitable<void> {
        client::session session = co_await ahttp::test::make_session();
        websocket::options options;
        options.receive_timeout = 100ms;
        websocket::connection ws = co_await session.ws_connect(url, std::move(options));
        auto const start = std::chrono::steady_clock::now();
        bool timed_out = false;
        try {
            co_await ws.receive();
        } catch (ahttp::timeout_error const&) {
            timed_out = true;
        }
        EXPECT_TRUE(timed_out);
        EXPECT_GE(std::chrono::steady_clock::now() - start, 90ms);
        EXPECT_FALSE(ws.closed());
        co_await ws.send_text("still here");
        std::optional<websocket::message> m = co_await ws.receive();
        EXPECT_EQ(m->data, "still here");
        co_await ws.close();
    }());
}

TEST(WebSocketConnection, BroadcastWhileTheHandlerWaitsInReceive)
{
    // Every connection's handler waits in receive(); one of them broadcasts to the others
    // (a send from another coroutine while receive() is pending on the same connection).
    std::vector<websocket::connection> peers;
    web::application app;
    app.router().add_websocket(
        "/room", [&](web::request&, websocket::connection& ws) -> awaitable<void> {
            peers.push_back(ws);
            while (std::optional<websocket::message> m = co_await ws.receive()) {
                for (websocket::connection& peer : peers) {
                    if (!peer.closed()) {
                        co_await peer.send_text(m->data);
                    }
                }
            }
            std::erase_if(peers, [](websocket::connection const& p) { return p.closed(); });
        });
    ahttp::testing::test_server server{app};
    std::string const url = ws_url(server, "/room");
    ahttp::run([&]() -> awaitable<void> {
        client::session session = co_await ahttp::test::make_session();
        websocket::connection alice = co_await session.ws_connect(url);
        websocket::connection bob = co_await session.ws_connect(url);
        co_await ahttp::sleep(50ms); // both handlers registered
        for (int i = 0; i < 20; ++i) {
            co_await alice.send_text("from alice " + std::to_string(i));
        }
        for (int i = 0; i < 20; ++i) {
            std::optional<websocket::message> to_bob = co_await bob.receive();
            std::optional<websocket::message> to_alice = co_await alice.receive();
            EXPECT_EQ(to_bob->data, "from alice " + std::to_string(i));
            EXPECT_EQ(to_alice->data, to_bob->data);
        }
        co_await alice.close();
        co_await bob.close();
    }());
}

TEST(WebSocketConnection, GracefulShutdownSendsGoingAway)
{
    echo_server peer;
    std::string const& url = peer.url;
    ahttp::run([&]() -> awaitable<void> {
        client::session session = co_await ahttp::test::make_session();
        websocket::connection ws = co_await session.ws_connect(url);
        co_await ws.send_text("ping");
        co_await ws.receive();
        // Stop the server from another thread while we wait in receive().
        std::thread stopper{[&] { peer.server->stop(); }};
        std::optional<websocket::message> m = co_await ws.receive();
        stopper.join();
        EXPECT_EQ(m, std::nullopt);
        EXPECT_EQ(ws.close_code(), websocket::close_code::going_away);
    }());
}

TEST(WebSocketConnection, MessageOverTheClientsLimitFailsWith1009)
{
    web::application app;
    app.router().add_websocket("/big",
                               [](web::request&, websocket::connection& ws) -> awaitable<void> {
                                   co_await ws.send_binary(std::string(100'000, 'b'));
                                   co_await ws.receive();
                               });
    ahttp::testing::test_server server{app};
    std::string const url = ws_url(server, "/big");
    ahttp::run([&]() -> awaitable<void> {
        client::session session = co_await ahttp::test::make_session();
        websocket::options options;
        options.max_message_size = 50'000;
        options.compress = false;
        websocket::connection ws = co_await session.ws_connect(url, std::move(options));
        std::optional<websocket::close_code> failed_with;
        try {
            co_await ws.receive();
        } catch (websocket::websocket_error const& e) {
            failed_with = e.close_code();
        }
        EXPECT_EQ(failed_with, websocket::close_code::message_too_big);
        EXPECT_EQ(ws.close_code(), websocket::close_code::message_too_big);
    }());
}

TEST(WebSocketConnection, WebsocketResponseInsideAPlainHandler)
{
    web::application app;
    app.router().add_get("/maybe", [](web::request& req) -> awaitable<web::response> {
        web::websocket_response ws;
        if (ws.check(req)) {
            co_return web::response::text("plain HTTP here");
        }
        websocket::connection conn = co_await ws.prepare(req);
        co_await conn.send_text("upgraded");
        co_await conn.receive();
        co_return ws;
    });
    ahttp::testing::test_server server{app};
    std::string const port = std::to_string(server.port());
    ahttp::run([&]() -> awaitable<void> {
        client::session session = co_await ahttp::test::make_session();
        client::response plain = co_await session.get("http://127.0.0.1:" + port + "/maybe");
        EXPECT_EQ(co_await plain.text(), "plain HTTP here");
        websocket::connection ws = co_await session.ws_connect("ws://127.0.0.1:" + port + "/maybe");
        std::optional<websocket::message> m = co_await ws.receive();
        EXPECT_EQ(m->data, "upgraded");
        co_await ws.close();
    }());
}

TEST(WebSocketConnection, HandshakeRefusedIsAHandshakeError)
{
    web::application app;
    app.router().add_websocket("/echo", websocket_echo);
    app.router().add_get("/plain", [](web::request&) -> awaitable<web::response> {
        co_return web::response::text("not a websocket");
    });
    ahttp::testing::test_server server{app};
    std::string const base = "ws://127.0.0.1:" + std::to_string(server.port());
    ahttp::run([&]() -> awaitable<void> {
        client::session session = co_await ahttp::test::make_session();
        for (auto [path, status] : {std::pair{"/plain", 200}, std::pair{"/missing", 404}}) {
            int seen_status = -1;
            try {
                co_await session.ws_connect(base + path);
            } catch (websocket::handshake_error const& e) {
                seen_status = e.status();
            }
            EXPECT_EQ(seen_status, status) << path;
        }
        bool invalid = false;
        try {
            co_await session.ws_connect("ftp://127.0.0.1/echo");
        } catch (client::invalid_url const&) {
            invalid = true;
        }
        EXPECT_TRUE(invalid);
    }());
}

TEST(WebSocketConnection, WithoutAutopingPingsReachReceive)
{
    web::application app;
    app.router().add_websocket("/ping",
                               [](web::request&, websocket::connection& ws) -> awaitable<void> {
                                   co_await ws.ping("are you there");
                                   co_await ws.receive();
                               });
    ahttp::testing::test_server server{app};
    std::string const url = ws_url(server, "/ping");
    ahttp::run([&]() -> awaitable<void> {
        client::session session = co_await ahttp::test::make_session();
        websocket::options options;
        options.autoping = false;
        websocket::connection ws = co_await session.ws_connect(url, std::move(options));
        std::optional<websocket::message> m = co_await ws.receive();
        EXPECT_EQ(m->type, websocket::message_type::ping);
        EXPECT_EQ(m->data, "are you there");
        co_await ws.pong(m->data);
        co_await ws.close();
    }());
}

} // namespace
