// SPDX-License-Identifier: BSL-1.0
#include "terminal.hpp"

#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace ahttp::cli {

bool is_terminal(std::FILE* stream)
{
    return ::isatty(::fileno(stream)) == 1;
}

bool wants_colour(std::FILE* stream)
{
    char const* no_colour = std::getenv("NO_COLOR");
    char const* term = std::getenv("TERM");
    if ((no_colour != nullptr && *no_colour != '\0') ||
        (term != nullptr && std::strcmp(term, "dumb") == 0)) {
        return false;
    }
    return is_terminal(stream);
}

std::string paint(std::string_view text, colour c, bool enabled)
{
    if (!enabled || c == colour::none) {
        return std::string{text};
    }
    char const* code = "";
    switch (c) {
    case colour::bold:
        code = "1";
        break;
    case colour::red:
        code = "31";
        break;
    case colour::green:
        code = "32";
        break;
    case colour::yellow:
        code = "33";
        break;
    case colour::blue:
        code = "34";
        break;
    case colour::cyan:
        code = "36";
        break;
    case colour::grey:
        code = "90";
        break;
    case colour::none:
        break;
    }
    std::string out = "\x1b[";
    out += code;
    out += 'm';
    out += text;
    out += "\x1b[0m";
    return out;
}

} // namespace ahttp::cli
