// SPDX-License-Identifier: BSL-1.0
#include "cli.hpp"

#include <ahttp/error.hpp>

#include <cstdio>
#include <exception>
#include <string>

namespace ahttp::cli {

namespace {

/// One line: the tool's name, then the message without trailing newlines.
void print_error(std::string message)
{
    while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) {
        message.pop_back();
    }
    std::fprintf(stderr, "ahttp: %s\n", message.c_str());
}

} // namespace

int run(int argc, char const* const* argv)
{
    CLI::App app{"ahttp: HTTP client, server and load generator built on the ahttp library",
                 "ahttp"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "ahttp 0.1.0");
    action chosen;
    add_request_commands(app, chosen);
    add_serve_command(app, chosen);
    add_httpbin_command(app, chosen);
    add_bench_command(app, chosen);
    add_demo_command(app, chosen);
    add_ws_command(app, chosen);

    try {
        app.parse(argc, argv);
    } catch (CLI::CallForHelp const& e) {
        return app.exit(e);
    } catch (CLI::CallForAllHelp const& e) {
        return app.exit(e);
    } catch (CLI::CallForVersion const& e) {
        return app.exit(e);
    } catch (CLI::ParseError const& e) {
        // CLI11's own report is several lines; ours is one, with a pointer to --help.
        print_error(std::string{e.what()} + " (see ahttp --help)");
        return exit_usage;
    }

    try {
        return chosen ? chosen() : exit_usage;
    } catch (usage_error const& e) {
        print_error(e.what());
        return exit_usage;
    } catch (std::exception const& e) {
        print_error(e.what());
        return exit_failure;
    }
}

} // namespace ahttp::cli
