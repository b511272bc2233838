// SPDX-License-Identifier: BSL-1.0
// web::response factories and cookies.
#include <ahttp/web/response.hpp>

#include <boost/json/serialize.hpp>

namespace ahttp::web {

// The factories fill a new response directly: it has no fields yet, so set_body()'s search
// for an existing Content-Type (run for every response a handler makes) is not needed.

response response::text(std::string body, http::status code, std::string_view content_type)
{
    response r{code};
    r.body_ = std::move(body);
    r.headers_.add(http::field::content_type, content_type);
    return r;
}

response response::bytes(std::string body, std::string_view content_type, http::status code)
{
    response r{code};
    r.body_ = std::move(body);
    r.headers_.add(http::field::content_type, content_type);
    return r;
}

response response::json(std::string serialized_json, http::status code)
{
    response r{code};
    r.body_ = std::move(serialized_json);
    r.headers_.add(http::field::content_type, "application/json");
    return r;
}

response response::json(boost::json::value const& value, http::status code)
{
    return json(boost::json::serialize(value), code);
}

response response::html(std::string body, http::status code)
{
    return text(std::move(body), code, "text/html; charset=utf-8");
}

std::string_view response::reason() const noexcept
{
    return reason_.empty() ? http::reason_phrase(status_) : std::string_view{reason_};
}

void response::set_status(http::status code, std::string reason)
{
    status_ = code;
    // A reason phrase must not break the status line (RFC 9112 §4: no CR/LF).
    if (reason.find_first_of("\r\n") != std::string::npos) {
        reason.clear();
    }
    reason_ = std::move(reason);
}

void response::set_body(std::string body, std::string_view content_type)
{
    body_ = std::move(body);
    headers_.set(http::field::content_type, content_type);
}

void response::set_cookie(std::string_view name, std::string_view value,
                          cookie_options const& options)
{
    std::string line;
    line.reserve(name.size() + value.size() + 64);
    line.append(name).append("=").append(value);
    if (!options.domain.empty()) {
        line.append("; Domain=").append(options.domain);
    }
    if (options.max_age) {
        line.append("; Max-Age=").append(std::to_string(options.max_age->count()));
    }
    if (!options.path.empty()) {
        line.append("; Path=").append(options.path);
    }
    if (!options.same_site.empty()) {
        line.append("; SameSite=").append(options.same_site);
    }
    if (options.secure) {
        line.append("; Secure");
    }
    if (options.http_only) {
        line.append("; HttpOnly");
    }
    headers_.add(http::field::set_cookie, line);
}

void response::del_cookie(std::string_view name, std::string_view path, std::string_view domain)
{
    std::string line{name};
    line.append("=\"\"; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0");
    if (!domain.empty()) {
        line.append("; Domain=").append(domain);
    }
    line.append("; Path=").append(path);
    headers_.add(http::field::set_cookie, line);
}

} // namespace ahttp::web
