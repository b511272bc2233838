// SPDX-License-Identifier: BSL-1.0
// `ahttp demo`: the seeds' experiments, each against servers embedded in this process on
// loopback. Each seed is a function that runs its experiment, prints its table and returns
// its figures, so the command (and its test) can check the behaviour the seed is about.
#pragma once

#include <ahttp/awaitable.hpp>
#include <ahttp/client/session.hpp>

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace ahttp::cli::demo {

struct demo_settings {
    bool quick = false; ///< smaller counts, for CI
};

/// Seed 000: two callers at once to a middle service whose upstream answers in 1 s.
struct microservice_timings {
    double blocking = 0;  ///< the middle service blocks its loop on the upstream call (≈ 2 s)
    double async = 0;     ///< it awaits the call (≈ 1 s)
    double to_thread = 0; ///< the blocking call moved to ahttp::to_thread (≈ 1 s)
};
microservice_timings run_microservices(demo_settings const& settings);

/// Seed 002: GETs over 3 paths, serial vs 5 threads vs async.
struct mass_fetch_timings {
    std::size_t requests = 0;
    double serial = 0;
    double threads = 0;
    double async = 0;
};
mass_fetch_timings run_mass_fetch(demo_settings const& settings);

/// Seed 003: 100 GETs with ?key=i to the embedded httpbin's /get; returns how many came back
/// 200 with their own key.
std::size_t run_httpbin_queries(demo_settings const& settings);

/// Seed 004: 1..8 concurrent clients, each sending its requests one after another.
struct sweep_row {
    std::size_t clients = 0;
    double seconds_per_1000 = 0; ///< the average client's time for 1000 requests
};
std::vector<sweep_row> run_client_sweep(demo_settings const& settings);

// ---- shared by the seeds ------------------------------------------------------------------

/// GET `url` through `session`; throws for a status ≥ 400; returns the body as text.
awaitable<std::string> get_text(client::session& session, std::string url);

/// A blocking GET, like the seeds' `requests.get`: a session on an event loop of its own
/// that the calling thread runs until the answer is in.
std::string blocking_get(std::string const& url);

double seconds_since(std::chrono::steady_clock::time_point start);

} // namespace ahttp::cli::demo
