// SPDX-License-Identifier: BSL-1.0
// Loopback ports for peers that cannot listen on port 0 and report it (nginx).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ahttp::test {

/// Picks `count` distinct free 127.0.0.1 ports: binds that many sockets to port 0 at once,
/// reads the ports the kernel chose, then closes them. Another process could take one before
/// the peer binds it; the kernel hands ephemeral ports out in turn, so that is rare.
std::vector<std::uint16_t> free_ports(std::size_t count);

/// One free 127.0.0.1 port (see free_ports).
std::uint16_t free_port();

/// True if something accepts TCP connections on 127.0.0.1:`port` now.
bool accepts_connections(std::uint16_t port);

} // namespace ahttp::test
