// SPDX-License-Identifier: BSL-1.0
// Whether output goes to a person (a TTY) and, if so, in colour (NO_COLOR and TERM=dumb
// turn colour off, as https://no-color.org asks).
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace ahttp::cli {

bool is_terminal(std::FILE* stream);

/// True when `stream` is a TTY and the environment does not ask for plain text.
bool wants_colour(std::FILE* stream);

enum class colour { none, bold, red, green, yellow, blue, cyan, grey };

/// `text` wrapped in the ANSI sequence for `c`, or unchanged when `enabled` is false.
std::string paint(std::string_view text, colour c, bool enabled);

} // namespace ahttp::cli
