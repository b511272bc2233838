// SPDX-License-Identifier: BSL-1.0
// `ahttp serve [DIR]`: the directory over HTTP, as `python3 -m http.server` does, on ahttp's
// server: index.html for directories (a listing otherwise), Range, ETag/Last-Modified and
// conditional requests, precompressed .br/.gz siblings, SIGINT/SIGTERM for a graceful stop.
#include "cli.hpp"

#include <ahttp/web.hpp>

#include <filesystem>
#include <memory>
#include <string>

namespace ahttp::cli {

namespace {

struct serve_settings {
    std::string directory = ".";
    std::string host = "0.0.0.0";
    int port = 8000;
    std::size_t workers = 1;
    bool quiet = false;
};

int serve(serve_settings const& settings)
{
    std::error_code ec;
    std::filesystem::path const root = std::filesystem::canonical(settings.directory, ec);
    if (ec || !std::filesystem::is_directory(root)) {
        throw usage_error(settings.directory + ": not a directory");
    }
    web::application app;
    web::static_options files;
    files.index_file = "index.html";
    files.show_index = true;
    app.router().add_static("/", root, std::move(files));

    web::server_options options;
    options.host = settings.host;
    options.port = static_cast<std::uint16_t>(settings.port);
    options.workers = settings.workers;
    options.access_log = !settings.quiet;
    std::fprintf(stdout, "Serving %s\n", root.c_str());
    std::fflush(stdout);
    web::run_app(app, std::move(options));
    return exit_ok;
}

} // namespace

void add_serve_command(CLI::App& app, action& chosen)
{
    auto settings = std::make_shared<serve_settings>();
    CLI::App* command = app.add_subcommand(
        "serve", "Serve a directory's files over HTTP (index.html, listings, Range, ETag)");
    command->add_option("directory", settings->directory, "Directory to serve")
        ->capture_default_str();
    command->add_option("--host", settings->host, "Address to listen on")->capture_default_str();
    command->add_option("-p,--port", settings->port, "Port (0 picks a free one)")
        ->capture_default_str()
        ->check(CLI::Range(0, 65535));
    command->add_option("-w,--workers", settings->workers, "Worker threads (0 = one per core)")
        ->capture_default_str()
        ->check(CLI::Range(0, 1024));
    command->add_flag("-q,--quiet", settings->quiet, "No access log");
    command->callback([settings, &chosen] { chosen = [settings] { return serve(*settings); }; });
}

} // namespace ahttp::cli
