// SPDX-License-Identifier: BSL-1.0
#include "bench/sweep.hpp"
#include "cli.hpp"

#include <numeric>
#include <utility>

namespace ahttp::cli::bench {

std::vector<sweep_row> run_sweep(load_options base, std::size_t from, std::size_t to,
                                 std::uint64_t per_client,
                                 std::function<void(sweep_row const&)> const& on_row)
{
    if (from == 0 || to < from) {
        throw usage_error("--clients: give a range like 1..8 (at least one client)");
    }
    if (per_client == 0) {
        throw usage_error("-n: at least one request per client");
    }
    std::vector<sweep_row> rows;
    for (std::size_t k = from; k <= to; ++k) {
        base.mode = load_mode::threads;
        base.threads = k;
        base.concurrency = k;
        base.requests = per_client * k;
        base.duration = std::chrono::nanoseconds{0};
        base.rate = 0;
        load_report const report = run_load(base);
        sweep_row row;
        row.clients = k;
        row.requests_per_client = per_client;
        if (!report.client_seconds.empty()) {
            double const total =
                std::accumulate(report.client_seconds.begin(), report.client_seconds.end(), 0.0);
            row.seconds_per_1000 = total / static_cast<double>(report.client_seconds.size()) /
                                   static_cast<double>(per_client) * 1000.0;
        }
        row.requests_per_second = report.requests_per_second();
        row.completed = report.completed;
        row.failed = report.failed;
        row.first_error = report.first_error;
        if (on_row) {
            on_row(row);
        }
        rows.push_back(std::move(row));
        if (report.aborted) {
            break; // the server is unreachable: the next rows would say the same
        }
    }
    return rows;
}

} // namespace ahttp::cli::bench
