// SPDX-License-Identifier: BSL-1.0
// The groups of httpbin endpoints, each registered by its own file; install_httpbin (in
// httpbin_app.cpp) calls them all.
#pragma once

#include <ahttp/web/handler.hpp>
#include <ahttp/web/request.hpp>
#include <ahttp/web/response.hpp>
#include <ahttp/web/router.hpp>

namespace ahttp::cli::httpbin {

/// /get /post /put /patch /delete /anything /headers /ip /user-agent /uuid /delay /gzip
/// /deflate /brotli /cache /cache/{n} /etag/{etag} /response-headers (httpbin_echo.cpp).
void add_echo_routes(web::router& router);
/// /status/{codes} (httpbin_status.cpp).
void add_status_routes(web::router& router);
/// /redirect/{n} /relative-redirect/{n} /absolute-redirect/{n} /redirect-to
/// (httpbin_redirects.cpp).
void add_redirect_routes(web::router& router);
/// /cookies /cookies/set /cookies/set/{name}/{value} /cookies/delete (httpbin_cookies.cpp).
void add_cookie_routes(web::router& router);
/// /basic-auth /hidden-basic-auth /bearer (httpbin_auth.cpp).
void add_auth_routes(web::router& router);
/// /bytes /stream-bytes /stream /drip /range (httpbin_streams.cpp).
void add_stream_routes(web::router& router);
/// /html /xml /robots.txt /encoding/utf8 /base64/{value} (httpbin_pages.cpp).
void add_page_routes(web::router& router);

/// Adds httpbin's CORS fields to every response and answers OPTIONS preflights for every
/// route (httpbin_cors.cpp).
web::middleware cors_middleware();
/// Sets the CORS fields on `response`; streaming handlers call it before prepare(), after
/// which the middleware can no longer add fields.
void add_cors_fields(web::request const& request, web::response& response);

} // namespace ahttp::cli::httpbin
