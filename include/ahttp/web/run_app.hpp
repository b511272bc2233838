// SPDX-License-Identifier: BSL-1.0
// Running an application: run_app() for a program's main, app_runner to embed into your loop.
#pragma once

#include <ahttp/awaitable.hpp>
#include <ahttp/error.hpp>
#include <ahttp/web/application.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ahttp::web {

/// Limits on what a client may send (aiohttp's defaults). Exceeding one gets the status
/// named, then the connection is closed.
struct http_limits {
    std::size_t max_line_size = 8190;  ///< request line (414)
    std::size_t max_field_size = 8190; ///< one header field line (431)
    std::size_t max_fields = 128;      ///< number of header fields (431)
};

/// Server timeouts (nginx's and aiohttp's defaults). A connection that exceeds one is closed.
struct server_timeouts {
    /// From the first byte of a request to the end of its head (slowloris; nginx: 60 s).
    std::chrono::milliseconds header_read = std::chrono::seconds{60};
    /// Between two reads of a request body, and two writes of a response.
    std::chrono::milliseconds body_read = std::chrono::seconds{60};
    /// An idle keep-alive connection waiting for its next request (aiohttp: 75 s).
    std::chrono::milliseconds keepalive = std::chrono::seconds{75};
};

/// How and where to serve (aiohttp's run_app arguments).
struct server_options {
    std::string host = "0.0.0.0";
    std::uint16_t port = 8080; ///< 0 picks a free port (see app_runner::port())
    /// Listen on this Unix socket path instead of host:port, when not empty.
    std::string unix_path{};
    /// Worker threads, each with its own event loop and SO_REUSEPORT listener; 0 = one per core.
    std::size_t workers = 1;
    bool reuse_port = false; ///< implied when workers > 1
    int backlog = 1024;
    /// One line per request on stderr, in `access_log_format` (aiohttp's directives:
    /// %a %t %P %r %s %b %T %Tf %D %{Header}i %{Header}o).
    bool access_log = true;
    std::string access_log_format = R"(%a %t "%r" %s %b "%{Referer}i" "%{User-Agent}i")";
    /// Graceful shutdown: how long in-flight requests may run after SIGINT/SIGTERM.
    std::chrono::milliseconds shutdown_timeout = std::chrono::seconds{60};
    /// Stop on SIGINT/SIGTERM (run_app only).
    bool handle_signals = true;
    /// Print "======== Running on http://host:port ========" once listening (run_app only).
    bool print_banner = true;
    http_limits limits{};
    server_timeouts timeouts{};
    /// Refuse connections beyond this many at once per worker (0 = no limit).
    std::size_t max_connections = 0;
    /// Warn on stderr when a worker's event loop was blocked this long (0 = never): a handler
    /// that calls blocking code stalls every connection of its worker; ahttp::to_thread is the
    /// cure. Like asyncio's slow-callback warning, but always on.
    std::chrono::milliseconds loop_stall_warning = std::chrono::milliseconds{500};
};

/// Serves `app` until SIGINT or SIGTERM, then shuts down gracefully: stops accepting, runs
/// on_shutdown, lets in-flight requests finish within shutdown_timeout, closes idle
/// connections, runs cleanup hooks. Blocks the calling thread.
/// @throws web::server_error if the address cannot be bound.
void run_app(application& app, server_options options = {});

/// Thrown when the server cannot listen (address in use, permission denied, bad host).
class server_error : public ahttp::error {
public:
    using ahttp::error::error;
};

/// Embeds a server into an io_context you own (aiohttp's AppRunner + TCPSite in one).
/// Worker 0 runs on the executor given to start(); extra workers get their own threads.
class app_runner {
public:
    app_runner(application& app, server_options options);
    ~app_runner();
    app_runner(app_runner const&) = delete;
    app_runner& operator=(app_runner const&) = delete;

    /// Runs startup hooks, binds, and starts accepting. Returns once listening.
    /// @throws web::server_error if the address cannot be bound.
    awaitable<void> start();
    /// The bound TCP port (useful with port 0).
    std::uint16_t port() const noexcept;
    /// Graceful shutdown as run_app does on a signal; returns when everything has stopped.
    awaitable<void> shutdown();
    /// Number of open connections across workers (approximate while running).
    std::size_t connection_count() const noexcept;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace ahttp::web
