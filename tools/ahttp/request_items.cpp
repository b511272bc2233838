// SPDX-License-Identifier: BSL-1.0
#include "cli.hpp"
#include "request_items.hpp"

#include <boost/json/parse.hpp>

#include <array>
#include <optional>

namespace ahttp::cli {

namespace {

enum class separator { query, json, field, header, file };

struct split_item {
    std::string name;
    std::string value;
    separator kind;
};

// Longest first: at one position `==` wins over `=`, and `:=` over `:`.
constexpr std::array<std::pair<std::string_view, separator>, 5> separators{{
    {"==", separator::query},
    {":=", separator::json},
    {"=", separator::field},
    {":", separator::header},
    {"@", separator::file},
}};

/// Splits at the first unescaped separator; escapes are removed from the name only (a
/// value is taken as typed, so a URL or a Windows path in it survives).
std::optional<split_item> split(std::string_view item)
{
    std::string name;
    for (std::size_t i = 0; i < item.size(); ++i) {
        if (item[i] == '\\' && i + 1 < item.size()) {
            name += item[++i];
            continue;
        }
        for (auto const& [token, kind] : separators) {
            if (item.substr(i, token.size()) == token) {
                return split_item{std::move(name), std::string{item.substr(i + token.size())},
                                  kind};
            }
        }
        name += item[i];
    }
    return std::nullopt;
}

} // namespace

request_items parse_request_items(std::vector<std::string> const& items)
{
    request_items out;
    for (auto const& item : items) {
        auto parsed = split(item);
        if (!parsed) {
            throw usage_error("'" + item +
                              "' is not a request item (name==query, name=field, name:=json, "
                              "name@file, Header:value)");
        }
        if (parsed->name.empty()) {
            throw usage_error("'" + item + "' has an empty name");
        }
        switch (parsed->kind) {
        case separator::query:
            out.query.emplace_back(std::move(parsed->name), std::move(parsed->value));
            break;
        case separator::header:
            out.headers.emplace_back(std::move(parsed->name), std::move(parsed->value));
            break;
        case separator::field:
            out.fields.push_back({std::move(parsed->name), boost::json::value(parsed->value)});
            break;
        case separator::json: {
            boost::system::error_code ec;
            boost::json::value value = boost::json::parse(parsed->value, ec);
            if (ec) {
                throw usage_error("'" + item + "': the value after := is not JSON (" +
                                  ec.message() + ")");
            }
            out.fields.push_back({std::move(parsed->name), std::move(value), true});
            break;
        }
        case separator::file:
            out.files.emplace_back(std::move(parsed->name), std::move(parsed->value));
            break;
        }
    }
    return out;
}

std::string complete_url(std::string_view typed)
{
    if (typed.find("://") != std::string_view::npos) {
        return std::string{typed};
    }
    if (!typed.empty() && typed.front() == ':') {
        // ":8080/x" and ":/x" are localhost shorthands.
        std::string_view rest = typed.substr(1);
        std::string url = "http://localhost";
        if (!rest.empty() && rest.front() != '/') {
            url += ':';
        }
        url += rest;
        return url;
    }
    return "http://" + std::string{typed};
}

} // namespace ahttp::cli
