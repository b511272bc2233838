// SPDX-License-Identifier: BSL-1.0
// httpbin's fixed documents (/html, /xml, /robots.txt, /encoding/utf8) and /base64/{value},
// which decodes its path. The documents are our own; their media types are httpbin's.
#include "httpbin/httpbin_routes.hpp"
#include "httpbin/httpbin_text.hpp"

namespace ahttp::cli::httpbin {

namespace {

constexpr char const* html_page = R"(<!DOCTYPE html>
<html>
  <head>
    <title>ahttp httpbin</title>
  </head>
  <body>
    <h1>A page of HTML</h1>
    <p>
      This page exists so that HTTP clients have some HTML to fetch, parse and compare.
      It has a title, a heading, a paragraph and a short list:
    </p>
    <ul>
      <li>requests are answered by ahttp's server;</li>
      <li>every endpoint mirrors one of httpbin's;</li>
      <li>nothing here changes between requests.</li>
    </ul>
  </body>
</html>
)";

constexpr char const* xml_document = R"(<?xml version='1.0' encoding='us-ascii'?>
<!-- A small sample document -->
<catalog title="Sample catalog" owner="ahttp">
    <item id="1">
        <name>Kettle</name>
        <note>Boils water.</note>
    </item>
    <item id="2">
        <name>Teapot</name>
        <note>Short and stout.</note>
    </item>
</catalog>
)";

constexpr char const* robots = "User-agent: *\nDisallow: /deny\n";

constexpr char const* utf8_sample = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                                    "<title>UTF-8</title></head><body><pre>\n"
                                    "Latin-1:  café, naïve, façade, smörgåsbord\n"
                                    "Greek:    αβγδε ΑΒΓΔΕ\n"
                                    "Cyrillic: привет, мир\n"
                                    "Math:     ∀x ∈ ℝ: x² ≥ 0, ∑ ∫ √ ∞ ≠ ≤\n"
                                    "Arrows:   ← ↑ → ↓ ↔\n"
                                    "CJK:      日本語 中文 한국어\n"
                                    "Emoji:    ☕ 🫖 🚀\n"
                                    "</pre></body></html>\n";

awaitable<web::response> html(web::request&)
{
    co_return web::response::html(html_page);
}

awaitable<web::response> xml(web::request&)
{
    co_return web::response::text(xml_document, http::status::ok, "application/xml");
}

awaitable<web::response> robots_txt(web::request&)
{
    co_return web::response::text(robots, http::status::ok, "text/plain");
}

awaitable<web::response> utf8(web::request&)
{
    co_return web::response::html(utf8_sample);
}

awaitable<web::response> base64(web::request& req)
{
    std::optional<std::string> const decoded = base64_decode(req.path_param("value"), true);
    if (!decoded || !is_valid_utf8(*decoded)) {
        co_return web::response::text("Incorrect Base64 data, or not UTF-8 text once decoded\n",
                                      http::status::bad_request);
    }
    co_return web::response::html(*decoded);
}

} // namespace

void add_page_routes(web::router& router)
{
    router.add_get("/html", html);
    router.add_get("/xml", xml);
    router.add_get("/robots.txt", robots_txt);
    router.add_get("/encoding/utf8", utf8);
    router.add_get("/base64/{value}", base64);
}

} // namespace ahttp::cli::httpbin
