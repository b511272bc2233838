// SPDX-License-Identifier: BSL-1.0
// Percent decoding and application/x-www-form-urlencoded query multi-maps.
#include "http/text.hpp"

#include <ahttp/http/query.hpp>

#include <algorithm>

namespace ahttp::http {

namespace {

// True if text[i] starts a well-formed %XX escape.
bool is_escape_at(std::string_view text, std::size_t i) noexcept
{
    return text[i] == '%' && i + 2 < text.size() && detail::hex_value(text[i + 1]) >= 0 &&
           detail::hex_value(text[i + 2]) >= 0;
}

// RFC 3986 §2.3: the only characters that never need escaping in any URI component.
bool is_unreserved(unsigned char c) noexcept
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

void append_encoded(std::string& out, std::string_view text)
{
    static constexpr char digits[] = "0123456789ABCDEF";
    for (char ch : text) {
        auto const c = static_cast<unsigned char>(ch);
        if (is_unreserved(c)) {
            out.push_back(ch);
        } else {
            // Space becomes %20 rather than '+': both decode the same in forms, and %20 is also
            // right if the string ends up in a path.
            out.push_back('%');
            out.push_back(digits[c >> 4]);
            out.push_back(digits[c & 0x0F]);
        }
    }
}

} // namespace

std::string percent_decode(std::string_view text, bool plus_is_space)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char const c = text[i];
        if (is_escape_at(text, i)) {
            out.push_back(static_cast<char>(detail::hex_value(text[i + 1]) * 16 +
                                            detail::hex_value(text[i + 2])));
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out.push_back(' ');
        } else {
            // A stray '%' (not followed by two hex digits) is kept as sent, as browsers and yarl
            // do; rejecting it would make URLs that work elsewhere fail here.
            out.push_back(c);
        }
    }
    return out;
}

bool needs_percent_decode(std::string_view text, bool plus_is_space) noexcept
{
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((text[i] == '+' && plus_is_space) || (text[i] == '%' && is_escape_at(text, i))) {
            return true;
        }
    }
    return false;
}

query_params::query_params(
    std::initializer_list<std::pair<std::string_view, std::string_view>> init)
{
    entries_.reserve(init.size());
    for (auto const& [name, value] : init) {
        add(name, value);
    }
}

query_params query_params::parse(std::string_view text)
{
    query_params result;
    // Only '&' separates pairs: the WHATWG URL standard and yarl dropped ';' (a cache-poisoning
    // vector when a proxy and the origin split differently).
    result.entries_.reserve(static_cast<std::size_t>(std::count(text.begin(), text.end(), '&')) +
                            1);
    while (!text.empty()) {
        auto const amp = text.find('&');
        std::string_view const piece = text.substr(0, amp);
        text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
        if (piece.empty()) {
            continue;
        }
        auto const eq = piece.find('=');
        std::string_view const name = piece.substr(0, eq);
        std::string_view const value =
            eq == std::string_view::npos ? std::string_view{} : piece.substr(eq + 1);
        result.entries_.emplace_back(percent_decode(name, true), percent_decode(value, true));
    }
    return result;
}

std::optional<std::string_view> query_params::find(std::string_view name) const noexcept
{
    for (auto const& [n, v] : entries_) {
        if (n == name) {
            return std::string_view{v};
        }
    }
    return std::nullopt;
}

std::vector<std::string_view> query_params::values(std::string_view name) const
{
    std::vector<std::string_view> out;
    for (auto const& [n, v] : entries_) {
        if (n == name) {
            out.emplace_back(v);
        }
    }
    return out;
}

std::string query_params::encode() const
{
    std::string out;
    for (auto const& [name, value] : entries_) {
        if (!out.empty()) {
            out.push_back('&');
        }
        append_encoded(out, name);
        out.push_back('=');
        append_encoded(out, value);
    }
    return out;
}

} // namespace ahttp::http
