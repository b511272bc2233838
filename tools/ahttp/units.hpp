// SPDX-License-Identifier: BSL-1.0
// Durations and sizes as people type and read them: "500ms", "10s", "2m"; "1.5 MiB".
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace ahttp::cli {

/// Parses "250ms", "10s", "1.5s", "2m", "1h", or a bare number of seconds ("30").
/// @throws usage_error naming `option` when the text is not a positive duration.
std::chrono::nanoseconds parse_duration(std::string_view text, std::string_view option);

/// "812us", "3.41ms", "1.20s": three significant digits, the unit that fits.
std::string format_duration(std::chrono::nanoseconds value);

/// "512 B", "3.2 KiB", "1.5 MiB", "2.0 GiB".
std::string format_bytes(std::uint64_t bytes);

} // namespace ahttp::cli
