// SPDX-License-Identifier: BSL-1.0
// `ahttp httpbin [--host H] [--port P] [--workers N] [--quiet]`: serves the httpbin
// application until SIGINT or SIGTERM, then drains and exits 0.
#include "cli.hpp"
#include "httpbin/httpbin_app.hpp"

#include <ahttp/web/application.hpp>
#include <ahttp/web/run_app.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace ahttp::cli {

namespace {

struct httpbin_settings {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;
    std::size_t workers = 1;
    bool quiet = false;
};

int run_httpbin(httpbin_settings const& settings)
{
    // httpbin takes uploads of any size; 16 MiB keeps a test peer useful without letting
    // one request hold an unbounded body in memory.
    web::application_options app_options;
    app_options.client_max_size = std::size_t{16} << 20;
    web::application app{app_options};
    install_httpbin(app);

    web::server_options options;
    options.host = settings.host;
    options.port = settings.port;
    options.workers = settings.workers;
    options.access_log = !settings.quiet;
    // Prints "======== Running on http://HOST:PORT ========" (the bound port, also with
    // --port 0), blocks until SIGINT/SIGTERM, then shuts down gracefully.
    web::run_app(app, options);
    return exit_ok;
}

} // namespace

void add_httpbin_command(CLI::App& app, action& chosen)
{
    auto settings = std::make_shared<httpbin_settings>();
    CLI::App* command = app.add_subcommand(
        "httpbin", "Serve an httpbin-compatible application (python3-httpbin's endpoints)");
    command->add_option("--host", settings->host, "Address to listen on")->capture_default_str();
    command->add_option("--port,-p", settings->port, "TCP port; 0 picks a free one")
        ->capture_default_str()
        ->check(CLI::Range(0, 65535));
    command
        ->add_option("--workers,-w", settings->workers,
                     "Worker threads, each with its own event loop; 0 = one per core")
        ->capture_default_str();
    command->add_flag("--quiet,-q", settings->quiet, "No access log on stderr");
    command->callback(
        [settings, &chosen] { chosen = [settings] { return run_httpbin(*settings); }; });
}

} // namespace ahttp::cli
