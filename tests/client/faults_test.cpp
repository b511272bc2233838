// SPDX-License-Identifier: BSL-1.0
// client::session against misbehaving servers (scripted over loopback): the keep-alive race,
// truncated and malformed responses, refused and stalled connections. Each failure must be
// its typed exception, and the session must keep working afterwards.
#include "support/client_session.hpp"
#include "support/process.hpp"
#include "support/scripted_server.hpp"

#include <ahttp/client.hpp>
#include <ahttp/gather.hpp>
#include <ahttp/sleep.hpp>

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <chrono>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

namespace {

using namespace std::chrono_literals;
namespace client = ahttp::client;
using ahttp::awaitable;
using ahttp::test::make_session;
using ahttp::test::open_descriptor_count;
using ahttp::test::scripted_connection;
using ahttp::test::scripted_server;

constexpr char const* ok_response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

/// The keep-alive race made deterministic: each connection answers one request, then closes
/// when the next one arrives, without a response (as a server whose idle timeout fires just
/// as the client reuses the connection).
void answer_once_then_drop(scripted_connection& c, int)
{
    if (c.read_request().empty()) {
        return;
    }
    c.send(ok_response);
    c.read_request(); // the reused request: dropped unanswered
}

TEST(ClientFaultsTest, RetriesAnIdempotentRequestOnAStaleConnection)
{
    scripted_server server{answer_once_then_drop};
    auto const bodies = ahttp::run([&]() -> awaitable<std::vector<std::string>> {
        client::session session = co_await make_session();
        std::vector<std::string> out;
        for (int i = 0; i < 20; ++i) {
            auto r = co_await session.get(server.url("/"));
            out.push_back(co_await r.text());
        }
        co_return out;
    }());
    EXPECT_EQ(bodies, std::vector<std::string>(20, "ok"));
    EXPECT_GE(server.connections(), 20);
}

TEST(ClientFaultsTest, NeverReplaysAPostOnAStaleConnection)
{
    scripted_server server{answer_once_then_drop};
    ahttp::run([&]() -> awaitable<void> {
        client::session session = co_await make_session();
        client::request_options first_post{.data = std::string{"x"}};
        auto r = co_await session.post(server.url("/"), std::move(first_post));
        EXPECT_EQ(co_await r.text(), "ok");
        try {
            client::request_options second_post{.data = std::string{"once"}};
            co_await session.post(server.url("/"), std::move(second_post));
            ADD_FAILURE() << "a POST was replayed or answered";
        } catch (client::connection_error const& e) {
            EXPECT_EQ(e.method(), ahttp::http::method::post);
        }
    }());
    EXPECT_EQ(server.connections(), 1);
}

TEST(ClientFaultsTest, DetectsAConnectionClosedWhileIdle)
{
    // The server closes right after each response, without saying so: the pool's peek sees
    // the FIN and opens a new connection instead of failing.
    scripted_server server{[](scripted_connection& c, int) {
        if (!c.read_request().empty()) {
            c.send(ok_response);
        }
    }};
    ahttp::run([&]() -> awaitable<void> {
        client::session session = co_await make_session();
        for (int i = 0; i < 5; ++i) {
            client::request_options post_body{.data = std::string{"x"}};
            auto r = co_await session.post(server.url("/"), std::move(post_body));
            EXPECT_EQ(co_await r.text(), "ok");
            co_await ahttp::sleep(20ms); // let the FIN arrive before the next reuse
        }
    }());
    EXPECT_EQ(server.connections(), 5);
}

TEST(ClientFaultsTest, TruncatedBodyIsAPayloadError)
{
    scripted_server server{[](scripted_connection& c, int) {
        c.read_request();
        c.send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b");
    }};
    ahttp::run([&]() -> awaitable<void> {
        client::session session = co_await make_session();
        auto r = co_await session.get(server.url("/"));
        EXPECT_THROW(co_await r.read(), client::payload_error);
    }());
}

TEST(ClientFaultsTest, TruncatedChunkedBodyIsAPayloadError)
{
    scripted_server server{[](scripted_connection& c, int) {
        c.read_request();
        c.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
    }};
    ahttp::run([&]() -> awaitable<void> {
        client::session session = co_await make_session();
        auto r = co_await session.get(server.url("/"));
        EXPECT_THROW(co_await r.read(), client::payload_error);
    }());
}

TEST(ClientFaultsTest, MalformedChunkedBodyIsAPayloadError)
{
    scripted_server server{[](scripted_connection& c, int) {
        c.read_request();
        c.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n");
    }};
    ahttp::run([&]() -> awaitable<void> {
        client::session session = co_await make_session();
        auto r = co_await session.get(server.url("/"));
        EXPECT_THROW(co_await r.read(), client::payload_error);
    }());
}

TEST(ClientFaultsTest, GarbageStatusLineIsAPayloadError)
{
    scripted_server server{[](scripted_connection& c, int) {
        c.read_request();
        c.send("SMTP ready\r\n\r\n");
    }};
    EXPECT_THROW(ahttp::run([&]() -> awaitable<void> {
                     client::session session = co_await make_session();
                     co_await session.get(server.url("/"));
                 }()),
                 client::payload_error);
}

TEST(ClientFaultsTest, ConflictingFramingIsAPayloadError)
{
    scripted_server server{[](scripted_connection& c, int) {
        c.read_request();
        c.send("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd");
    }};
    EXPECT_THROW(ahttp::run([&]() -> awaitable<void> {
                     client::session session = co_await make_session();
                     co_await session.get(server.url("/"));
                 }()),
                 client::payload_error);
}

TEST(ClientFaultsTest, ReadsABodyDelimitedByClose)
{
    scripted_server server{[](scripted_connection& c, int) {
        c.read_request();
        c.send("HTTP/1.0 200 OK\r\n\r\nuntil the end");
    }};
    auto const body = ahttp::run([&]() -> awaitable<std::string> {
        client::session session = co_await make_session();
        auto r = co_await session.get(server.url("/"));
        co_return co_await r.text();
    }());
    EXPECT_EQ(body, "until the end");
}

TEST(ClientFaultsTest, ReadsLinesAndRefusesOverlongOnes)
{
    scripted_server server{[](scripted_connection& c, int) {
        if (c.read_request().empty()) {
            return;
        }
        c.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
               "7\r\none\r\ntw\r\n7\r\no\nthree\r\n0\r\n\r\n");
        if (c.read_request().empty()) {
            return;
        }
        c.send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + std::string(100, 'x'));
    }};
    ahttp::run([&]() -> awaitable<void> {
        client::session session = co_await make_session();
        client::response r = co_await session.get(server.url("/"));
        std::vector<std::string> lines;
        while (auto line = co_await r.read_line()) {
            lines.push_back(*line);
        }
        // CRLF and LF both end a line, across chunk boundaries; the last needs no newline.
        EXPECT_EQ(lines, (std::vector<std::string>{"one", "two", "three"}));
        client::response longer = co_await session.get(server.url("/"));
        EXPECT_THROW(co_await longer.read_line(10), client::payload_error);
    }());
}

TEST(ClientFaultsTest, SkipsInterimResponses)
{
    scripted_server server{[](scripted_connection& c, int) {
        c.read_request();
        c.send("HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n");
        c.send(ok_response);
    }};
    auto const body = ahttp::run([&]() -> awaitable<std::string> {
        client::session session = co_await make_session();
        auto r = co_await session.get(server.url("/"));
        EXPECT_EQ(r.status_code(), 200u);
        co_return co_await r.text();
    }());
    EXPECT_EQ(body, "ok");
}

TEST(ClientFaultsTest, RefusedConnectionIsAConnectionError)
{
    // A port that was just free: nothing listens there.
    std::uint16_t port = 0;
    {
        scripted_server probe{[](scripted_connection&, int) {}};
        port = probe.port();
    }
    try {
        ahttp::run([&]() -> awaitable<void> {
            client::session session = co_await make_session();
            co_await session.get("http://127.0.0.1:" + std::to_string(port) + "/");
        }());
        FAIL() << "no exception";
    } catch (client::connection_error const& e) {
        EXPECT_EQ(e.code(), boost::asio::error::connection_refused);
    }
}

TEST(ClientFaultsTest, UnknownHostIsAConnectionError)
{
    EXPECT_THROW(ahttp::run([&]() -> awaitable<void> {
                     client::session session = co_await make_session();
                     co_await session.get("http://no-such-host.invalid/");
                 }()),
                 client::connection_error);
}

TEST(ClientFaultsTest, StalledConnectHitsSockConnect)
{
    // A listener with a full accept queue: the kernel drops further SYNs, so connect() hangs.
    int const listener = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    ASSERT_EQ(::listen(listener, 0), 0);
    socklen_t length = sizeof address;
    ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
    std::vector<int> fillers;
    for (int i = 0; i < 4; ++i) { // fill the queue (backlog 0 still admits one or two)
        int const fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
        fillers.push_back(fd);
    }
    std::string const url = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/";
    auto const started = std::chrono::steady_clock::now();
    try {
        ahttp::run([&]() -> awaitable<void> {
            client::session session = co_await make_session();
            client::request_options short_connect{.timeout = {.sock_connect = 300ms}};
            co_await session.get(url, std::move(short_connect));
        }());
        ADD_FAILURE() << "connected";
    } catch (client::timeout_error const& e) {
        EXPECT_EQ(e.phase(), client::timeout_phase::sock_connect);
    }
    EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
    for (int fd : fillers) {
        ::close(fd);
    }
    ::close(listener);
}

TEST(ClientFaultsTest, ServerThatNeverAnswersHitsSockRead)
{
    scripted_server server{[](scripted_connection& c, int) {
        c.read_request();
        c.wait_closed(3s);
    }};
    try {
        ahttp::run([&]() -> awaitable<void> {
            client::session session = co_await make_session();
            client::request_options short_read{.timeout = {.sock_read = 200ms}};
            co_await session.get(server.url("/"), std::move(short_read));
        }());
        FAIL() << "no timeout";
    } catch (client::timeout_error const& e) {
        EXPECT_EQ(e.phase(), client::timeout_phase::sock_read);
    }
}

/// The timeout phase a GET of `url` with `timeout` fails with (total if it does not fail).
client::timeout_phase phase_of(std::string url, client::client_timeout timeout,
                               client::connector_options connector = {})
{
    try {
        ahttp::run([](std::string u, client::client_timeout t,
                      client::connector_options pool) -> awaitable<void> {
            auto executor = co_await boost::asio::this_coro::executor;
            client::session_options options{.timeout = t, .connector = std::move(pool)};
            client::session session{executor, std::move(options)};
            co_await session.get(u);
        }(std::move(url), timeout, std::move(connector)));
    } catch (client::timeout_error const& e) {
        return e.phase();
    }
    ADD_FAILURE() << "no timeout";
    return client::timeout_phase::total;
}

TEST(ClientFaultsTest, FinerPhasesNameWhatWasSlow)
{
    // A server that reads the request and says nothing: first_byte fires before sock_read.
    scripted_server silent{[](scripted_connection& c, int) {
        c.read_request();
        c.wait_closed(3s);
    }};
    EXPECT_EQ(phase_of(silent.url("/"), {.sock_read = 2s, .first_byte = 200ms}),
              client::timeout_phase::first_byte);
    // A "TLS" server that never answers the ClientHello: tls_handshake fires.
    scripted_server mute{[](scripted_connection& c, int) { c.wait_closed(3s); }};
    std::string const https = "https://127.0.0.1:" + std::to_string(mute.port()) + "/";
    EXPECT_EQ(phase_of(https, {.tls_handshake = 200ms}), client::timeout_phase::tls_handshake);
    // With no slot free for longer than pool_wait: one request holds the only connection
    // (the silent server never answers it) while the second waits.
    scripted_server hold{[](scripted_connection& c, int) {
        c.read_request();
        c.wait_closed(3s);
    }};
    auto const held = ahttp::run([](std::string u) -> awaitable<client::timeout_phase> {
        auto executor = co_await boost::asio::this_coro::executor;
        client::session_options options{.timeout = {.pool_wait = 200ms, .first_byte = 1s},
                                        .connector = {.limit_per_host = 1}};
        client::session session{executor, std::move(options)};
        auto first = [](client::session& s, std::string v) -> awaitable<client::timeout_phase> {
            try {
                co_await s.get(v);
            } catch (client::timeout_error const& e) {
                co_return e.phase();
            }
            co_return client::timeout_phase::total;
        };
        auto [a, b] = co_await ahttp::gather(first(session, u), first(session, u));
        EXPECT_EQ(a, client::timeout_phase::first_byte);
        co_return b;
    }(hold.url("/")));
    EXPECT_EQ(held, client::timeout_phase::pool_wait);
    EXPECT_EQ(client::to_string(client::timeout_phase::tls_handshake), "tls_handshake");
}

TEST(ClientFaultsTest, LeaksNoDescriptors)
{
    scripted_server server{answer_once_then_drop};
    auto const before = open_descriptor_count();
    ahttp::run([&]() -> awaitable<void> {
        client::session session = co_await make_session();
        for (int i = 0; i < 10; ++i) {
            auto r = co_await session.get(server.url("/"));
            co_await r.read();
        }
        try {
            co_await session.post(server.url("/"));
        } catch (client::connection_error const&) {
        }
    }());
    EXPECT_EQ(open_descriptor_count(), before);
}

} // namespace
