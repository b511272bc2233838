// SPDX-License-Identifier: BSL-1.0
// httpbin's bare status responses (see httpbin_status_response.hpp).
#include "httpbin/httpbin_status_response.hpp"
#include "httpbin/httpbin_text.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <string>

namespace ahttp::cli::httpbin {

namespace {

// RFC 2324 §2.3.2. Our own drawing; httpbin's has the same caption.
constexpr char const* teapot = R"(
         -=[ teapot ]=-
              ____
      _     .'    '.     __
     ( \___/  o  o  \___/ /
      \                  /
       '.  short  and  .'
         '-.  stout .-'
            '------'
)";

} // namespace

web::response redirect_page(std::string const& location)
{
    std::string const link = escape_html(location);
    web::response r =
        web::response::html("<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n"
                            "<h1>Redirecting...</h1>\n<p>This page has moved to <a href=\"" +
                                link + "\">" + link + "</a>.\n",
                            http::status::found);
    r.headers().set("Location", location);
    return r;
}

web::response status_response(unsigned code)
{
    auto const status = static_cast<http::status>(code);
    web::response response{status};
    if (code == 418) {
        response.set_status(status, "I'm a teapot"); // RFC 2324 §2.3.2
    } else if (http::reason_phrase(status).front() == '<') {
        response.set_status(status, "Unknown"); // not "<unknown-status>" on the wire
    }
    auto& headers = response.headers();
    switch (code) {
    case 301:
    case 302:
    case 303:
    case 305:
    case 307:
        // httpbin replaces every field here, Content-Type included.
        headers.set("Location", "/redirect/1");
        break;
    case 304:
        break; // no content, no Content-Type (RFC 9110 §15.4.5)
    case 401:
        headers.set("WWW-Authenticate", R"(Basic realm="Fake Realm")");
        break;
    case 402:
        response.set_body("Payment required before you may see this.");
        headers.set("x-more-info", "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.3");
        break;
    case 406: {
        boost::json::value const body = {
            {"message", "Client did not ask for a media type this server has."},
            {"accept", {"image/webp", "image/svg+xml", "image/jpeg", "image/png", "image/*"}}};
        response.set_body(boost::json::serialize(body), "application/json");
        break;
    }
    case 407:
        headers.set("Proxy-Authenticate", R"(Basic realm="Fake Realm")");
        break;
    case 418:
        response.set_body(teapot);
        headers.set("x-more-info", "http://tools.ietf.org/html/rfc2324");
        break;
    default:
        headers.set("Content-Type", "text/html; charset=utf-8");
        break;
    }
    return response;
}

} // namespace ahttp::cli::httpbin
