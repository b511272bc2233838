// SPDX-License-Identifier: BSL-1.0
// The byte-level grammar shared by the request and response parsers (RFC 9110 §5, RFC 9112):
// character classes, tokens, list elements. Internal to the wire module.
#pragma once

#include "http/text.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h> // baseline on x86-64
#endif

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

// The scanners below look at 16 bytes at a time where SSE2 is there (every x86-64), and never
// read at or past `end`. Each returns the first byte that stops its class, or `end`.

/// Skips field-value bytes (cc_value: HTAB, SP to '~', obs-text).
inline char const* skip_value(char const* p, char const* end) noexcept
{
#if defined(__SSE2__)
    // As signed bytes, the refused ones are 0x00-0x1f and 0x7f (obs-text is negative).
    // HTAB is refused here too and let through one byte at a time: it is rare in values.
    __m128i const space = _mm_set1_epi8(0x20);
    __m128i const del = _mm_set1_epi8(0x7f);
    __m128i const minus_one = _mm_set1_epi8(-1);
    while (end - p >= 16) {
        __m128i const v = _mm_loadu_si128(reinterpret_cast<__m128i const*>(p));
        __m128i const control =
            _mm_and_si128(_mm_cmplt_epi8(v, space), _mm_cmpgt_epi8(v, minus_one));
        int const refused = _mm_movemask_epi8(_mm_or_si128(control, _mm_cmpeq_epi8(v, del)));
        if (refused == 0) {
            p += 16;
            continue;
        }
        p += __builtin_ctz(static_cast<unsigned>(refused));
        if (*p != '\t') {
            return p;
        }
        ++p;
    }
#endif
    while (p != end && has_class(*p, cc_value)) {
        ++p;
    }
    return p;
}

/// Skips token bytes (cc_tchar).
inline char const* skip_token(char const* p, char const* end) noexcept
{
#if defined(__SSE2__)
    // Field names are letters, digits and '-' nearly always: those 16 at a time, and the
    // other tchars (and the byte that ends the name) by the table below.
    __m128i const below_a = _mm_set1_epi8('a' - 1);
    __m128i const above_z = _mm_set1_epi8('z' + 1);
    __m128i const below_0 = _mm_set1_epi8('0' - 1);
    __m128i const above_9 = _mm_set1_epi8('9' + 1);
    __m128i const dash = _mm_set1_epi8('-');
    __m128i const case_bit = _mm_set1_epi8(0x20);
    while (end - p >= 16) {
        __m128i const v = _mm_loadu_si128(reinterpret_cast<__m128i const*>(p));
        __m128i const folded = _mm_or_si128(v, case_bit); // 'A'-'Z' to 'a'-'z'
        __m128i const letter =
            _mm_and_si128(_mm_cmpgt_epi8(folded, below_a), _mm_cmplt_epi8(folded, above_z));
        __m128i const digit = _mm_and_si128(_mm_cmpgt_epi8(v, below_0), _mm_cmplt_epi8(v, above_9));
        __m128i const common = _mm_or_si128(_mm_or_si128(letter, digit), _mm_cmpeq_epi8(v, dash));
        auto const other = static_cast<unsigned>(~_mm_movemask_epi8(common)) & 0xffffU;
        if (other == 0) {
            p += 16;
            continue;
        }
        p += __builtin_ctz(other);
        if (!has_class(*p, cc_tchar)) {
            return p;
        }
        ++p;
    }
#endif
    while (p != end && has_class(*p, cc_tchar)) {
        ++p;
    }
    return p;
}

inline int hex_value(char c) noexcept
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    return (c | 0x20) - 'a' + 10;
}

// Compares a token with a lower-case literal, ignoring ASCII case. Only called on names that
// are already known to be tokens, where `c | 0x20` folds exactly the letters (and leaves
// digits, '-' and '.' as they are).
inline bool token_equals(std::string_view token, std::string_view lower) noexcept
{
    std::size_t const n = token.size();
    if (n != lower.size()) {
        return false;
    }
    if (n >= 8) {
        // Eight bytes at a time; the last word overlaps the one before it.
        constexpr std::uint64_t fold = 0x2020202020202020ULL;
        auto const word = [](char const* p) {
            std::uint64_t w = 0;
            std::memcpy(&w, p, sizeof w);
            return w;
        };
        for (std::size_t i = 0; i + 8 < n; i += 8) {
            if ((word(token.data() + i) | fold) != word(lower.data() + i)) {
                return false;
            }
        }
        return (word(token.data() + n - 8) | fold) == word(lower.data() + n - 8);
    }
    for (std::size_t i = 0; i < n; ++i) {
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
    char const* const end = s.data() + s.size();
    return !s.empty() && skip_token(s.data(), end) == end;
}

} // namespace ahttp::wire::syntax
