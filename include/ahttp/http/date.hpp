// SPDX-License-Identifier: BSL-1.0
// HTTP dates (RFC 9110 §5.6.7): IMF-fixdate out, all three historical formats in.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace ahttp::http {

using date_time = std::chrono::sys_seconds;

/// Formats `when` as an IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT". Locale-independent.
std::string format_date(date_time when);

/// Parses an IMF-fixdate, an RFC 850 date ("Sunday, 06-Nov-94 08:49:37 GMT") or an asctime
/// date ("Sun Nov  6 08:49:37 1994"), as RFC 9110 requires recipients to. Returns nullopt
/// for anything else (a malformed date in a conditional request is ignored, not an error).
std::optional<date_time> parse_date(std::string_view text) noexcept;

} // namespace ahttp::http
