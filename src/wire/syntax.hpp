// SPDX-License-Identifier: BSL-1.0
// The byte-level grammar shared by the request and response parsers (RFC 9110 §5, RFC 9112):
// character classes, tokens, list elements. Internal to the wire module.
#pragma once

#include "http/text.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace ahttp::wire::syntax {

// Character classes, one bit each, looked up once per byte in the scanning loops.
inline constexpr unsigned char cc_tchar = 1;  // RFC 9110 §5.6.2 token characters
inline constexpr unsigned char cc_value = 2;  // field-vchar / SP / HTAB / obs-text (RFC 9110 §5.5)
inline constexpr unsigned char cc_target = 4; // request-target bytes: visible ASCII and obs-text
inline constexpr unsigned char cc_regname = 8; // RFC 3986 §3.2.2 reg-name bytes, '%' included
inline constexpr unsigned char cc_hex = 16;    // HEXDIG

constexpr std::array<unsigned char, 256> make_char_table() noexcept
{
    std::array<unsigned char, 256> t{};
    auto const is_alnum = [](int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    };
    for (int c = 0; c < 256; ++c) {
        unsigned char bits = 0;
        if (is_alnum(c) || std::string_view{"!#$%&'*+-.^_`|~"}.find(static_cast<char>(c)) !=
                               std::string_view::npos) {
            bits |= cc_tchar;
        }
        if (c == '\t' || (c >= 0x20 && c != 0x7f)) {
            bits |= cc_value;
        }
        if (c > 0x20 && c != 0x7f) {
            bits |= cc_target;
        }
        if (is_alnum(c) || std::string_view{"-._~%!$&'()*+,;="}.find(static_cast<char>(c)) !=
                               std::string_view::npos) {
            bits |= cc_regname;
        }
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
            bits |= cc_hex;
        }
        t[static_cast<std::size_t>(c)] = bits;
    }
    return t;
}

inline constexpr std::array<unsigned char, 256> char_table = make_char_table();

inline bool has_class(char c, unsigned char cls) noexcept
{
    return (char_table[static_cast<unsigned char>(c)] & cls) != 0;
}
inline bool is_tchar(char c) noexcept
{
    return has_class(c, cc_tchar);
}
inline bool is_digit(char c) noexcept
{
    return c >= '0' && c <= '9';
}
inline bool is_ows(char c) noexcept
{
    return c == ' ' || c == '\t';
}

inline int hex_value(char c) noexcept
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    return (c | 0x20) - 'a' + 10;
}

// Compares a token with a lower-case literal, ignoring ASCII case. Only called on names that
// are already known to be tokens, where `c | 0x20` folds exactly the letters.
inline bool token_equals(std::string_view token, std::string_view lower) noexcept
{
    if (token.size() != lower.size()) {
        return false;
    }
    for (std::size_t i = 0; i < token.size(); ++i) {
        if ((token[i] | 0x20) != lower[i]) {
            return false;
        }
    }
    return true;
}

// Case-insensitive comparison for list elements that are not yet known to be tokens.
inline bool ascii_iequals(std::string_view a, std::string_view lower) noexcept
{
    if (a.size() != lower.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        char c = a[i];
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c | 0x20);
        }
        if (c != lower[i]) {
            return false;
        }
    }
    return true;
}

using http::detail::trim_ows; // one definition for the parsers and the value parsers

// Calls f(element) for each element of a comma-separated list (RFC 9110 §5.6.1), OWS trimmed.
// Empty elements are passed on too; callers decide whether to skip them.
template <class F>
void for_each_element(std::string_view list, F&& f)
{
    for (;;) {
        auto const comma = list.find(',');
        f(trim_ows(list.substr(0, comma)));
        if (comma == std::string_view::npos) {
            return;
        }
        list.remove_prefix(comma + 1);
    }
}

inline bool is_token(std::string_view s) noexcept
{
    return !s.empty() && std::all_of(s.begin(), s.end(), is_tchar);
}

} // namespace ahttp::wire::syntax
