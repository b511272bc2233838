// SPDX-License-Identifier: BSL-1.0
// Text helpers for the httpbin handlers (see httpbin_text.hpp).
#include "httpbin/httpbin_text.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace ahttp::cli::httpbin {

namespace {

/// Length of the well-formed UTF-8 sequence at the start of `text`, or 0 (RFC 3629 §4).
std::size_t utf8_sequence_length(std::string_view text) noexcept
{
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    unsigned char const lead = byte(0);
    if (lead < 0x80) {
        return 1;
    }
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        low = lead == 0xE0 ? 0xA0 : 0x80;  // no overlongs
        high = lead == 0xED ? 0x9F : 0xBF; // no surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        low = lead == 0xF0 ? 0x90 : 0x80;
        high = lead == 0xF4 ? 0x8F : 0xBF; // nothing past U+10FFFF
    } else {
        return 0;
    }
    if (text.size() < length || byte(1) < low || byte(1) > high) {
        return 0;
    }
    for (std::size_t i = 2; i < length; ++i) {
        if (byte(i) < 0x80 || byte(i) > 0xBF) {
            return 0;
        }
    }
    return length;
}

bool is_letter(char c) noexcept
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/// RFC 3986's unreserved characters plus werkzeug's "$!'()*+,;" (its _always_safe).
bool is_always_safe(unsigned char c) noexcept
{
    if (c >= 0x80) {
        return false;
    }
    return is_letter(static_cast<char>(c)) || (c >= '0' && c <= '9') ||
           std::string_view{"-._~$!'()*+,;"}.find(static_cast<char>(c)) != std::string_view::npos;
}

int hex_value(char c) noexcept
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

void append_escape(std::string& out, unsigned char byte)
{
    constexpr char digits[] = "0123456789ABCDEF";
    out.push_back('%');
    out.push_back(digits[byte >> 4]);
    out.push_back(digits[byte & 0x0F]);
}

} // namespace

bool is_valid_utf8(std::string_view text) noexcept
{
    while (!text.empty()) {
        std::size_t const length = utf8_sequence_length(text);
        if (length == 0) {
            return false;
        }
        text.remove_prefix(length);
    }
    return true;
}

std::string repair_utf8(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    while (!text.empty()) {
        std::size_t const length = utf8_sequence_length(text);
        if (length == 0) {
            out.append("\xEF\xBF\xBD"); // U+FFFD
            text.remove_prefix(1);
        } else {
            out.append(text.substr(0, length));
            text.remove_prefix(length);
        }
    }
    return out;
}

std::string title_case_header(std::string_view name)
{
    std::string out;
    out.reserve(name.size());
    bool after_letter = false;
    for (char c : name) {
        if (c == '_') {
            c = '-';
        }
        if (is_letter(c)) {
            bool const upper = c >= 'A' && c <= 'Z';
            if (after_letter && upper) {
                c = static_cast<char>(c - 'A' + 'a');
            } else if (!after_letter && !upper) {
                c = static_cast<char>(c - 'a' + 'A');
            }
            after_letter = true;
        } else {
            after_letter = false;
        }
        out.push_back(c);
    }
    return out;
}

std::optional<std::string> base64_decode(std::string_view text, bool url_safe)
{
    std::string out;
    std::uint32_t bits = 0;
    int bit_count = 0;
    std::size_t symbols = 0;
    std::size_t padding = 0;
    for (char c : text) {
        int value = -1;
        if (c >= 'A' && c <= 'Z') {
            value = c - 'A';
        } else if (c >= 'a' && c <= 'z') {
            value = c - 'a' + 26;
        } else if (c >= '0' && c <= '9') {
            value = c - '0' + 52;
        } else if (c == '+' || (url_safe && c == '-')) {
            value = 62; // Python's urlsafe decoder also takes '+' and '/'
        } else if (c == '/' || (url_safe && c == '_')) {
            value = 63;
        } else if (c == '=') {
            ++padding;
            continue;
        }
        if (value < 0 || padding > 0) {
            if (value >= 0) {
                return std::nullopt; // data after padding
            }
            continue; // outside the alphabet: skipped, as Python does without validate=True
        }
        ++symbols;
        bits = (bits << 6) | static_cast<std::uint32_t>(value);
        bit_count += 6;
        if (bit_count >= 8) {
            bit_count -= 8;
            out.push_back(static_cast<char>((bits >> bit_count) & 0xFF));
        }
    }
    // RFC 4648 §4: whole quanta only; a quantum of one symbol cannot hold a byte.
    if ((symbols + padding) % 4 != 0 || symbols % 4 == 1) {
        return std::nullopt;
    }
    return out;
}

std::string base64_encode(std::string_view bytes)
{
    constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        std::uint32_t const n = static_cast<unsigned char>(bytes[i]) << 16 |
                                static_cast<unsigned char>(bytes[i + 1]) << 8 |
                                static_cast<unsigned char>(bytes[i + 2]);
        out.push_back(alphabet[(n >> 18) & 63]);
        out.push_back(alphabet[(n >> 12) & 63]);
        out.push_back(alphabet[(n >> 6) & 63]);
        out.push_back(alphabet[n & 63]);
    }
    std::size_t const rest = bytes.size() - i;
    if (rest > 0) {
        std::uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
        if (rest == 2) {
            n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        }
        out.push_back(alphabet[(n >> 18) & 63]);
        out.push_back(alphabet[(n >> 12) & 63]);
        out.push_back(rest == 2 ? alphabet[(n >> 6) & 63] : '=');
        out.push_back('=');
    }
    return out;
}

std::string escape_html(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '&':
            out.append("&amp;");
            break;
        case '<':
            out.append("&lt;");
            break;
        case '>':
            out.append("&gt;");
            break;
        case '"':
            out.append("&quot;");
            break;
        case '\'':
            out.append("&#39;");
            break;
        default:
            out.push_back(c);
        }
    }
    return out;
}

std::string url_quote(std::string_view bytes, std::string_view extra_safe)
{
    std::string out;
    out.reserve(bytes.size());
    for (char c : bytes) {
        auto const byte = static_cast<unsigned char>(c);
        if (is_always_safe(byte) || extra_safe.find(c) != std::string_view::npos) {
            out.push_back(c);
        } else {
            append_escape(out, byte);
        }
    }
    return out;
}

std::string uri_to_iri(std::string_view quoted)
{
    // Decode the escapes an IRI may show; the decoded non-ASCII bytes are escaped again
    // below unless they form valid UTF-8. (Raw non-ASCII bytes cannot occur: the input
    // went through url_quote first.)
    std::string bytes;
    for (std::size_t i = 0; i < quoted.size(); ++i) {
        if (quoted[i] == '%' && i + 2 < quoted.size()) {
            int const high = hex_value(quoted[i + 1]);
            int const low = hex_value(quoted[i + 2]);
            if (high >= 0 && low >= 0) {
                auto const byte = static_cast<unsigned char>(high * 16 + low);
                if (byte >= 0x80 || is_always_safe(byte)) {
                    bytes.push_back(static_cast<char>(byte));
                    i += 2;
                    continue;
                }
            }
        }
        bytes.push_back(quoted[i]);
    }
    std::string out;
    out.reserve(bytes.size());
    std::string_view rest{bytes};
    while (!rest.empty()) {
        std::size_t const length = utf8_sequence_length(rest);
        if (length == 0) {
            append_escape(out, static_cast<unsigned char>(rest.front()));
            rest.remove_prefix(1);
        } else {
            out.append(rest.substr(0, length));
            rest.remove_prefix(length);
        }
    }
    return out;
}

std::optional<std::uint64_t> parse_unsigned(std::string_view text) noexcept
{
    std::uint64_t value = 0;
    auto const [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc{} || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

std::optional<std::int64_t> parse_signed(std::string_view text) noexcept
{
    if (!text.empty() && text.front() == '+') {
        text.remove_prefix(1);
    }
    std::int64_t value = 0;
    auto const [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc{} || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

std::optional<double> parse_number(std::string_view text) noexcept
{
    double value = 0;
    auto const [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc{} || end != text.data() + text.size() ||
        !std::isfinite(value)) {
        return std::nullopt;
    }
    return value;
}

} // namespace ahttp::cli::httpbin
