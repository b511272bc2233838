// SPDX-License-Identifier: BSL-1.0
// httpbin's authentication endpoints: Basic credentials checked against the path
// (/basic-auth, and /hidden-basic-auth which answers 404 instead of a challenge) and any
// bearer token accepted (/bearer).
#include "httpbin/httpbin_request_info.hpp"
#include "httpbin/httpbin_routes.hpp"
#include "httpbin/httpbin_status_response.hpp"
#include "httpbin/httpbin_text.hpp"

#include <ahttp/http/headers.hpp>

#include <optional>
#include <string>
#include <utility>

namespace ahttp::cli::httpbin {

namespace json = boost::json;

namespace {

/// The user and password of an "Authorization: Basic ..." field (RFC 7617 §2), if any.
std::optional<std::pair<std::string, std::string>> basic_credentials(web::request const& req)
{
    std::string_view field = req.headers().value_or("Authorization", "");
    std::size_t const space = field.find(' ');
    if (space == std::string_view::npos || !http::iequals(field.substr(0, space), "Basic")) {
        return std::nullopt;
    }
    std::optional<std::string> const decoded = base64_decode(field.substr(space + 1), false);
    if (!decoded) {
        return std::nullopt;
    }
    std::size_t const colon = decoded->find(':');
    if (colon == std::string::npos) {
        return std::nullopt;
    }
    return std::pair{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

bool credentials_match(web::request const& req)
{
    auto const credentials = basic_credentials(req);
    return credentials && credentials->first == req.path_param("user") &&
           credentials->second == req.path_param("passwd");
}

web::response authenticated(json::object out)
{
    out.emplace("authenticated", true);
    return jsonify(out);
}

awaitable<web::response> basic_auth(web::request& req)
{
    if (!credentials_match(req)) {
        co_return status_response(401);
    }
    json::object out;
    out.emplace("user", req.path_param("user"));
    co_return authenticated(std::move(out));
}

awaitable<web::response> hidden_basic_auth(web::request& req)
{
    if (!credentials_match(req)) {
        co_return status_response(404); // no challenge: the resource seems not to exist
    }
    json::object out;
    out.emplace("user", req.path_param("user"));
    co_return authenticated(std::move(out));
}

awaitable<web::response> bearer(web::request& req)
{
    std::optional<std::string_view> const field = req.headers().find("Authorization");
    if (!field) {
        web::response r = empty_html(http::status::unauthorized);
        r.headers().set("WWW-Authenticate", "Bearer");
        co_return r;
    }
    // httpbin 0.9.2 takes any Authorization field; the token is what follows the scheme.
    std::string_view token = *field;
    if (token.size() >= 7 && http::iequals(token.substr(0, 7), "Bearer ")) {
        token.remove_prefix(7);
    }
    json::object out;
    out.emplace("token", token);
    co_return authenticated(std::move(out));
}

} // namespace

void add_auth_routes(web::router& router)
{
    router.add_get("/basic-auth/{user}/{passwd}", basic_auth);
    router.add_get("/hidden-basic-auth/{user}/{passwd}", hidden_basic_auth);
    router.add_get("/bearer", bearer);
}

} // namespace ahttp::cli::httpbin
