// SPDX-License-Identifier: BSL-1.0
// Query strings and form bodies (application/x-www-form-urlencoded) as ordered multi-maps.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ahttp::http {

/// Decodes %XX escapes (and '+' as space when `plus_is_space`); invalid escapes stay as sent,
/// as browsers and aiohttp (yarl) do.
std::string percent_decode(std::string_view text, bool plus_is_space = false);

/// True if `text` contains something percent_decode would change.
bool needs_percent_decode(std::string_view text, bool plus_is_space = false) noexcept;

/// An ordered multi-map of decoded names and values, e.g. `?a=1&a=2&b=x`.
class query_params {
public:
    using entry = std::pair<std::string, std::string>;

    query_params() = default;
    query_params(std::initializer_list<std::pair<std::string_view, std::string_view>> init);

    /// Parses `a=1&b=two+words&c` (no leading '?'): '+' is a space, %XX decoded, a missing '='
    /// gives an empty value, empty pairs are skipped.
    static query_params parse(std::string_view text);

    /// Returns the first value of `name`, or nullopt.
    std::optional<std::string_view> find(std::string_view name) const noexcept;
    std::string_view value_or(std::string_view name, std::string_view fallback) const noexcept
    {
        return find(name).value_or(fallback);
    }
    bool contains(std::string_view name) const noexcept { return find(name).has_value(); }
    /// Returns every value of `name`, in order.
    std::vector<std::string_view> values(std::string_view name) const;

    void add(std::string_view name, std::string_view value) { entries_.emplace_back(name, value); }

    /// Encodes as `a=1&b=two%20words` (RFC 3986 unreserved characters kept).
    std::string encode() const;

    std::size_t size() const noexcept { return entries_.size(); }
    bool empty() const noexcept { return entries_.empty(); }
    auto begin() const noexcept { return entries_.begin(); }
    auto end() const noexcept { return entries_.end(); }

private:
    std::vector<entry> entries_;
};

} // namespace ahttp::http
