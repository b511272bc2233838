// SPDX-License-Identifier: BSL-1.0
// Connecting to the first address that answers, racing them as RFC 8305 ("happy eyeballs v2")
// describes: families interleaved, a new attempt every 250 ms or as soon as one fails.
#pragma once

#include "client/connection.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <optional>
#include <vector>

namespace ahttp::client::detail {

struct race_result {
    std::optional<stream_socket> socket; ///< the winner, connected
    error_code last;                     ///< the last failure, when there is no winner
    bool attempt_timed_out = false;      ///< some attempt hit its per-attempt deadline
};

/// RFC 8305 §4: IPv6 and IPv4 addresses alternate, starting with the resolver's first.
std::vector<boost::asio::ip::tcp::endpoint>
interleave_families(std::vector<boost::asio::ip::tcp::endpoint> const& endpoints);

/// Connects to one of `endpoints` (in order, interleaved by the caller): starts the first
/// attempt, then the next one after `stagger` or when one fails, until one connects; the
/// others are closed. Each attempt is bounded by `per_attempt` (no_timeout: none). When
/// cancelled (a surrounding deadline), every attempt is closed before it returns.
awaitable<race_result> race_connect(std::vector<boost::asio::ip::tcp::endpoint> endpoints,
                                    clock::duration per_attempt,
                                    clock::duration stagger = std::chrono::milliseconds{250});

} // namespace ahttp::client::detail
