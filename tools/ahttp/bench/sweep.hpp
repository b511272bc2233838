// SPDX-License-Identifier: BSL-1.0
// The client sweep of the aiohttp docs' table: k clients, each sending N requests in series,
// for k = from..to; the figure is the average time one client took per 1000 requests.
#pragma once

#include "bench/load_generator.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace ahttp::cli::bench {

struct sweep_row {
    std::size_t clients = 0;
    std::uint64_t requests_per_client = 0;
    double seconds_per_1000 = 0;    ///< per client, averaged over the clients
    double requests_per_second = 0; ///< all clients together
    std::uint64_t completed = 0;
    std::uint64_t failed = 0;
    std::string first_error{};
};

/// Runs `base` in threads mode (one thread, event loop and session per client) with
/// k clients × `per_client` requests for each k in [from, to]; `on_row` sees each row as it
/// is done (may be empty). `base.requests`, `duration`, `mode` and `threads` are replaced.
/// @throws cli::usage_error for bad options (as run_load).
std::vector<sweep_row> run_sweep(load_options base, std::size_t from, std::size_t to,
                                 std::uint64_t per_client,
                                 std::function<void(sweep_row const&)> const& on_row = {});

} // namespace ahttp::cli::bench
