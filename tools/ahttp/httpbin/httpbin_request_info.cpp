// SPDX-License-Identifier: BSL-1.0
// What httpbin reports about a request (see httpbin_request_info.hpp).
#include "httpbin/httpbin_request_info.hpp"
#include "httpbin/httpbin_text.hpp"

#include <ahttp/http/headers.hpp>
#include <ahttp/web/application.hpp>
#include <ahttp/web/multipart_reader.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace ahttp::cli::httpbin {

namespace json = boost::json;

namespace {

/// Fields a proxy or hosting platform adds: httpbin hides them unless asked (`show_env`).
constexpr std::array<std::string_view, 15> proxy_fields{"X-Varnish",
                                                        "X-Request-Start",
                                                        "X-Heroku-Queue-Depth",
                                                        "X-Real-Ip",
                                                        "X-Forwarded-Proto",
                                                        "X-Forwarded-Protocol",
                                                        "X-Forwarded-Ssl",
                                                        "X-Forwarded-For",
                                                        "X-Heroku-Queue-Wait-Time",
                                                        "X-Heroku-Dynos-In-Use",
                                                        "X-Forwarded-Port",
                                                        "X-Request-Id",
                                                        "Via",
                                                        "Total-Route-Time",
                                                        "Connect-Time"};

bool is_proxy_field(std::string_view name) noexcept
{
    return std::any_of(proxy_fields.begin(), proxy_fields.end(),
                       [&](std::string_view f) { return http::iequals(f, name); });
}

/// A header's values joined with ',' as gunicorn passes a repeated field to the application.
std::optional<std::string> joined_field(web::request const& request, std::string_view name)
{
    std::vector<std::string_view> const values = request.headers().values(name);
    if (values.empty()) {
        return std::nullopt;
    }
    std::string joined{values.front()};
    for (std::size_t i = 1; i < values.size(); ++i) {
        joined.append(",").append(values[i]);
    }
    return joined;
}

/// Adds `value` under `name`: a second value turns the entry into a list (semiflatten).
void add_semiflat(json::object& object, std::string const& name, std::string const& value)
{
    auto found = object.find(name);
    if (found == object.end()) {
        object.emplace(name, value);
    } else if (found->value().is_array()) {
        found->value().as_array().emplace_back(value);
    } else {
        json::array list;
        list.emplace_back(std::move(found->value()));
        list.emplace_back(value);
        found->value() = std::move(list);
    }
}

/// json_safe(): UTF-8 text as is, anything else as an RFC 2397 data URL.
std::string json_safe(std::string_view bytes, std::string_view content_type)
{
    if (is_valid_utf8(bytes)) {
        return std::string{bytes};
    }
    std::string url{"data:"};
    url.append(content_type).append(";base64,").append(base64_encode(bytes));
    return url;
}

bool media_type_is(std::string_view type, std::string_view expected) noexcept
{
    return http::iequals(type, expected);
}

struct parsed_body {
    json::object form;
    json::object files;
    std::string data;
};

awaitable<void> read_multipart(web::request& request, parsed_body& body)
{
    web::multipart_options options{.max_size = request.app().options().client_max_size};
    web::multipart_reader reader = request.multipart(std::move(options));
    while (std::optional<web::body_part> part = co_await reader.next()) {
        std::string const content = co_await part->read();
        std::string const name = repair_utf8(part->name());
        if (part->filename().empty()) {
            add_semiflat(body.form, name, repair_utf8(content));
        } else if (!body.files.contains(name)) {
            // httpbin reads request.files.items(): only the first file of a repeated name.
            std::string_view const type = part->content_type();
            body.files.emplace(
                name, json_safe(content, type.empty() ? "application/octet-stream" : type));
        }
    }
}

} // namespace

json::object request_args(web::request const& request)
{
    json::object args;
    for (auto const& [name, value] : request.query()) {
        add_semiflat(args, repair_utf8(name), repair_utf8(value));
    }
    return args;
}

json::object request_headers(web::request const& request)
{
    bool const show_env = request.query().contains("show_env");
    json::object headers;
    for (auto const& [name, value] : request.headers()) {
        std::string const title = title_case_header(name);
        if (headers.contains(title) || (!show_env && is_proxy_field(title))) {
            continue;
        }
        headers.emplace(title, repair_utf8(*joined_field(request, name)));
    }
    return headers;
}

std::optional<std::string_view> arg_ignoring_case(web::request const& request,
                                                  std::string_view name)
{
    for (auto const& [key, value] : request.query()) {
        if (http::iequals(key, name)) {
            return std::string_view{value};
        }
    }
    return std::nullopt;
}

std::string request_origin(web::request const& request)
{
    if (auto forwarded = joined_field(request, "X-Forwarded-For")) {
        return *forwarded;
    }
    return std::string{request.remote()};
}

std::string request_url(web::request const& request)
{
    std::string scheme = "http";
    auto const& headers = request.headers();
    if (auto proto = headers.find("X-Forwarded-Proto")) {
        scheme = *proto;
    } else if (auto protocol = headers.find("X-Forwarded-Protocol")) {
        scheme = *protocol;
    } else if (headers.value_or("X-Forwarded-Ssl", "") == "on") {
        scheme = "https";
    }
    std::string_view path = request.path();
    while (!path.empty() && path.front() == '/') {
        path.remove_prefix(1); // werkzeug rebuilds root_path + "/" + path.lstrip("/")
    }
    std::string quoted{"/"};
    quoted.append(url_quote(repair_utf8(path), "/:"));
    if (!request.query_string().empty()) {
        quoted.append("?").append(url_quote(request.query_string(), ":&%=+$!*'(),"));
    }
    std::string url = std::move(scheme);
    url.append("://").append(request.host()).append(uri_to_iri(quoted));
    return url;
}

std::string external_url(web::request const& request, std::string_view path)
{
    std::string url{"http://"};
    url.append(request.host()).append(path);
    return url;
}

awaitable<json::object> request_body(web::request& request)
{
    parsed_body body;
    std::string_view const type = request.content_type();
    // Werkzeug parses a form body whatever the method; any other body is kept as data.
    if (media_type_is(type, "multipart/form-data")) {
        co_await read_multipart(request, body);
    } else if (media_type_is(type, "application/x-www-form-urlencoded")) {
        std::string const raw = co_await request.read();
        for (auto const& [name, value] : http::query_params::parse(raw)) {
            add_semiflat(body.form, repair_utf8(name), repair_utf8(value));
        }
    } else {
        body.data = co_await request.read();
    }

    json::value parsed; // null unless the data is a JSON text
    if (!body.data.empty() && is_valid_utf8(body.data)) {
        boost::system::error_code ec;
        json::value value = json::parse(body.data, ec);
        if (!ec) {
            parsed = std::move(value);
        }
    }
    json::object out;
    out.emplace("data", json_safe(body.data, "application/octet-stream"));
    out.emplace("files", std::move(body.files));
    out.emplace("form", std::move(body.form));
    out.emplace("json", std::move(parsed));
    co_return out;
}

json::value sorted_keys(json::value const& value)
{
    if (value.is_array()) {
        json::array out;
        out.reserve(value.as_array().size());
        for (auto const& item : value.as_array()) {
            out.push_back(sorted_keys(item));
        }
        return out;
    }
    if (!value.is_object()) {
        return value;
    }
    std::vector<json::key_value_pair const*> entries;
    for (auto const& entry : value.as_object()) {
        entries.push_back(&entry);
    }
    std::sort(entries.begin(), entries.end(),
              [](auto const* a, auto const* b) { return a->key() < b->key(); });
    json::object out;
    out.reserve(entries.size());
    for (auto const* entry : entries) {
        out.emplace(entry->key(), sorted_keys(entry->value()));
    }
    return out;
}

web::response jsonify(json::value const& value, http::status code)
{
    std::string body = json::serialize(sorted_keys(value));
    body.push_back('\n');
    return web::response::json(std::move(body), code);
}

std::string python_dumps(json::value const& value)
{
    if (value.is_array()) {
        std::string out = "[";
        bool first = true;
        for (auto const& item : value.as_array()) {
            out.append(first ? "" : ", ").append(python_dumps(item));
            first = false;
        }
        return out + "]";
    }
    if (value.is_object()) {
        std::string out = "{";
        bool first = true;
        for (auto const& entry : value.as_object()) {
            out.append(first ? "" : ", ")
                .append(json::serialize(json::string{entry.key()}))
                .append(": ")
                .append(python_dumps(entry.value()));
            first = false;
        }
        return out + "}";
    }
    return json::serialize(value);
}

web::response empty_html(http::status code)
{
    return web::response::html({}, code);
}

} // namespace ahttp::cli::httpbin
