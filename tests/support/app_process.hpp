// SPDX-License-Identifier: BSL-1.0
// A program built on run_app, as a child process: its port from the banner, a clean stop.
#pragma once

#include "support/running_process.hpp"

#include <chrono>
#include <cstdint>
#include <regex>

namespace ahttp::test {

/// "======== Running on http://127.0.0.1:PORT ========", with PORT as group 1.
std::regex const& run_app_banner();

/// Waits for `server`'s banner and returns the port it names; 0 (and a test failure
/// carrying the child's output) when none comes within `limit`.
std::uint16_t wait_for_banner(running_process& server,
                              std::chrono::milliseconds limit = std::chrono::seconds{20});

/// SIGINT, then expects exit status 0 within 30 s. Have the server answer one request first:
/// run_app prints its banner just before it installs its signal handler, so a SIGINT sent
/// the moment the banner appears can kill the process outright.
void stop_cleanly(running_process& server);

} // namespace ahttp::test
