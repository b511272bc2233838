// SPDX-License-Identifier: BSL-1.0
// Case-insensitive header multi-maps: `headers` owns its strings, `headers_view` borrows them.
#pragma once

#include <ahttp/http/field.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ahttp::http {

/// True if `a` and `b` are equal ignoring ASCII case (header names, tokens).
bool iequals(std::string_view a, std::string_view b) noexcept;

namespace detail {

/// The read-only half shared by `headers` and `headers_view`: lookups by name ignore case,
/// keep insertion order, and see every value of a repeated field.
template <class Derived>
class header_lookup {
public:
    /// Returns the first value of `name`, or nullopt.
    std::optional<std::string_view> find(std::string_view name) const noexcept
    {
        for (auto const& [n, v] : self().entries()) {
            if (iequals(n, name)) {
                return std::string_view{v};
            }
        }
        return std::nullopt;
    }
    std::optional<std::string_view> find(field name) const noexcept
    {
        return find(field_name(name));
    }

    /// Returns the first value of `name`, or `fallback`.
    std::string_view value_or(std::string_view name, std::string_view fallback) const noexcept
    {
        return find(name).value_or(fallback);
    }
    std::string_view value_or(field name, std::string_view fallback) const noexcept
    {
        return find(name).value_or(fallback);
    }

    bool contains(std::string_view name) const noexcept { return find(name).has_value(); }
    bool contains(field name) const noexcept { return find(name).has_value(); }

    /// Returns every value of `name`, in order.
    std::vector<std::string_view> values(std::string_view name) const
    {
        std::vector<std::string_view> out;
        for (auto const& [n, v] : self().entries()) {
            if (iequals(n, name)) {
                out.emplace_back(v);
            }
        }
        return out;
    }
    std::vector<std::string_view> values(field name) const { return values(field_name(name)); }

    std::size_t size() const noexcept { return self().entries().size(); }
    bool empty() const noexcept { return self().entries().empty(); }
    auto begin() const noexcept { return self().entries().begin(); }
    auto end() const noexcept { return self().entries().end(); }

private:
    Derived const& self() const noexcept { return static_cast<Derived const&>(*this); }
};

} // namespace detail

/// Header fields that borrow their text (a parsed request's fields point into the connection
/// buffer). Valid only while the request that produced it is.
class headers_view : public detail::header_lookup<headers_view> {
public:
    using entry = std::pair<std::string_view, std::string_view>;

    void add(std::string_view name, std::string_view value) { entries_.emplace_back(name, value); }
    void clear() noexcept { entries_.clear(); } // keeps capacity: no allocation per request
    std::vector<entry> const& entries() const noexcept { return entries_; }

private:
    std::vector<entry> entries_;
};

/// Header fields that own their text (responses, client requests).
class headers : public detail::header_lookup<headers> {
public:
    using entry = std::pair<std::string, std::string>;

    headers() = default;
    headers(std::initializer_list<std::pair<std::string_view, std::string_view>> init)
    {
        for (auto const& [n, v] : init) {
            add(n, v);
        }
    }

    /// Appends a field, keeping any existing ones with the same name.
    void add(std::string_view name, std::string_view value) { entries_.emplace_back(name, value); }
    void add(field name, std::string_view value) { add(field_name(name), value); }

    /// Replaces every field named `name` with one field holding `value`.
    void set(std::string_view name, std::string_view value);
    void set(field name, std::string_view value) { set(field_name(name), value); }

    /// Removes every field named `name`; returns how many were removed.
    std::size_t erase(std::string_view name);
    std::size_t erase(field name) { return erase(field_name(name)); }

    /// Replaces every field with those of `fields`, in order. The strings already held are
    /// overwritten in place, so refilling the same object with similar fields (a recycled
    /// response) does not allocate. `fields` must not view this object's own strings.
    void assign(headers_view const& fields);

    void clear() noexcept { entries_.clear(); }
    std::vector<entry> const& entries() const noexcept { return entries_; }

private:
    std::vector<entry> entries_;
};

} // namespace ahttp::http
