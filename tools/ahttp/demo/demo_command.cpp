// SPDX-License-Identifier: BSL-1.0
// `ahttp demo [--quick]`: every seed's experiment in one run, in-process on loopback.
// The run fails (exit 1) when the behaviour a seed is about does not show: awaiting the slow
// upstream must serve two callers together (≥ 1.6× faster than blocking), async must beat
// serial fetching, and every httpbin query must come back with its key.
#include "cli.hpp"
#include "demo/demo.hpp"

#include <cstdio>
#include <memory>
#include <stdexcept>

namespace ahttp::cli {

namespace {

int run_demo(demo::demo_settings const& settings)
{
    auto const start = std::chrono::steady_clock::now();
    demo::microservice_timings const services = demo::run_microservices(settings);
    demo::mass_fetch_timings const fetch = demo::run_mass_fetch(settings);
    std::size_t const matched = demo::run_httpbin_queries(settings);
    demo::run_client_sweep(settings);
    std::printf("\nAll seeds ran in %.1f s.\n", demo::seconds_since(start));
    std::fflush(stdout);

    if (services.blocking < 1.6 * services.async || services.blocking < 1.6 * services.to_thread) {
        throw std::runtime_error("demo: awaiting the upstream was not faster than blocking on it");
    }
    if (fetch.async >= fetch.serial) {
        throw std::runtime_error("demo: async fetching was not faster than serial fetching");
    }
    if (matched != 100) {
        throw std::runtime_error("demo: " + std::to_string(100 - matched) +
                                 " httpbin queries did not come back with their key");
    }
    return exit_ok;
}

} // namespace

void add_demo_command(CLI::App& app, action& chosen)
{
    auto settings = std::make_shared<demo::demo_settings>();
    CLI::App* command = app.add_subcommand(
        "demo", "Run the seeds' experiments against servers embedded in this process: a slow "
                "upstream, 600 GETs serial/threads/async, 100 httpbin queries, a 1..8 client "
                "sweep");
    command->add_flag("--quick", settings->quick, "Smaller request counts (for CI)");
    command->callback([settings, &chosen] { chosen = [settings] { return run_demo(*settings); }; });
}

} // namespace ahttp::cli
