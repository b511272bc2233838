// SPDX-License-Identifier: BSL-1.0
// httpbin's redirect chains (/redirect/{n}, /relative-redirect/{n}, /absolute-redirect/{n})
// and /redirect-to?url=...&status_code=..., which sends the Location exactly as given.
#include "httpbin/httpbin_request_info.hpp"
#include "httpbin/httpbin_routes.hpp"
#include "httpbin/httpbin_status_response.hpp"
#include "httpbin/httpbin_text.hpp"

#include <ahttp/http/headers.hpp>

#include <optional>
#include <string>

namespace ahttp::cli::httpbin {

namespace {

/// The {n} of a chain: at least 1 (httpbin fails on 0 with a 500).
std::optional<std::uint64_t> chain_length(web::request const& req)
{
    std::optional<std::uint64_t> const n = parse_unsigned(req.path_param("n"));
    if (!n || *n == 0) {
        return std::nullopt;
    }
    return n;
}

web::response bad_length()
{
    return web::response::text("the number of redirects must be at least 1\n",
                               http::status::bad_request);
}

awaitable<web::response> redirect(web::request& req)
{
    std::optional<std::uint64_t> const n = chain_length(req);
    if (!n) {
        co_return bad_length();
    }
    std::string const absolute{req.query().value_or("absolute", "false")};
    bool const external = http::iequals(absolute, "true");
    std::string path = "/get";
    if (*n > 1) {
        path = (external ? "/absolute-redirect/" : "/relative-redirect/") + std::to_string(*n - 1);
    }
    co_return redirect_page(external ? external_url(req, path) : path);
}

awaitable<web::response> relative_redirect(web::request& req)
{
    std::optional<std::uint64_t> const n = chain_length(req);
    if (!n) {
        co_return bad_length();
    }
    // httpbin sends this one without a page.
    web::response r = empty_html(http::status::found);
    r.headers().set("Location", *n == 1 ? "/get" : "/relative-redirect/" + std::to_string(*n - 1));
    co_return r;
}

awaitable<web::response> absolute_redirect(web::request& req)
{
    std::optional<std::uint64_t> const n = chain_length(req);
    if (!n) {
        co_return bad_length();
    }
    std::string const path = *n == 1 ? "/get" : "/absolute-redirect/" + std::to_string(*n - 1);
    co_return redirect_page(external_url(req, path));
}

awaitable<web::response> redirect_to(web::request& req)
{
    std::optional<std::string_view> const url = arg_ignoring_case(req, "url");
    if (!url || url->find_first_of("\r\n") != std::string_view::npos) {
        co_return web::response::text("redirect-to needs a url parameter (one line)\n",
                                      http::status::bad_request);
    }
    unsigned code = 302;
    if (auto const asked = arg_ignoring_case(req, "status_code")) {
        std::optional<std::int64_t> const number = parse_signed(*asked);
        if (!number) {
            co_return web::response::text("status_code must be a number\n",
                                          http::status::bad_request);
        }
        if (*number >= 300 && *number < 400) {
            code = static_cast<unsigned>(*number); // any other code keeps 302, as httpbin
        }
    }
    web::response r = empty_html(static_cast<http::status>(code));
    r.headers().set("Location", *url);
    co_return r;
}

} // namespace

void add_redirect_routes(web::router& router)
{
    router.add_get(R"(/redirect/{n:\d+})", redirect);
    router.add_get(R"(/relative-redirect/{n:\d+})", relative_redirect);
    router.add_get(R"(/absolute-redirect/{n:\d+})", absolute_redirect);
    for (char const* method : {"GET", "POST", "PUT", "DELETE", "PATCH", "TRACE"}) {
        router.add_route(method, "/redirect-to", redirect_to);
    }
}

} // namespace ahttp::cli::httpbin
