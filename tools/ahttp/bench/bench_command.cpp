// SPDX-License-Identifier: BSL-1.0
// `ahttp bench URL`: the load generator's command line (wrk/wrk2-style runs and the aiohttp
// docs' client sweep). The work is in load_generator, sweep, report and svg_plot.
#include "bench/load_generator.hpp"
#include "bench/report.hpp"
#include "bench/svg_plot.hpp"
#include "bench/sweep.hpp"
#include "cli.hpp"
#include "progress_bar.hpp"
#include "units.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace ahttp::cli {

namespace {

using bench::load_mode;
using bench::load_options;

/// What the command line says, before it is checked.
struct bench_args {
    std::string url;
    long long requests = 0;
    std::string duration;
    long long concurrency = 10;
    std::string mode = "async";
    long long threads = 0;
    double rate = 0;
    std::string method;
    std::vector<std::string> headers;
    std::string body;
    std::string body_file;
    std::string clients;
    bool http10 = false;
    bool no_keepalive = false;
    std::string timeout = "10s";
    bool json = false;
    std::string plot;

    CLI::Option* requests_option = nullptr;
    CLI::Option* duration_option = nullptr;
    CLI::Option* rate_option = nullptr;
    CLI::Option* threads_option = nullptr;
    CLI::Option* body_option = nullptr;
};

std::string_view trim(std::string_view text)
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    return text;
}

std::size_t parse_count(std::string_view text, std::string_view option)
{
    std::size_t value = 0;
    auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value == 0) {
        throw usage_error(std::string{option} + ": '" + std::string{text} +
                          "' is not a positive number");
    }
    return value;
}

/// "1..8" or "3" (3..3).
std::pair<std::size_t, std::size_t> parse_range(std::string const& text)
{
    auto const dots = text.find("..");
    std::size_t const from = parse_count(text.substr(0, dots), "--clients");
    std::size_t const to =
        dots == std::string::npos ? from : parse_count(text.substr(dots + 2), "--clients");
    if (to < from || to > 256) {
        throw usage_error("--clients: '" + text + "' is not a range like 1..8 (at most 256)");
    }
    return {from, to};
}

std::string read_body_file(std::string const& path)
{
    std::ifstream file{path, std::ios::binary};
    if (!file) {
        throw usage_error("--body-file: cannot read '" + path + "'");
    }
    std::ostringstream content;
    content << file.rdbuf();
    if (file.bad()) {
        throw usage_error("--body-file: cannot read '" + path + "'");
    }
    return content.str();
}

/// Turns the command line into load options; throws usage_error for the first mistake.
load_options make_options(bench_args const& a)
{
    load_options o;
    o.url = a.url;
    bool const by_count = a.requests_option->count() != 0;
    bool const by_time = a.duration_option->count() != 0;
    if (by_count && by_time) {
        throw usage_error("-n and -d: give one of them, not both");
    }
    if (by_count && a.requests <= 0) {
        throw usage_error("-n: the number of requests must be at least 1");
    }
    if (a.concurrency <= 0) {
        throw usage_error("-c: the concurrency must be at least 1");
    }
    o.concurrency = static_cast<std::size_t>(a.concurrency);
    if (a.mode == "async") {
        o.mode = load_mode::async;
    } else if (a.mode == "threads") {
        o.mode = load_mode::threads;
    } else if (a.mode == "serial") {
        o.mode = load_mode::serial;
    } else {
        throw usage_error("--mode: '" + a.mode + "' is not async, threads or serial");
    }
    if (a.threads_option->count() != 0) {
        if (a.threads <= 0 || a.threads > 1024) {
            throw usage_error("--threads: between 1 and 1024");
        }
        if (o.mode != load_mode::threads && a.clients.empty()) {
            throw usage_error("--threads goes with --mode threads");
        }
        o.threads = static_cast<std::size_t>(a.threads);
    }
    if (a.rate_option->count() != 0) {
        if (!(a.rate > 0) || a.rate > 1e9) {
            throw usage_error("--rate: the rate must be a positive number of requests per second");
        }
        o.rate = a.rate;
    }
    o.timeout = parse_duration(a.timeout, "--timeout");
    if (by_count) {
        o.requests = static_cast<std::uint64_t>(a.requests);
    } else if (by_time) {
        o.duration = parse_duration(a.duration, "-d");
    } else if (a.clients.empty()) {
        o.duration = std::chrono::seconds{10}; // wrk's default
    }
    if (!a.clients.empty()) {
        if (by_time || a.rate_option->count() != 0) {
            throw usage_error("--clients sends -n requests per client: no -d or --rate with it");
        }
        if (!by_count) {
            o.requests = 1000; // per client, as in the aiohttp docs' table
        }
    }
    if (!a.method.empty()) {
        std::string upper = a.method;
        std::transform(upper.begin(), upper.end(), upper.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        o.method = http::method_from_string(upper);
        if (o.method == http::method::unknown || o.method == http::method::connect) {
            throw usage_error("-m: '" + a.method + "' is not a method the client sends");
        }
    }
    for (std::string const& header : a.headers) {
        auto const colon = header.find(':');
        std::string_view const name =
            trim(std::string_view{header}.substr(0, std::min(colon, header.size())));
        if (colon == std::string::npos || name.empty() ||
            name.find_first_of(" \t\r\n") != std::string_view::npos) {
            throw usage_error("-H: '" + header + "' is not 'Name: value'");
        }
        o.headers.emplace_back(name, trim(std::string_view{header}.substr(colon + 1)));
    }
    if (a.body_option->count() != 0 && !a.body_file.empty()) {
        throw usage_error("--body and --body-file: give one of them, not both");
    }
    if (a.body_option->count() != 0) {
        o.body = a.body;
    } else if (!a.body_file.empty()) {
        o.body = read_body_file(a.body_file);
    }
    if (o.body && a.method.empty()) {
        o.method = http::method::post; // as ab -p and curl -d do
    }
    o.keepalive = !a.no_keepalive;
    o.http10 = a.http10;
    bench::validate(o);
    return o;
}

/// Creates the plot file now, so that a bad path fails before the run, not after it.
void check_plot_path(std::string const& path)
{
    if (path.empty()) {
        return;
    }
    std::ofstream file{path, std::ios::binary | std::ios::trunc};
    if (!file) {
        throw usage_error("--plot: cannot write '" + path + "'");
    }
}

int run_sweep_command(bench_args const& a, load_options const& o)
{
    auto const [from, to] = parse_range(a.clients);
    std::uint64_t const per_client = o.requests;
    check_plot_path(a.plot);
    if (!a.json) {
        std::fputs(bench::format_sweep_heading(o, per_client).c_str(), stdout);
        std::fflush(stdout);
    }
    std::vector<bench::sweep_row> const rows =
        bench::run_sweep(o, from, to, per_client, [&a](bench::sweep_row const& row) {
            if (!a.json) {
                std::fputs(bench::format_sweep_row(row).c_str(), stdout);
                std::fflush(stdout);
            }
        });
    if (!rows.empty() && rows.back().completed == 0) {
        throw std::runtime_error("no response: " + rows.back().first_error);
    }
    if (a.json) {
        std::printf("%s\n",
                    boost::json::serialize(bench::sweep_to_json(o, per_client, rows)).c_str());
    }
    if (!a.plot.empty()) {
        bench::write_svg(
            a.plot, bench::sweep_svg(rows, "ahttp bench --clients " + a.clients + " @ " + o.url));
    }
    return exit_ok;
}

int run_bench(bench_args const& a)
{
    load_options options = make_options(a);
    if (!a.clients.empty()) {
        return run_sweep_command(a, options);
    }
    check_plot_path(a.plot);
    std::optional<std::uint64_t> total;
    if (options.requests != 0) {
        total = options.requests;
    }
    progress_bar bar{"bench", total, false};
    if (bar.visible()) {
        options.on_progress = [&bar](std::uint64_t done) { bar.update(done); };
    }
    bench::load_report const report = bench::run_load(options);
    bar.finish();
    if (report.completed == 0) {
        throw std::runtime_error("no response: " + (report.first_error.empty()
                                                        ? std::string{"nothing was sent"}
                                                        : report.first_error));
    }
    if (a.json) {
        std::printf("%s\n", boost::json::serialize(bench::to_json(options, report)).c_str());
    } else {
        std::fputs(bench::format_text(options, report).c_str(), stdout);
    }
    if (!a.plot.empty()) {
        bench::write_svg(a.plot, bench::latency_svg(report.latency, "ahttp bench " + options.url));
    }
    return exit_ok;
}

} // namespace

void add_bench_command(CLI::App& app, action& chosen)
{
    auto args = std::make_shared<bench_args>();
    CLI::App* cmd = app.add_subcommand(
        "bench", "Load-test a URL (wrk-style): throughput, latency percentiles, errors");
    cmd->add_option("url", args->url, "http:// or https:// URL")->required();
    args->requests_option =
        cmd->add_option("-n,--requests", args->requests,
                        "Number of requests (with --clients: per client, default 1000)");
    args->duration_option =
        cmd->add_option("-d,--duration", args->duration, "Run time, e.g. 10s (default 10s)");
    cmd->add_option("-c,--concurrency", args->concurrency,
                    "Requests in flight (connections) in async mode; threads in threads mode "
                    "unless --threads")
        ->capture_default_str();
    cmd->add_option("--mode", args->mode,
                    "async (one event loop), threads (a thread and loop per client), serial")
        ->capture_default_str();
    args->threads_option =
        cmd->add_option("--threads", args->threads, "Threads in --mode threads (default: -c)");
    args->rate_option = cmd->add_option(
        "--rate", args->rate,
        "Constant total rate in requests/s (wrk2): latency counts from the intended send time");
    cmd->add_option("-m,--method", args->method, "Request method (default GET, POST with a body)");
    cmd->add_option("-H,--header", args->headers, "A request header 'Name: value' (repeatable)");
    args->body_option = cmd->add_option("--body", args->body, "Request body text");
    cmd->add_option("--body-file", args->body_file, "Request body from a file");
    cmd->add_option("--clients", args->clients,
                    "Sweep: for k in a range like 1..8, k clients each sending -n requests in "
                    "series; prints time per 1000 requests per client");
    cmd->add_flag("--http1.0", args->http10,
                  "Send HTTP/1.0 requests (with Connection: keep-alive unless --no-keepalive)");
    cmd->add_flag("--no-keepalive", args->no_keepalive,
                  "A new connection per request (Connection: close)");
    cmd->add_option("--timeout", args->timeout, "Per-request deadline, body included")
        ->capture_default_str();
    cmd->add_flag("--json", args->json, "Print a JSON summary on stdout instead of text");
    cmd->add_option("--plot", args->plot,
                    "Write an SVG chart: latency by percentile, or the sweep's curve");
    cmd->callback([args, &chosen] { chosen = [args] { return run_bench(*args); }; });
}

} // namespace ahttp::cli
