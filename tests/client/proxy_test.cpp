// SPDX-License-Identifier: BSL-1.0
// Proxies: plain http through a forward proxy (absolute-form, Proxy-Authorization), CONNECT
// refusals, and trust_env with NO_PROXY. The proxy is scripted here; the CONNECT tunnel to a
// real TLS server is tested in tls_test.cpp.
#include "support/scripted_server.hpp"

#include <ahttp/client.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <poll.h>
#include <string>
#include <sys/socket.h>

namespace {

namespace client = ahttp::client;
using ahttp::awaitable;
using ahttp::test::scripted_connection;
using ahttp::test::scripted_server;

/// A forward proxy that answers every request itself, echoing its request line and
/// Proxy-Authorization, and refuses CONNECT with 407.
void echoing_proxy(scripted_connection& c, int)
{
    for (;;) {
        std::string const request = c.read_request();
        if (request.empty()) {
            return;
        }
        std::string const line = request.substr(0, request.find("\r\n"));
        if (line.starts_with("CONNECT ")) {
            c.send("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n");
            return;
        }
        std::string auth;
        if (auto const at = request.find("Proxy-Authorization: "); at != std::string::npos) {
            auth = request.substr(at + 21, request.find("\r\n", at) - at - 21);
        }
        std::string const body = line + "|" + auth;
        c.send("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
               body);
    }
}

/// GETs `url` through `proxy` (or, with `trust_env`, the environment's), returns the body.
/// Plain parameters, not session_options: g++ 12 mishandles aggregates passed to coroutines.
awaitable<std::string> fetch_via(std::string url, std::string proxy, bool trust_env = false)
{
    auto executor = co_await boost::asio::this_coro::executor;
    client::session_options options{.proxy = std::move(proxy), .trust_env = trust_env};
    client::session session{executor, std::move(options)};
    client::response r = co_await session.get(url);
    co_return co_await r.text();
}

awaitable<std::string> fetch_direct(std::string url)
{
    auto executor = co_await boost::asio::this_coro::executor;
    client::session session{executor};
    client::response r = co_await session.get(url);
    co_return co_await r.text();
}

TEST(ProxyTest, PlainHttpGoesAsAbsoluteFormWithProxyAuthorization)
{
    scripted_server proxy{echoing_proxy};
    std::string const via = "http://alice:secret@127.0.0.1:" + std::to_string(proxy.port());
    std::string const body = ahttp::run(fetch_via("http://example.invalid:8080/path?q=1", via));
    // "alice:secret" in Base64; the target host is never resolved by the client.
    EXPECT_EQ(body, "GET http://example.invalid:8080/path?q=1 HTTP/1.1|Basic YWxpY2U6c2VjcmV0");
}

TEST(ProxyTest, ARefusedConnectIsAConnectionError)
{
    scripted_server proxy{echoing_proxy};
    std::string const via = "http://127.0.0.1:" + std::to_string(proxy.port());
    try {
        ahttp::run(fetch_via("https://example.invalid/", via));
        FAIL() << "no exception";
    } catch (client::connection_error const& e) {
        EXPECT_NE(std::string{e.what()}.find("refused CONNECT to example.invalid:443: 407"),
                  std::string::npos)
            << e.what();
    }
}

TEST(ProxyTest, OnlyHttpAndSocks5ProxiesAreAccepted)
{
    EXPECT_THROW(ahttp::run(fetch_via("http://127.0.0.1:9/", "socks4://127.0.0.1:1")),
                 client::invalid_url);
}

/// Reads exactly `n` bytes (blocking, 5 s); empty if the client went away.
std::string read_bytes(int fd, std::size_t n)
{
    std::string out;
    while (out.size() < n) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 5000) <= 0) {
            return {};
        }
        char buffer[512];
        ssize_t const got = ::recv(fd, buffer, std::min(sizeof buffer, n - out.size()), 0);
        if (got <= 0) {
            return {};
        }
        out.append(buffer, static_cast<std::size_t>(got));
    }
    return out;
}

/// A SOCKS5 server (RFC 1928/1929) that, once CONNECT succeeds, plays the target itself:
/// it answers the HTTP request with the target it was asked for. `reply` is the CONNECT
/// status to give; with `user` set it demands that login.
void socks_server(scripted_connection& c, unsigned char reply, std::string const& user,
                  std::string const& password)
{
    std::string const hello = read_bytes(c.fd(), 2);
    if (hello.size() != 2 || hello[0] != 5) {
        return;
    }
    std::string const methods = read_bytes(c.fd(), static_cast<unsigned char>(hello[1]));
    bool const wants_login = !user.empty();
    char const method = wants_login ? 2 : 0;
    if (methods.find(method) == std::string::npos) {
        c.send(std::string{"\x05\xff", 2});
        return;
    }
    c.send(std::string{"\x05"} + method);
    if (wants_login) {
        std::string const head = read_bytes(c.fd(), 2);
        std::string const u = read_bytes(c.fd(), static_cast<unsigned char>(head[1]));
        std::string const plen = read_bytes(c.fd(), 1);
        std::string const pw = read_bytes(c.fd(), static_cast<unsigned char>(plen[0]));
        bool const ok = u == user && pw == password;
        c.send(std::string{"\x01"} + (ok ? '\x00' : '\x01'));
        if (!ok) {
            return;
        }
    }
    std::string const request = read_bytes(c.fd(), 5);
    std::string const name = read_bytes(c.fd(), static_cast<unsigned char>(request[4]));
    std::string const port_bytes = read_bytes(c.fd(), 2);
    unsigned const port = (static_cast<unsigned char>(port_bytes[0]) << 8) |
                          static_cast<unsigned char>(port_bytes[1]);
    c.send(std::string{"\x05", 1} + static_cast<char>(reply) +
           std::string{"\x00\x01\x7f\x00\x00\x01\x00\x50", 8});
    if (reply != 0 || request[3] != 3) {
        return;
    }
    c.read_request();
    std::string const body = name + ":" + std::to_string(port);
    c.send("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    c.wait_closed(std::chrono::seconds{5});
}

TEST(ProxyTest, Socks5ConnectsByNameWithoutAndWithLogin)
{
    scripted_server open_proxy{[](scripted_connection& c, int) { socks_server(c, 0, "", ""); }};
    std::string const via = "socks5://127.0.0.1:" + std::to_string(open_proxy.port());
    // The name goes to the proxy unresolved ("socks5h"): it need not exist for us.
    EXPECT_EQ(ahttp::run(fetch_via("http://far.invalid:8080/", via)), "far.invalid:8080");
    scripted_server guarded{[](scripted_connection& c, int) { socks_server(c, 0, "bob", "pw"); }};
    std::string const login = "socks5h://bob:pw@127.0.0.1:" + std::to_string(guarded.port());
    EXPECT_EQ(ahttp::run(fetch_via("http://far.invalid/", login)), "far.invalid:80");
    std::string const wrong = "socks5://bob:nope@127.0.0.1:" + std::to_string(guarded.port());
    EXPECT_THROW(ahttp::run(fetch_via("http://far.invalid/", wrong)), client::connection_error);
}

TEST(ProxyTest, Socks5RefusalIsAConnectionError)
{
    scripted_server refusing{[](scripted_connection& c, int) { socks_server(c, 5, "", ""); }};
    std::string const via = "socks5://127.0.0.1:" + std::to_string(refusing.port());
    try {
        ahttp::run(fetch_via("http://far.invalid/", via));
        FAIL() << "no exception";
    } catch (client::connection_error const& e) {
        EXPECT_NE(std::string{e.what()}.find("refused: connection refused"), std::string::npos)
            << e.what();
    }
}

TEST(ProxyTest, TrustEnvReadsHttpProxyAndHonoursNoProxy)
{
    scripted_server proxy{echoing_proxy};
    scripted_server direct{[](scripted_connection& c, int) {
        if (!c.read_request().empty()) {
            c.send("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\ndirect");
        }
    }};
    std::string const via = "http://127.0.0.1:" + std::to_string(proxy.port());
    ::setenv("HTTP_PROXY", via.c_str(), 1);
    ::setenv("NO_PROXY", "localhost, .internal.test", 1);
    std::string const proxied = ahttp::run(fetch_via("http://far.test/x", "", true));
    EXPECT_EQ(proxied, "GET http://far.test/x HTTP/1.1|");
    std::string const bypassed =
        ahttp::run(fetch_via("http://localhost:" + std::to_string(direct.port()) + "/", "", true));
    EXPECT_EQ(bypassed, "direct");
    // Without trust_env the environment is not read (the proxy would answer otherwise).
    std::string const ignored =
        ahttp::run(fetch_direct("http://127.0.0.1:" + std::to_string(direct.port()) + "/"));
    EXPECT_EQ(ignored, "direct");
    ::unsetenv("HTTP_PROXY");
    ::unsetenv("NO_PROXY");
}

} // namespace
