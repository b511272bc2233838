// SPDX-License-Identifier: BSL-1.0
// Our request parser (plus the body framing the server applies) against Boost.Beast's
// request_parser on the same bytes: one request, read whole. Where both accept, they must
// agree on method, target, version, every header field and the body: two parsers that both
// accept but read different requests is how requests are smuggled. (Fields are compared by
// name, each name's values in order: Beast files a field next to others of its name.)
#include "wire/request_parser.hpp"

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace beast = boost::beast;

struct reading {
    enum class verdict { complete, incomplete, refused } what = verdict::refused;
    std::string method;
    std::string target;
    int version = 11;
    std::vector<std::pair<std::string, std::string>> fields;
    std::string body;
};

reading ours(std::string_view input)
{
    reading r;
    ahttp::wire::request_parser const parser;
    ahttp::wire::request_head head;
    ahttp::wire::parse_error error;
    switch (parser.parse(input, head, error)) {
    case ahttp::wire::parse_status::need_more:
        r.what = reading::verdict::incomplete;
        return r;
    case ahttp::wire::parse_status::error:
        return r;
    case ahttp::wire::parse_status::complete:
        break;
    }
    r.method = std::string{head.method_token};
    r.target = std::string{head.target};
    r.version = 10 + head.version_minor;
    for (auto const& [name, value] : head.fields) {
        r.fields.emplace_back(std::string{name}, std::string{value});
    }
    std::string_view rest = input.substr(head.head_size);
    if (head.framing == ahttp::wire::body_framing::content_length) {
        if (rest.size() < head.content_length) {
            r.what = reading::verdict::incomplete;
            return r;
        }
        r.body = std::string{rest.substr(0, head.content_length)};
    } else if (head.framing == ahttp::wire::body_framing::chunked) {
        ahttp::wire::chunked_decoder decoder;
        auto const decoded = decoder.decode(rest);
        for (auto result = decoded;; result = decoder.decode(rest)) {
            r.body.append(result.data);
            rest.remove_prefix(result.consumed);
            if (result.failed) {
                r.what = reading::verdict::refused;
                return r;
            }
            if (result.done) {
                break;
            }
            if (result.consumed == 0 && result.data.empty()) {
                r.what = reading::verdict::incomplete;
                return r;
            }
        }
    }
    r.what = reading::verdict::complete;
    return r;
}

reading beasts(std::string_view input)
{
    reading r;
    beast::http::request_parser<beast::http::string_body> parser;
    parser.header_limit(1 << 20);
    parser.body_limit(1 << 20);
    beast::error_code ec;
    // The head first (not eager), so that its fields can be told from chunked trailer fields,
    // which Beast adds to the same container and our server does not keep.
    std::size_t const head = parser.put(boost::asio::buffer(input.data(), input.size()), ec);
    if (ec == beast::http::error::need_more || (!ec && !parser.is_header_done())) {
        r.what = reading::verdict::incomplete;
        return r;
    }
    if (ec) {
        return r;
    }
    // A copy now: Beast files a trailer field next to a head field of the same name.
    for (auto const& field : parser.get()) {
        r.fields.emplace_back(std::string{field.name_string()}, std::string{field.value()});
    }
    if (!parser.is_done()) {
        parser.eager(true);
        std::string_view const rest = input.substr(head);
        parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
        if (ec == beast::http::error::need_more || (!ec && !parser.is_done())) {
            r.what = reading::verdict::incomplete;
            return r;
        }
        if (ec) {
            return r;
        }
    }
    auto const& message = parser.get();
    r.method = std::string{message.method_string()};
    r.target = std::string{message.target()};
    r.version = static_cast<int>(message.version());
    r.body = message.body();
    r.what = reading::verdict::complete;
    return r;
}

/// The fields grouped by lower-cased name, each name's values in their order.
std::vector<std::pair<std::string, std::string>> grouped(reading const& r)
{
    std::vector<std::pair<std::string, std::string>> out;
    for (auto const& [name, value] : r.fields) {
        std::string lower;
        for (char c : name) {
            lower.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
        }
        out.emplace_back(std::move(lower), value);
    }
    std::stable_sort(out.begin(), out.end(),
                     [](auto const& x, auto const& y) { return x.first < y.first; });
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string_view const input{reinterpret_cast<char const*>(data), size};
    reading const a = ours(input);
    reading const b = beasts(input);
    using verdict = reading::verdict;
    if (a.what == verdict::complete && b.what == verdict::complete) {
        if (a.method != b.method || a.target != b.target || a.version != b.version ||
            grouped(a) != grouped(b) || a.body != b.body) {
            std::abort(); // both accept, but read different requests
        }
    }
    // Where only one accepts, nothing aborts: the refusing side is the stricter one. The cases
    // where only Beast refused (Connection values that are not token lists, chunk extensions
    // outside their grammar) were made strict in ours; docs/security.md lists them.
    return 0;
}
