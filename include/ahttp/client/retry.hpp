// SPDX-License-Identifier: BSL-1.0
// client::retry_options: opt-in retries with exponential backoff, jitter and a budget.
#pragma once

#include <chrono>
#include <cstddef>
#include <vector>

namespace ahttp::client {

/// Retries for idempotent requests (GET, HEAD, OPTIONS, PUT, DELETE, TRACE), off by default.
///
/// A request is tried again when it fails to connect or times out (except the total
/// timeout, which bounds all attempts together) or when the response status is in
/// `statuses`. The wait before retry n (from 1) is a random duration in
/// [0, min(max_delay, base_delay · 2^(n-1))] ("full jitter"), or what the response's
/// Retry-After asks (seconds or an HTTP date); a Retry-After longer than max_delay, or a wait
/// that would pass the total deadline, ends the retries and returns the last response.
/// Retries draw from the session's budget: each request adds `budget_ratio` of a token
/// (at most 10 kept), each retry takes one, so a failing server gets at most about
/// budget_ratio extra load rather than attempts-fold.
struct retry_options {
    std::size_t attempts = 0; ///< retries after the first try; 0 = off
    std::chrono::milliseconds base_delay{100};
    std::chrono::milliseconds max_delay{10'000};
    std::vector<unsigned> statuses{429, 500, 502, 503, 504};
    double budget_ratio = 0.2;
};

} // namespace ahttp::client
