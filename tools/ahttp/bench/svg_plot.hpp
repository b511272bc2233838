// SPDX-License-Identifier: BSL-1.0
// Self-contained SVG charts for --plot: a run's latency by percentile (HdrHistogram's plot) and
// the sweep's time per 1000 requests by number of clients.
#pragma once

#include "bench/histogram.hpp"
#include "bench/sweep.hpp"

#include <string>
#include <vector>

namespace ahttp::cli::bench {

/// Latency (ms, linear) against percentile on HdrHistogram's axis, where 90%, 99%, 99.9%, ...
/// are equally spaced (x = log10(1 / (1 - p))).
std::string latency_svg(histogram const& latency, std::string const& title);

/// Time per 1000 requests per client (s) against the number of clients.
std::string sweep_svg(std::vector<sweep_row> const& rows, std::string const& title);

/// Writes `svg` to `path`.
/// @throws std::runtime_error naming the path when it cannot be written.
void write_svg(std::string const& path, std::string const& svg);

} // namespace ahttp::cli::bench
