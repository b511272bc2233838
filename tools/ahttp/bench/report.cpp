// SPDX-License-Identifier: BSL-1.0
#include "bench/report.hpp"
#include "units.hpp"

#include <boost/json/array.hpp>

#include <cstdio>

namespace ahttp::cli::bench {

namespace {

std::string printf_string(char const* format, auto... args)
{
    char text[256];
    std::snprintf(text, sizeof text, format, args...);
    return text;
}

std::string duration_text(double nanoseconds)
{
    return format_duration(std::chrono::nanoseconds{static_cast<std::int64_t>(nanoseconds)});
}

double micros(std::chrono::nanoseconds value)
{
    return static_cast<double>(value.count()) / 1e3;
}

std::string percentile_key(double p)
{
    // 99.9 -> "p99_9", 50 -> "p50"
    std::string key = printf_string("p%g", p);
    for (char& c : key) {
        if (c == '.') {
            c = '_';
        }
    }
    return key;
}

} // namespace

std::string format_text(load_options const& o, load_report const& r)
{
    std::string out;
    if (o.duration.count() != 0) {
        out += "Running " + format_duration(o.duration) + " test @ " + o.url + "\n";
    } else {
        out +=
            printf_string("Running %llu requests @ ", static_cast<unsigned long long>(o.requests)) +
            o.url + "\n";
    }
    out += std::string{"  mode "} + to_string(o.mode);
    switch (o.mode) {
    case load_mode::async:
        out += printf_string(", %zu connections", o.concurrency);
        break;
    case load_mode::threads:
        out += printf_string(", %zu threads", o.threads != 0 ? o.threads : o.concurrency);
        break;
    case load_mode::serial:
        break;
    }
    if (o.rate > 0) {
        out += printf_string(", rate %g req/s (latency from the intended send time)", o.rate);
    }
    out += "\n";

    histogram const& h = r.latency;
    out += "  Latency      mean       stdev      max\n";
    out += printf_string("             %-10s %-10s %s\n", duration_text(h.mean_ns()).c_str(),
                         duration_text(h.stdev_ns()).c_str(), format_duration(h.max()).c_str());
    out += "  Latency distribution\n";
    for (double const p : reported_percentiles) {
        out += printf_string("    %7.3f%%  %s\n", p,
                             format_duration(h.value_at_percentile(p)).c_str());
    }
    out += printf_string(
        "  %llu requests in %s, %s read\n", static_cast<unsigned long long>(r.completed),
        duration_text(r.elapsed_seconds * 1e9).c_str(), format_bytes(r.bytes).c_str());
    out += printf_string("Requests/sec: %10.2f\n", r.requests_per_second());
    double const bytes_per_second =
        r.elapsed_seconds > 0 ? static_cast<double>(r.bytes) / r.elapsed_seconds : 0.0;
    out += "Transfer/sec: " + format_bytes(static_cast<std::uint64_t>(bytes_per_second)) + "\n";
    if (o.rate > 0 && r.requests_per_second() < 0.9 * o.rate) {
        out += printf_string(
            "  Rate below the target of %g req/s: the server or -c cannot keep up\n", o.rate);
    }
    out += "Status codes:";
    if (r.status_counts.empty()) {
        out += " none";
    }
    for (auto const& [code, count] : r.status_counts) {
        out += printf_string(" %u: %llu", code, static_cast<unsigned long long>(count));
    }
    out += "\n";
    if (r.http_errors != 0) {
        out += printf_string("  Non-2xx or 3xx responses: %llu\n",
                             static_cast<unsigned long long>(r.http_errors));
    }
    if (r.failed != 0) {
        out += printf_string("  Socket errors: connect %llu, read %llu, timeout %llu, other %llu\n",
                             static_cast<unsigned long long>(r.errors.connect),
                             static_cast<unsigned long long>(r.errors.read),
                             static_cast<unsigned long long>(r.errors.timeout),
                             static_cast<unsigned long long>(r.errors.other));
        out += "  First error: " + r.first_error + "\n";
    }
    std::uint64_t const sent = r.completed + r.failed;
    if (sent != 0) {
        out += printf_string("CPU/request:  %.2fus (sending threads, user + system)\n",
                             r.cpu_seconds * 1e6 / static_cast<double>(sent));
    }
    return out;
}

boost::json::object to_json(load_options const& o, load_report const& r)
{
    histogram const& h = r.latency;
    boost::json::object latency;
    latency["min"] = micros(h.min());
    latency["mean"] = h.mean_ns() / 1e3;
    latency["stdev"] = h.stdev_ns() / 1e3;
    for (double const p : reported_percentiles) {
        latency[percentile_key(p)] = micros(h.value_at_percentile(p));
    }
    latency["max"] = micros(h.max());
    boost::json::object status;
    for (auto const& [code, count] : r.status_counts) {
        status[std::to_string(code)] = count;
    }
    boost::json::object errors;
    errors["connect"] = r.errors.connect;
    errors["timeout"] = r.errors.timeout;
    errors["read"] = r.errors.read;
    errors["other"] = r.errors.other;
    errors["status_4xx_5xx"] = r.http_errors;

    boost::json::object out;
    out["url"] = o.url;
    out["mode"] = to_string(o.mode);
    out["concurrency"] = o.mode == load_mode::async ? o.concurrency : std::size_t{1};
    out["threads"] = o.mode == load_mode::threads ? (o.threads != 0 ? o.threads : o.concurrency)
                                                  : std::size_t{1};
    if (o.rate > 0) {
        out["rate"] = o.rate;
    } else {
        out["rate"] = nullptr;
    }
    out["elapsed_s"] = r.elapsed_seconds;
    out["completed"] = r.completed;
    out["failed"] = r.failed;
    out["requests_per_sec"] = r.requests_per_second();
    out["bytes"] = r.bytes;
    out["bytes_per_sec"] =
        r.elapsed_seconds > 0 ? static_cast<double>(r.bytes) / r.elapsed_seconds : 0.0;
    out["latency_us"] = std::move(latency);
    out["status"] = std::move(status);
    out["errors"] = std::move(errors);
    if (!r.first_error.empty()) {
        out["first_error"] = r.first_error;
    }
    out["cpu_s"] = r.cpu_seconds;
    std::uint64_t const sent = r.completed + r.failed;
    out["cpu_us_per_request"] = sent != 0 ? r.cpu_seconds * 1e6 / static_cast<double>(sent) : 0.0;
    return out;
}

std::string format_sweep_heading(load_options const& o, std::uint64_t per_client)
{
    return "Sweep @ " + o.url +
           printf_string(": each client sends %llu requests in series (own thread and session)\n",
                         static_cast<unsigned long long>(per_client)) +
           "Clients  Time per 1000 requests  Requests/sec  Failed\n";
}

std::string format_sweep_row(sweep_row const& row)
{
    return printf_string("%7zu  %20.3fs  %12.1f  %6llu\n", row.clients, row.seconds_per_1000,
                         row.requests_per_second, static_cast<unsigned long long>(row.failed));
}

boost::json::object sweep_to_json(load_options const& o, std::uint64_t per_client,
                                  std::vector<sweep_row> const& rows)
{
    boost::json::array array;
    for (sweep_row const& row : rows) {
        boost::json::object item;
        item["clients"] = row.clients;
        item["seconds_per_1000"] = row.seconds_per_1000;
        item["requests_per_sec"] = row.requests_per_second;
        item["completed"] = row.completed;
        item["failed"] = row.failed;
        array.push_back(std::move(item));
    }
    boost::json::object out;
    out["url"] = o.url;
    out["requests_per_client"] = per_client;
    out["rows"] = std::move(array);
    return out;
}

} // namespace ahttp::cli::bench
