// SPDX-License-Identifier: BSL-1.0
// httpie's request items: `name==value` (query), `name=value` (data field), `name:=json`
// (raw JSON field), `name@path` (file upload), `Header:value` (header). A backslash escapes
// a separator character (`a\=b=c` is the field "a=b" with value "c").
#pragma once

#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ahttp::cli {

/// One data field: a string (`name=value`) or raw JSON (`name:=[1,2]`).
struct data_field {
    std::string name;
    boost::json::value value;
    bool raw_json = false;
};

/// The items of a command line, sorted by what they become.
struct request_items {
    std::vector<std::pair<std::string, std::string>> query;
    std::vector<std::pair<std::string, std::string>> headers;
    std::vector<data_field> fields;
    std::vector<std::pair<std::string, std::string>> files; ///< form name, path

    bool has_body() const noexcept { return !fields.empty() || !files.empty(); }
};

/// Sorts `items` by their separators.
/// @throws usage_error for an item without a separator, an empty name, or bad `:=` JSON.
request_items parse_request_items(std::vector<std::string> const& items);

/// Completes what people type for a URL, as httpie does: `:8080/x` → http://localhost:8080/x,
/// `example.org/x` → http://example.org/x; a URL with a scheme is returned as is.
std::string complete_url(std::string_view typed);

} // namespace ahttp::cli
