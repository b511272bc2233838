// SPDX-License-Identifier: BSL-1.0
// A run's summary for people (wrk's layout) and for programs (JSON), and the sweep's table.
#pragma once

#include "bench/load_generator.hpp"
#include "bench/sweep.hpp"

#include <boost/json/object.hpp>

#include <string>
#include <vector>

namespace ahttp::cli::bench {

/// The percentiles every summary shows.
inline constexpr double reported_percentiles[] = {50.0, 75.0, 90.0, 99.0, 99.9, 99.99};

/// The summary of a run, several lines ending in '\n'.
std::string format_text(load_options const& options, load_report const& report);

/// The summary as JSON: url, mode, concurrency, threads, rate, elapsed_s, completed, failed,
/// requests_per_sec, bytes, bytes_per_sec, latency_us {min mean stdev p50 p75 p90 p99 p99_9
/// p99_99 max}, status {"200": n}, errors {connect timeout read other status_4xx_5xx},
/// cpu_s, cpu_us_per_request.
boost::json::object to_json(load_options const& options, load_report const& report);

/// The sweep table's heading line and one line per row.
std::string format_sweep_heading(load_options const& options, std::uint64_t per_client);
std::string format_sweep_row(sweep_row const& row);

/// {"url", "requests_per_client", "rows": [{clients, seconds_per_1000, requests_per_sec,
/// completed, failed}]}.
boost::json::object sweep_to_json(load_options const& options, std::uint64_t per_client,
                                  std::vector<sweep_row> const& rows);

} // namespace ahttp::cli::bench
