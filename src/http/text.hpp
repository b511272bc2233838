// SPDX-License-Identifier: BSL-1.0
// Small ASCII text helpers shared by the header-value parsers (private): OWS trimming and
// locale-free lower-casing.
#pragma once

#include <string>
#include <string_view>

namespace ahttp::http::detail {

/// Optional whitespace: spaces and horizontal tabs (RFC 9110 §5.6.3).
constexpr bool is_ows(char c) noexcept
{
    return c == ' ' || c == '\t';
}

/// `s` without leading and trailing OWS.
constexpr std::string_view trim_ows(std::string_view s) noexcept
{
    while (!s.empty() && is_ows(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && is_ows(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

/// The value of a hexadecimal digit, or -1 if `c` is not one (percent-escapes, RFC 3986).
constexpr int hex_value(char c) noexcept
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/// Lower-cases ASCII letters in place; other bytes (and the C locale) are left alone.
inline void lower_ascii_in_place(std::string& s) noexcept
{
    for (char& c : s) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
}

/// A copy of `s` with ASCII letters lower-cased.
inline std::string lower_ascii(std::string_view s)
{
    std::string out{s};
    lower_ascii_in_place(out);
    return out;
}

/// Whether a decoded host name is one a resolver and TLS read as we do: not empty, with no
/// control byte (a percent-encoded NUL, CR or LF) and no space.
inline bool is_clean_host(std::string_view host) noexcept
{
    if (host.empty()) {
        return false;
    }
    for (char const c : host) {
        auto const byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte == 0x7F) {
            return false;
        }
    }
    return true;
}

} // namespace ahttp::http::detail
