// SPDX-License-Identifier: BSL-1.0
// testing::test_server: serve an application on 127.0.0.1 and a free port, in the background
// (Go's httptest.Server, aiohttp's TestServer).
#pragma once

#include <ahttp/web/application.hpp>
#include <ahttp/web/run_app.hpp>

#include <cstdint>
#include <memory>
#include <string>

namespace ahttp::testing {

/// Runs `app` on its own thread until destroyed. Access logging and signal handling are off
/// unless the options turn them on.
/// @par Example
///   web::application app;
///   app.router().add_get("/", hello);
///   testing::test_server server{app};
///   auto url = server.url("/");   // "http://127.0.0.1:PORT/"
class test_server {
public:
    /// Starts serving; returns once the port is bound and startup hooks have run.
    /// @throws web::server_error or whatever a startup hook threw.
    explicit test_server(web::application& app, web::server_options options = quiet_options());
    /// Shuts down gracefully (as on SIGTERM) and joins the thread.
    ~test_server();
    test_server(test_server const&) = delete;
    test_server& operator=(test_server const&) = delete;

    std::uint16_t port() const noexcept;
    /// "http://127.0.0.1:PORT" + path.
    std::string url(std::string const& path = "/") const;
    /// Graceful shutdown now (the destructor does it if you don't).
    void stop();
    /// Open connections, for tests of keep-alive and shutdown.
    std::size_t connection_count() const noexcept;

    /// The defaults for tests: 127.0.0.1, port 0, no access log, no banner, no signals.
    static web::server_options quiet_options();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace ahttp::testing
