// SPDX-License-Identifier: BSL-1.0
// httpbin's after_request hook as a middleware: CORS fields on every response, OPTIONS
// preflights answered for every route, and errors shown as small HTML pages as Flask does.
#include "httpbin/httpbin_routes.hpp"
#include "httpbin/httpbin_text.hpp"

#include <ahttp/http/status.hpp>
#include <ahttp/web/http_exceptions.hpp>
#include <ahttp/web/request.hpp>
#include <ahttp/web/response.hpp>

#include <string>

namespace ahttp::cli::httpbin {

namespace {

bool is_options(web::request const& request) noexcept
{
    return request.method_token() == "OPTIONS";
}

/// Flask answers OPTIONS itself for every route it has, with an empty page and Allow.
web::response preflight(std::string_view allowed)
{
    web::response response = web::response::html({});
    std::string allow{allowed};
    allow.append(", OPTIONS");
    response.headers().set("Allow", allow);
    return response;
}

/// An error page in Flask's shape (an HTML title and heading), in our own words.
web::response error_page(web::http_exception const& error)
{
    std::string const title = std::to_string(http::to_int(error.status())) + " " +
                              std::string{http::reason_phrase(error.status())};
    std::string page =
        "<!doctype html>\n<html lang=en>\n<title>" + title + "</title>\n<h1>" + title + "</h1>\n";
    std::string const bare = std::to_string(http::to_int(error.status())) + ": " +
                             std::string{http::reason_phrase(error.status())};
    if (error.text() != bare) { // a reason beyond the status (e.g. a malformed body's)
        page.append("<p>").append(escape_html(error.text())).append("</p>\n");
    }
    web::response response = web::response::html(std::move(page), error.status());
    for (auto const& [name, value] : error.headers()) {
        response.headers().add(name, value);
    }
    return response;
}

awaitable<web::response> add_cors(web::request& request, web::next next)
{
    web::response response;
    try {
        response = co_await next(request);
    } catch (web::http_method_not_allowed const& error) {
        response = is_options(request) ? preflight(error.headers().value_or("Allow", ""))
                                       : error_page(error);
    } catch (web::http_exception const& error) {
        response = error_page(error);
    }
    if (!response.is_prepared()) { // a stream_response sent its fields already
        add_cors_fields(request, response);
    }
    co_return response;
}

} // namespace

void add_cors_fields(web::request const& request, web::response& response)
{
    auto& headers = response.headers();
    headers.set("Access-Control-Allow-Origin", request.headers().value_or("Origin", "*"));
    headers.set("Access-Control-Allow-Credentials", "true");
    if (is_options(request)) {
        // Only meaningful on a preflight (https://www.w3.org/TR/cors/).
        headers.set("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, PATCH, OPTIONS");
        headers.set("Access-Control-Max-Age", "3600");
        if (auto requested = request.headers().find("Access-Control-Request-Headers")) {
            headers.set("Access-Control-Allow-Headers", *requested);
        }
    }
}

web::middleware cors_middleware()
{
    return add_cors;
}

} // namespace ahttp::cli::httpbin
