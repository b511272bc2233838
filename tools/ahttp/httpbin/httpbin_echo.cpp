// SPDX-License-Identifier: BSL-1.0
// httpbin's echo endpoints: the request comes back as JSON (/get, /post, /anything, ...),
// possibly late (/delay), compressed (/gzip), cacheable (/cache, /etag) or with chosen
// response fields (/response-headers).
#include "httpbin/httpbin_request_info.hpp"
#include "httpbin/httpbin_routes.hpp"
#include "httpbin/httpbin_text.hpp"

#include <ahttp/http/date.hpp>
#include <ahttp/sleep.hpp>
#include <ahttp/web/http_exceptions.hpp>

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

namespace ahttp::cli::httpbin {

namespace json = boost::json;
using web::request;
using web::response;

namespace {

/// url, args, headers and origin: what every echo shares (httpbin's /get).
json::object basic_echo(request const& req)
{
    json::object out;
    out.emplace("args", request_args(req));
    out.emplace("headers", request_headers(req));
    out.emplace("origin", request_origin(req));
    out.emplace("url", request_url(req));
    return out;
}

/// The /get shape plus data, files, form and json (httpbin's /post family).
awaitable<json::object> body_echo(request& req)
{
    json::object out = basic_echo(req);
    json::object body = co_await request_body(req);
    for (auto& [key, value] : body) {
        out.emplace(key, std::move(value));
    }
    co_return out;
}

/// 32 random hex digits, or the same shaped as a version 4 UUID (RFC 9562 §5.4).
std::string random_hex(bool as_uuid)
{
    thread_local std::mt19937_64 generator{std::random_device{}()};
    std::uint64_t const high = generator();
    std::uint64_t const low = generator();
    char text[40];
    if (!as_uuid) {
        std::snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(high),
                      static_cast<unsigned long long>(low));
        return text;
    }
    std::snprintf(text, sizeof text, "%08llx-%04llx-4%03llx-%04llx-%012llx",
                  static_cast<unsigned long long>(high >> 32),
                  static_cast<unsigned long long>((high >> 16) & 0xFFFF),
                  static_cast<unsigned long long>(high & 0x0FFF),
                  static_cast<unsigned long long>(((low >> 48) & 0x3FFF) | 0x8000),
                  static_cast<unsigned long long>(low & 0xFFFFFFFFFFFF));
    return text;
}

awaitable<response> get(request& req)
{
    co_return jsonify(basic_echo(req));
}

awaitable<response> post_family(request& req)
{
    json::object const echo = co_await body_echo(req);
    co_return jsonify(echo);
}

awaitable<response> anything(request& req)
{
    if (req.method_token() == "OPTIONS") {
        // Left to the CORS middleware, which answers the preflight as for any route.
        throw web::http_method_not_allowed{"GET, POST, PUT, DELETE, PATCH, TRACE, HEAD"};
    }
    json::object out = co_await body_echo(req);
    out.emplace("method", req.method_token());
    co_return jsonify(out);
}

awaitable<response> headers(request& req)
{
    json::object out;
    out.emplace("headers", request_headers(req));
    co_return jsonify(out);
}

awaitable<response> ip(request& req)
{
    json::object out;
    out.emplace("origin", request_origin(req));
    co_return jsonify(out);
}

awaitable<response> user_agent(request& req)
{
    json::object out;
    json::value agent; // null without the field, as httpbin
    if (auto value = req.headers().find("User-Agent")) {
        agent = *value;
    }
    out.emplace("user-agent", std::move(agent));
    co_return jsonify(out);
}

awaitable<response> uuid(request&)
{
    json::object out;
    out.emplace("uuid", random_hex(true));
    co_return jsonify(out);
}

awaitable<response> delay(request& req)
{
    std::optional<double> const seconds = parse_number(req.path_param("delay"));
    if (!seconds || *seconds < 0) {
        co_return response::text("delay must be a number of seconds, 0 to 10\n",
                                 http::status::bad_request);
    }
    // httpbin caps the delay at 10 s; a timer, so other requests go on meanwhile.
    auto const wait = std::chrono::duration<double>{std::min(*seconds, 10.0)};
    co_await ahttp::sleep(std::chrono::duration_cast<std::chrono::steady_clock::duration>(wait));
    json::object out = co_await body_echo(req);
    out.erase("json"); // httpbin's /delay reports everything but json
    co_return jsonify(out);
}

/// /gzip, /deflate, /brotli: compressed whatever Accept-Encoding says, as httpbin does.
response coded_echo(request const& req, char const* flag, web::content_coding coding)
{
    json::object out;
    out.emplace("headers", request_headers(req));
    out.emplace("method", req.method_token());
    out.emplace("origin", request_origin(req));
    out.emplace(flag, true);
    response r = jsonify(out);
    r.enable_compression(coding);
    return r;
}

awaitable<response> gzip(request& req)
{
    co_return coded_echo(req, "gzipped", web::content_coding::gzip);
}

awaitable<response> deflate(request& req)
{
    co_return coded_echo(req, "deflated", web::content_coding::deflate);
}

awaitable<response> brotli(request& req)
{
    co_return coded_echo(req, "brotli", web::content_coding::br);
}

awaitable<response> cache(request& req)
{
    bool const conditional = !req.headers().value_or("If-Modified-Since", "").empty() ||
                             !req.headers().value_or("If-None-Match", "").empty();
    if (conditional) {
        co_return response{http::status::not_modified};
    }
    response r = jsonify(basic_echo(req));
    auto const now =
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    r.headers().set("Last-Modified", http::format_date(now));
    r.headers().set("ETag", random_hex(false));
    co_return r;
}

awaitable<response> cache_for(request& req)
{
    std::optional<std::uint64_t> const seconds = parse_unsigned(req.path_param("value"));
    if (!seconds) {
        co_return response::text("max-age must be a number of seconds\n",
                                 http::status::bad_request);
    }
    response r = jsonify(basic_echo(req));
    r.headers().set("Cache-Control", "public, max-age=" + std::to_string(*seconds));
    co_return r;
}

/// The entity tags of If-Match / If-None-Match as httpbin reads them: comma-separated,
/// each without its W/ and quotes.
std::vector<std::string> entity_tags(std::string_view field)
{
    std::vector<std::string> tags;
    while (!field.empty()) {
        std::size_t const comma = field.find(',');
        std::string_view part = field.substr(0, comma);
        field = comma == std::string_view::npos ? std::string_view{} : field.substr(comma + 1);
        while (!part.empty() && (part.front() == ' ' || part.front() == '\t')) {
            part.remove_prefix(1);
        }
        if (part.substr(0, 2) == "W/") {
            part.remove_prefix(2);
        }
        if (!part.empty() && part.front() == '"') {
            part.remove_prefix(1);
        }
        tags.emplace_back(part.substr(0, part.find('"')));
    }
    return tags;
}

awaitable<response> etag(request& req)
{
    std::string const tag{req.path_param("etag")};
    auto const none_match = entity_tags(req.headers().value_or("If-None-Match", ""));
    auto const match = entity_tags(req.headers().value_or("If-Match", ""));
    auto const lists = [&](std::vector<std::string> const& tags) {
        return std::find(tags.begin(), tags.end(), tag) != tags.end() ||
               std::find(tags.begin(), tags.end(), "*") != tags.end();
    };
    if (!none_match.empty() && lists(none_match)) {
        response r{http::status::not_modified};
        r.headers().set("ETag", tag);
        co_return r;
    }
    if (none_match.empty() && !match.empty() && !lists(match)) {
        co_return empty_html(http::status::precondition_failed);
    }
    response r = jsonify(basic_echo(req));
    r.headers().set("ETag", tag);
    co_return r;
}

/// A field we may send as asked: a token name, a value without control characters, and not
/// one that would change the message's framing.
bool may_echo_field(std::string_view name, std::string_view value)
{
    if (name.empty() || http::iequals(name, "Content-Length") ||
        http::iequals(name, "Transfer-Encoding")) {
        return false;
    }
    bool const name_ok = std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               std::string_view{"!#$%&'*+-.^_`|~"}.find(c) != std::string_view::npos;
    });
    bool const value_ok = std::none_of(value.begin(), value.end(), [](char c) {
        return (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7F;
    });
    return name_ok && value_ok;
}

awaitable<response> response_headers(request& req)
{
    std::vector<std::pair<std::string, std::string>> asked;
    for (auto const& [name, value] : req.query()) {
        if (may_echo_field(name, value)) {
            asked.emplace_back(name, value);
        }
    }
    // The body lists the response's own fields, Content-Length included, so its length
    // depends on itself: recompute until it stops changing (as httpbin does).
    std::string body;
    std::size_t length = 0;
    for (int round = 0; round < 10; ++round) {
        std::vector<std::pair<std::string, std::string>> fields{
            {"Content-Type", "application/json"}, {"Content-Length", std::to_string(length)}};
        fields.insert(fields.end(), asked.begin(), asked.end());
        json::object listed;
        for (auto const& [name, value] : fields) {
            if (listed.contains(name)) {
                continue;
            }
            json::array values;
            for (auto const& [other, other_value] : fields) {
                if (http::iequals(other, name)) {
                    values.emplace_back(other_value);
                }
            }
            listed.emplace(name,
                           values.size() == 1 ? values.front() : json::value(std::move(values)));
        }
        body = json::serialize(sorted_keys(listed)) + "\n";
        if (body.size() == length) {
            break;
        }
        length = body.size();
    }
    response r = response::json(std::move(body));
    for (auto const& [name, value] : asked) {
        r.headers().add(name, value);
    }
    co_return r;
}

} // namespace

void add_echo_routes(web::router& router)
{
    router.add_get("/get", get);
    router.add_post("/post", post_family);
    router.add_put("/put", post_family);
    router.add_patch("/patch", post_family);
    router.add_delete("/delete", post_family);
    router.add_route("*", "/anything", anything);
    router.add_route("*", "/anything/{anything:.*}", anything);
    router.add_get("/headers", headers);
    router.add_get("/ip", ip);
    router.add_get("/user-agent", user_agent);
    router.add_get("/uuid", uuid);
    router.add_get("/delay/{delay}", delay);
    router.add_get("/gzip", gzip);
    router.add_get("/deflate", deflate);
    router.add_get("/brotli", brotli);
    router.add_get("/cache", cache);
    router.add_get(R"(/cache/{value:\d+})", cache_for);
    router.add_get("/etag/{etag}", etag);
    router.add_get("/response-headers", response_headers);
    router.add_post("/response-headers", response_headers);
}

} // namespace ahttp::cli::httpbin
