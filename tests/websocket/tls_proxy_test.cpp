// SPDX-License-Identifier: BSL-1.0
// ws_connect through the session's machinery: wss:// to nginx (TLS, proxying WebSockets to an
// ahttp server), certificate verification, a CONNECT proxy, cookies and extra headers.
#include "support/apps.hpp"
#include "support/client_session.hpp"
#include "support/ports.hpp"
#include "support/running_process.hpp"
#include "support/scripted_server.hpp"
#include "support/tls_files.hpp"

#include <ahttp/client.hpp>
#include <ahttp/testing/test_server.hpp>
#include <ahttp/web.hpp>
#include <ahttp/websocket.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

namespace {

using namespace std::chrono_literals;
namespace client = ahttp::client;
namespace web = ahttp::web;
namespace websocket = ahttp::websocket;
using ahttp::test::websocket_echo;
namespace fs = std::filesystem;
using ahttp::awaitable;
using ahttp::test::make_session;

/// Tells the client what the handshake carried: its cookie and X-Token field.
awaitable<void> who(web::request& req, websocket::connection& ws)
{
    std::string const cookie{req.cookie("session").value_or("none")};
    std::string const token{req.headers().value_or("X-Token", "none")};
    co_await ws.send_text(cookie + " " + token);
    co_await ws.receive();
}

awaitable<web::response> login(web::request&)
{
    web::response r = web::response::text("logged in");
    r.headers().add("Set-Cookie", "session=s3cr3t; Path=/");
    co_return r;
}

/// An ahttp WebSocket server behind nginx, which terminates TLS with a test CA's certificate.
class WebSocketTls : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        std::string pattern = (fs::temp_directory_path() / "ahttp-wss-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
        ahttp::test::make_test_ca_and_server_certificate(dir_);

        app_ = std::make_unique<web::application>();
        app_->router().add_websocket("/echo", websocket_echo);
        app_->router().add_websocket("/who", who);
        app_->router().add_get("/login", login);
        upstream_ = std::make_unique<ahttp::testing::test_server>(*app_);

        port_ = ahttp::test::free_port();
        std::string const d = dir_.string();
        std::ofstream{dir_ / "nginx.conf"}
            << "daemon off; master_process off; worker_processes 1; pid " << d
            << "/nginx.pid; error_log " << d << "/error.log;\nevents { worker_connections 64; }\n"
            << "http {\n  access_log off; client_body_temp_path " << d << "; proxy_temp_path " << d
            << "; fastcgi_temp_path " << d << "; uwsgi_temp_path " << d << "; scgi_temp_path " << d
            << ";\n  server { listen 127.0.0.1:" << port_ << " ssl; ssl_certificate " << d
            << "/server.pem; ssl_certificate_key " << d << "/server.key;\n"
            << "    location / { proxy_pass http://127.0.0.1:" << upstream_->port()
            << "; proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade;"
               " proxy_set_header Connection \"upgrade\"; proxy_set_header Host $host; }\n"
            << "  }\n}\n";
        nginx_ = std::make_unique<ahttp::test::running_process>(std::vector<std::string>{
            "/usr/sbin/nginx", "-p", d, "-c", d + "/nginx.conf", "-e", d + "/error.log"});
        auto const deadline = std::chrono::steady_clock::now() + 10s;
        while (!ahttp::test::accepts_connections(port_)) {
            if (std::chrono::steady_clock::now() > deadline) {
                FAIL() << "nginx did not start";
            }
            std::this_thread::sleep_for(20ms);
        }
    }

    static void TearDownTestSuite()
    {
        nginx_.reset();
        upstream_.reset();
        app_.reset();
        std::error_code ignored;
        fs::remove_all(dir_, ignored);
    }

    static std::string url(std::string const& scheme, std::string const& path)
    {
        return scheme + "://localhost:" + std::to_string(port_) + path;
    }

    static client::session_options trusting(std::string proxy = {})
    {
        client::session_options options;
        options.connector.tls.ca_file = (dir_ / "ca.pem").string();
        if (!proxy.empty()) {
            options.proxy = std::move(proxy);
        }
        return options;
    }

    static inline fs::path dir_;
    static inline std::unique_ptr<web::application> app_;
    static inline std::unique_ptr<ahttp::testing::test_server> upstream_;
    static inline std::unique_ptr<ahttp::test::running_process> nginx_;
    static inline std::uint16_t port_ = 0;
};

TEST_F(WebSocketTls, EchoesOverWssWithCompression)
{
    std::string const target = url("wss", "/echo");
    ahttp::run([&]() -> awaitable<void> {
        client::session_options options = trusting(); // named: g++ 12 (docs/design/0003)
        client::session session = co_await make_session(std::move(options));
        websocket::connection ws = co_await session.ws_connect(target);
        EXPECT_TRUE(ws.compressed()); // nginx passes the extension through
        std::string big(200'000, '\0');
        for (std::size_t i = 0; i < big.size(); ++i) {
            big[i] = static_cast<char>((i * 131) >> 3);
        }
        for (int i = 0; i < 5; ++i) {
            co_await ws.send_binary(big);
            std::optional<websocket::message> m = co_await ws.receive();
            EXPECT_EQ(m->data, big);
        }
        co_await ws.send_text("over TLS");
        EXPECT_EQ((co_await ws.receive())->data, "over TLS");
        co_await ws.close();
        EXPECT_EQ(ws.close_code(), websocket::close_code::normal);
    }());
}

TEST_F(WebSocketTls, UnknownCaIsATlsError)
{
    std::string const target = url("wss", "/echo");
    std::string why;
    ahttp::run([&]() -> awaitable<void> {
        client::session session = co_await make_session();
        try {
            co_await session.ws_connect(target);
        } catch (client::tls_error const& e) {
            why = e.what();
        }
    }());
    EXPECT_NE(why.find("unable to get local issuer certificate"), std::string::npos) << why;
}

TEST_F(WebSocketTls, TunnelsThroughAConnectProxy)
{
    std::string seen;
    ahttp::test::scripted_server proxy{
        [&](ahttp::test::scripted_connection& c, int) { ahttp::test::relay_to(c, port_, seen); }};
    std::string const target = url("wss", "/echo");
    std::string const via = "http://127.0.0.1:" + std::to_string(proxy.port());
    ahttp::run([&]() -> awaitable<void> {
        client::session_options options = trusting(via);
        client::session session = co_await make_session(std::move(options));
        websocket::connection ws = co_await session.ws_connect(target);
        co_await ws.send_text("tunnelled");
        EXPECT_EQ((co_await ws.receive())->data, "tunnelled");
        co_await ws.close();
    }());
    EXPECT_EQ(seen, "CONNECT localhost:" + std::to_string(port_) + " HTTP/1.1");
}

TEST_F(WebSocketTls, SendsTheSessionsCookiesAndExtraHeaders)
{
    std::string const login_url = url("https", "/login");
    std::string const target = url("wss", "/who");
    ahttp::run([&]() -> awaitable<void> {
        client::session_options options = trusting(); // named: g++ 12 (docs/design/0003)
        client::session session = co_await make_session(std::move(options));
        client::response r = co_await session.get(login_url);
        EXPECT_EQ(co_await r.text(), "logged in");
        websocket::options extra;
        extra.headers = {{"X-Token", "abc"}};
        websocket::connection ws = co_await session.ws_connect(target, std::move(extra));
        EXPECT_EQ((co_await ws.receive())->data, "s3cr3t abc");
        co_await ws.close();
    }());
}

} // namespace
