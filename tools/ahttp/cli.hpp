// SPDX-License-Identifier: BSL-1.0
// The `ahttp` tool's shared vocabulary: exit statuses, the usage error, and how each
// subcommand plugs into the CLI11 app. Every command is written against <ahttp/...> only.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <stdexcept>

namespace ahttp::cli {

/// Exit statuses. httpie's --check-status gives 4 for an HTTP error status; 2 is the usual
/// "bad command line" status of Unix tools (and CLI11's).
enum exit_status : int {
    exit_ok = 0,
    exit_failure = 1,    ///< a network, TLS, timeout or file error: one line on stderr
    exit_usage = 2,      ///< a bad argument: one line on stderr
    exit_http_error = 4, ///< the server answered with a status outside 2xx
};

/// A command-line mistake found after parsing (a malformed item, an unusable option mix):
/// printed as one line with exit status 2.
class usage_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// What a subcommand does once its arguments are parsed; returns the exit status.
using action = std::function<int()>;

// Each registers its subcommand(s) on `app`; when one is parsed, its action lands in `chosen`.
void add_request_commands(CLI::App& app, action& chosen); // get post put patch delete head options
void add_serve_command(CLI::App& app, action& chosen);
void add_httpbin_command(CLI::App& app, action& chosen);
void add_bench_command(CLI::App& app, action& chosen);
void add_demo_command(CLI::App& app, action& chosen);
void add_ws_command(CLI::App& app, action& chosen);

/// Runs the tool on a command line: parses it, runs the chosen subcommand, and turns every
/// failure into one line on stderr and an exit status (never a crash or a stack of text).
int run(int argc, char const* const* argv);

} // namespace ahttp::cli
