// SPDX-License-Identifier: BSL-1.0
// client::client_timeout: aiohttp's four ClientTimeout deadlines.
#pragma once

#include <chrono>
#include <optional>

namespace ahttp::client {

/// A deadline value that disables the deadline (aiohttp's `None`).
inline constexpr std::chrono::steady_clock::duration no_timeout =
    std::chrono::steady_clock::duration::max();

/// The deadlines of a request (aiohttp's ClientTimeout). A field left empty inherits: a
/// request's from its session's, a session's from the defaults (total 5 min, sock_connect 30 s,
/// the others off — aiohttp's). Set a field to `no_timeout` to turn it off.
///
/// Expiry throws client::timeout_error naming the phase. What each covers:
/// - `total`: the whole request, from the call until the body has been read (redirects
///   included); a body read after it passed fails too.
/// - `connect`: getting a connection — waiting for a pool slot, DNS, TCP connect — not
///   spent when an idle pooled connection is reused.
/// - `sock_connect`: each TCP connection attempt on its own.
/// - `sock_read`: the longest wait for the next bytes of the response (head or body).
///
/// Finer phases, beyond aiohttp (all off by default), for those who need them:
/// - `pool_wait`: waiting for a slot when the pool's limits are reached.
/// - `dns`: resolving the host name (a cached answer takes no time).
/// - `tls_handshake`: the TLS handshake of a new https connection.
/// - `first_byte`: from the request sent until the first byte of the response.
/// @par Example
///   session.get(url, {.timeout = {.total = 3s}});   // sock_connect etc. from the session
struct client_timeout {
    std::optional<std::chrono::steady_clock::duration> total{};
    std::optional<std::chrono::steady_clock::duration> connect{};
    std::optional<std::chrono::steady_clock::duration> sock_connect{};
    std::optional<std::chrono::steady_clock::duration> sock_read{};
    std::optional<std::chrono::steady_clock::duration> pool_wait{};
    std::optional<std::chrono::steady_clock::duration> dns{};
    std::optional<std::chrono::steady_clock::duration> tls_handshake{};
    std::optional<std::chrono::steady_clock::duration> first_byte{};
};

/// aiohttp's DEFAULT_TIMEOUT: total 5 minutes, sock_connect 30 seconds.
inline client_timeout default_timeout()
{
    using namespace std::chrono_literals;
    return {.total = 300s,
            .connect = no_timeout,
            .sock_connect = 30s,
            .sock_read = no_timeout,
            .pool_wait = no_timeout,
            .dns = no_timeout,
            .tls_handshake = no_timeout,
            .first_byte = no_timeout};
}

} // namespace ahttp::client
