// SPDX-License-Identifier: BSL-1.0
// httpbin's cookie endpoints: /cookies lists what the client sent; /cookies/set and
// /cookies/delete answer with Set-Cookie fields and a redirect back to /cookies.
#include "httpbin/httpbin_request_info.hpp"
#include "httpbin/httpbin_routes.hpp"
#include "httpbin/httpbin_status_response.hpp"
#include "httpbin/httpbin_text.hpp"

#include <ahttp/http/headers.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <string>

namespace ahttp::cli::httpbin {

namespace json = boost::json;

namespace {

/// Analytics cookies httpbin hides unless asked (`show_env`).
constexpr std::array<std::string_view, 8> tracking_cookies{"_gauges_unique",
                                                           "_gauges_unique_year",
                                                           "_gauges_unique_month",
                                                           "_gauges_unique_day",
                                                           "_gauges_unique_hour",
                                                           "__utmz",
                                                           "__utma",
                                                           "__utmb"};

std::string_view trim(std::string_view text) noexcept
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    return text;
}

/// A cookie value without its quotes and backslash escapes (RFC 6265 §4.1.1's DQUOTEs;
/// werkzeug also undoes its own \ooo escapes).
std::string unquote_cookie(std::string_view value)
{
    if (value.size() < 2 || value.front() != '"' || value.back() != '"') {
        return std::string{value};
    }
    value = value.substr(1, value.size() - 2);
    std::string out;
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] != '\\' || i + 1 == value.size()) {
            out.push_back(value[i]);
        } else if (i + 3 < value.size() && value[i + 1] >= '0' && value[i + 1] <= '3' &&
                   value[i + 2] >= '0' && value[i + 2] <= '7' && value[i + 3] >= '0' &&
                   value[i + 3] <= '7') {
            out.push_back(static_cast<char>((value[i + 1] - '0') * 64 + (value[i + 2] - '0') * 8 +
                                            (value[i + 3] - '0')));
            i += 3;
        } else {
            out.push_back(value[++i]);
        }
    }
    return out;
}

/// A cookie value as werkzeug writes it: as is when every byte is allowed, else in quotes
/// with ',' ';' '"' '\' and control bytes escaped.
std::string quote_cookie(std::string_view value)
{
    constexpr std::string_view legal = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                       "0123456789/=!#$%&'*+-.^_`|~:";
    if (std::all_of(value.begin(), value.end(),
                    [&](char c) { return legal.find(c) != std::string_view::npos; })) {
        return std::string{value};
    }
    std::string out = "\"";
    for (char c : value) {
        auto const byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (c == ',' || c == ';' || byte < 0x20 || byte >= 0x7F) {
            char escape[5];
            std::snprintf(escape, sizeof escape, "\\%03o", byte);
            out.append(escape);
        } else {
            out.push_back(c);
        }
    }
    out.push_back('"');
    return out;
}

/// A cookie name must be an RFC 9110 token, or the Set-Cookie field would mean something else.
bool is_token(std::string_view name) noexcept
{
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               std::string_view{"!#$%&'*+-.^_`|~"}.find(c) != std::string_view::npos;
    });
}

awaitable<web::response> list_cookies(web::request& req)
{
    bool const show_env = req.query().contains("show_env");
    json::object cookies;
    for (std::string_view field : req.headers().values("Cookie")) {
        while (!field.empty()) {
            std::size_t const semicolon = field.find(';');
            std::string_view const pair = field.substr(0, semicolon);
            field = semicolon == std::string_view::npos ? std::string_view{}
                                                        : field.substr(semicolon + 1);
            std::size_t const equals = pair.find('=');
            std::string const name{trim(pair.substr(0, equals))};
            if (name.empty() || cookies.contains(name) ||
                (!show_env && std::find(tracking_cookies.begin(), tracking_cookies.end(), name) !=
                                  tracking_cookies.end())) {
                continue; // the first of a repeated name wins, as in httpbin
            }
            std::string const value = equals == std::string_view::npos
                                          ? std::string{}
                                          : unquote_cookie(trim(pair.substr(equals + 1)));
            cookies.emplace(repair_utf8(name), repair_utf8(value));
        }
    }
    json::object out;
    out.emplace("cookies", std::move(cookies));
    co_return jsonify(out);
}

web::response bad_cookie_name()
{
    return web::response::text("a cookie name must be a token (RFC 9110 §5.6.2)\n",
                               http::status::bad_request);
}

awaitable<web::response> set_cookies(web::request& req)
{
    web::response r = redirect_page("/cookies");
    std::vector<std::string_view> seen;
    for (auto const& [name, value] : req.query()) {
        if (!is_token(name)) {
            co_return bad_cookie_name();
        }
        if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
            continue; // httpbin keeps the first value of a repeated name
        }
        seen.emplace_back(name);
        r.headers().add("Set-Cookie", name + "=" + quote_cookie(value) + "; Path=/");
    }
    co_return r;
}

awaitable<web::response> set_one_cookie(web::request& req)
{
    std::string_view const name = req.path_param("name");
    if (!is_token(name)) {
        co_return bad_cookie_name();
    }
    web::response r = redirect_page("/cookies");
    r.headers().add("Set-Cookie",
                    std::string{name} + "=" + quote_cookie(req.path_param("value")) + "; Path=/");
    co_return r;
}

awaitable<web::response> delete_cookies(web::request& req)
{
    web::response r = redirect_page("/cookies");
    std::vector<std::string_view> seen;
    for (auto const& [name, value] : req.query()) {
        if (!is_token(name)) {
            co_return bad_cookie_name();
        }
        if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
            continue;
        }
        seen.emplace_back(name);
        // Expired in the past and by Max-Age: RFC 6265 §5.3 step 11 removes it at once.
        r.headers().add("Set-Cookie",
                        name + "=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/");
    }
    co_return r;
}

} // namespace

void add_cookie_routes(web::router& router)
{
    router.add_get("/cookies", list_cookies);
    router.add_get("/cookies/set", set_cookies);
    router.add_get("/cookies/set/{name}/{value}", set_one_cookie);
    router.add_get("/cookies/delete", delete_cookies);
}

} // namespace ahttp::cli::httpbin
