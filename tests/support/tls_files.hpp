// SPDX-License-Identifier: BSL-1.0
// Certificates made by the openssl command for TLS tests (no key or certificate is checked in),
// and a CONNECT proxy script that relays to a local port.
#pragma once

#include "support/scripted_server.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace ahttp::test {

/// Runs `openssl args…` in `dir` ("@name" arguments become paths in `dir`); a failure is a
/// test failure.
void openssl(std::vector<std::string> args, std::filesystem::path const& dir);

/// Makes, in `dir`: ca.pem/ca.key (a test CA) and server.pem/server.key (signed by it, for
/// localhost and 127.0.0.1, valid 2 days). server.csr and local.ext stay for more signing.
void make_test_ca_and_server_certificate(std::filesystem::path const& dir);

/// A scripted CONNECT proxy's script: answers 200 and relays bytes both ways to
/// 127.0.0.1:`port` until either side closes (bounded by 10 s of silence). `seen` gets the
/// request line.
void relay_to(scripted_connection& c, std::uint16_t port, std::string& seen);

} // namespace ahttp::test
