// SPDX-License-Identifier: BSL-1.0
// Proxies: plain http through a forward proxy (absolute-form, Proxy-Authorization), CONNECT
// refusals, and trust_env with NO_PROXY. The proxy is scripted here; the CONNECT tunnel to a
// real TLS server is tested in tls_test.cpp.
#include "support/scripted_server.hpp"

#include <ahttp/client.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

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

awaitable<std::string> fetch_via(std::string url, client::session_options options)
{
    auto executor = co_await boost::asio::this_coro::executor;
    client::session session{executor, std::move(options)};
    client::response r = co_await session.get(url);
    co_return co_await r.text();
}

TEST(ProxyTest, PlainHttpGoesAsAbsoluteFormWithProxyAuthorization)
{
    scripted_server proxy{echoing_proxy};
    std::string const via = "http://alice:secret@127.0.0.1:" + std::to_string(proxy.port());
    std::string const body =
        ahttp::run(fetch_via("http://example.invalid:8080/path?q=1", {.proxy = via}));
    // "alice:secret" in Base64; the target host is never resolved by the client.
    EXPECT_EQ(body, "GET http://example.invalid:8080/path?q=1 HTTP/1.1|Basic YWxpY2U6c2VjcmV0");
}

TEST(ProxyTest, ARefusedConnectIsAConnectionError)
{
    scripted_server proxy{echoing_proxy};
    std::string const via = "http://127.0.0.1:" + std::to_string(proxy.port());
    try {
        ahttp::run(fetch_via("https://example.invalid/", {.proxy = via}));
        FAIL() << "no exception";
    } catch (client::connection_error const& e) {
        EXPECT_NE(std::string{e.what()}.find("refused CONNECT to example.invalid:443: 407"),
                  std::string::npos)
            << e.what();
    }
}

TEST(ProxyTest, OnlyHttpProxiesAreAccepted)
{
    EXPECT_THROW(ahttp::run(fetch_via("http://127.0.0.1:9/", {.proxy = "socks5://127.0.0.1:1"})),
                 client::invalid_url);
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
    std::string const proxied = ahttp::run(fetch_via("http://far.test/x", {.trust_env = true}));
    EXPECT_EQ(proxied, "GET http://far.test/x HTTP/1.1|");
    std::string const bypassed = ahttp::run(
        fetch_via("http://localhost:" + std::to_string(direct.port()) + "/", {.trust_env = true}));
    EXPECT_EQ(bypassed, "direct");
    // Without trust_env the environment is not read (the proxy would answer otherwise).
    std::string const ignored =
        ahttp::run(fetch_via("http://127.0.0.1:" + std::to_string(direct.port()) + "/", {}));
    EXPECT_EQ(ignored, "direct");
    ::unsetenv("HTTP_PROXY");
    ::unsetenv("NO_PROXY");
}

} // namespace
