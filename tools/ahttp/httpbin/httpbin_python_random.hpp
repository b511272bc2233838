// SPDX-License-Identifier: BSL-1.0
// Python's `random` module as httpbin's /bytes and /stream-bytes use it, so that a `seed`
// gives the very bytes python3-httpbin gives.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string_view>

namespace ahttp::cli::httpbin {

/// A Mersenne Twister seeded the way CPython's random.seed(int) seeds it.
class python_random {
public:
    /// Seeded from the system's entropy: bytes that no seed reproduces.
    python_random();

    /// Seeded as random.seed(n) for the integer written in `decimal` (optional sign, any
    /// length; the sign is ignored as CPython ignores it). nullopt if it is not an integer.
    static std::optional<python_random> from_seed(std::string_view decimal);

    /// random.randint(0, 255).
    unsigned char next_byte();

private:
    explicit python_random(std::mt19937 engine) : engine_(engine) {}
    std::mt19937 engine_;
};

} // namespace ahttp::cli::httpbin
