// SPDX-License-Identifier: BSL-1.0
// Runs peer programs (curl, /usr/bin/python3) from tests, with a bounded run time.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace ahttp::test {

struct process_result {
    int exit_code = -1; ///< -1 if killed by the time limit or a signal
    std::string out;    ///< standard output
    std::string err;    ///< standard error
    bool timed_out = false;
};

/// Runs `argv` (argv[0] looked up in PATH) with `input` on stdin, kills it after `limit`.
process_result run_process(std::vector<std::string> const& argv, std::string const& input = {},
                           std::chrono::milliseconds limit = std::chrono::seconds{60});

/// Descriptors open in this process now (entries of /proc/self/fd): compared before and
/// after a test, they show a leaked socket.
std::size_t open_descriptor_count();

/// The Debian python (with requests, aiohttp, httpbin): never the pyenv one first on PATH.
inline constexpr char const* system_python = "/usr/bin/python3";

} // namespace ahttp::test
