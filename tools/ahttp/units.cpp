// SPDX-License-Identifier: BSL-1.0
#include "cli.hpp"
#include "units.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>

namespace ahttp::cli {

std::chrono::nanoseconds parse_duration(std::string_view text, std::string_view option)
{
    auto const fail = [&]() -> std::chrono::nanoseconds {
        throw usage_error(std::string{option} + ": '" + std::string{text} +
                          "' is not a duration (examples: 500ms, 10s, 2m)");
    };
    double number = 0;
    auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec != std::errc{} || !std::isfinite(number) || number <= 0) {
        return fail();
    }
    std::string_view const unit{end, static_cast<std::size_t>(text.data() + text.size() - end)};
    double scale = 0; // nanoseconds per unit
    if (unit.empty() || unit == "s") {
        scale = 1e9;
    } else if (unit == "ms") {
        scale = 1e6;
    } else if (unit == "us") {
        scale = 1e3;
    } else if (unit == "m") {
        scale = 60e9;
    } else if (unit == "h") {
        scale = 3600e9;
    } else {
        return fail();
    }
    double const nanoseconds = number * scale;
    if (nanoseconds < 1 || nanoseconds > 1e18) {
        return fail();
    }
    return std::chrono::nanoseconds{static_cast<std::int64_t>(nanoseconds)};
}

std::string format_duration(std::chrono::nanoseconds value)
{
    double const ns = static_cast<double>(value.count());
    char text[32];
    if (ns < 1e3) {
        std::snprintf(text, sizeof text, "%.0fns", ns);
    } else if (ns < 1e6) {
        std::snprintf(text, sizeof text,
                      ns < 1e4   ? "%.2fus"
                      : ns < 1e5 ? "%.1fus"
                                 : "%.0fus",
                      ns / 1e3);
    } else if (ns < 1e9) {
        std::snprintf(text, sizeof text,
                      ns < 1e7   ? "%.2fms"
                      : ns < 1e8 ? "%.1fms"
                                 : "%.0fms",
                      ns / 1e6);
    } else {
        std::snprintf(text, sizeof text, "%.2fs", ns / 1e9);
    }
    return text;
}

std::string format_bytes(std::uint64_t bytes)
{
    char text[32];
    if (bytes < 1024) {
        std::snprintf(text, sizeof text, "%llu B", static_cast<unsigned long long>(bytes));
        return text;
    }
    static constexpr char const* units[] = {"KiB", "MiB", "GiB", "TiB"};
    double value = static_cast<double>(bytes) / 1024;
    std::size_t unit = 0;
    while (value >= 1024 && unit + 1 < std::size(units)) {
        value /= 1024;
        ++unit;
    }
    std::snprintf(text, sizeof text, "%.1f %s", value, units[unit]);
    return text;
}

} // namespace ahttp::cli
