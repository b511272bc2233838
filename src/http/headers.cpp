// SPDX-License-Identifier: BSL-1.0
// Header multi-maps and ASCII case-insensitive comparison.
#include <ahttp/http/headers.hpp>

#include <algorithm>
#include <cstring>

namespace ahttp::http {
namespace {

/// Overwrites `to` with `from`. A recycled response's headers() sees the same fields again,
/// mostly of the same lengths (a server's Date, Content-Type, Connection): those are a plain
/// copy over the old bytes, without std::string::assign's general path.
void overwrite(std::string& to, std::string_view from)
{
    if (to.size() != from.size()) {
        to.assign(from);
    } else if (!from.empty()) {
        std::memcpy(to.data(), from.data(), from.size());
    }
}

} // namespace

bool iequals(std::string_view a, std::string_view b) noexcept
{
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        // Header names are tokens (ASCII); folding only A-Z keeps this locale-free.
        unsigned char x = static_cast<unsigned char>(a[i]);
        unsigned char y = static_cast<unsigned char>(b[i]);
        if (x != y) {
            x = (x >= 'A' && x <= 'Z') ? static_cast<unsigned char>(x | 0x20) : x;
            y = (y >= 'A' && y <= 'Z') ? static_cast<unsigned char>(y | 0x20) : y;
            if (x != y) {
                return false;
            }
        }
    }
    return true;
}

void headers::assign(headers_view const& fields)
{
    auto const& from = fields.entries();
    if (entries_.size() > from.size()) {
        entries_.resize(from.size());
    }
    std::size_t i = 0;
    for (; i < entries_.size(); ++i) {
        overwrite(entries_[i].first, from[i].first);
        overwrite(entries_[i].second, from[i].second);
    }
    for (; i < from.size(); ++i) {
        entries_.emplace_back(from[i].first, from[i].second);
    }
}

void headers::set(std::string_view name, std::string_view value)
{
    auto it = std::find_if(entries_.begin(), entries_.end(),
                           [&](entry const& e) { return iequals(e.first, name); });
    if (it == entries_.end()) {
        add(name, value);
        return;
    }
    it->second.assign(value);
    // Drop later duplicates so that exactly one field remains.
    entries_.erase(std::remove_if(std::next(it), entries_.end(),
                                  [&](entry const& e) { return iequals(e.first, name); }),
                   entries_.end());
}

std::size_t headers::erase(std::string_view name)
{
    auto const before = entries_.size();
    entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                  [&](entry const& e) { return iequals(e.first, name); }),
                   entries_.end());
    return before - entries_.size();
}

} // namespace ahttp::http
