// SPDX-License-Identifier: BSL-1.0
// What httpbin reports about a request (its get_dict): args, headers, origin, url, and the
// body as data/files/form/json; plus JSON responses written the way Flask's jsonify does.
#pragma once

#include <ahttp/awaitable.hpp>
#include <ahttp/http/status.hpp>
#include <ahttp/web/request.hpp>
#include <ahttp/web/response.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace ahttp::cli::httpbin {

/// The query as httpbin shows it: a name given once maps to a string, a repeated name to a
/// list of strings in order (werkzeug's MultiDict, "semiflattened").
boost::json::object request_args(web::request const& request);

/// The request's header fields with Title-Case names, repeated fields joined with ',' (as
/// gunicorn hands them to Flask). Proxy fields (X-Forwarded-For, Via...) are hidden unless
/// the query has `show_env`.
boost::json::object request_headers(web::request const& request);

/// The first query value whose name matches `name` ignoring case: httpbin reads its own
/// parameters (seed, chunk_size, url, status_code...) through a case-insensitive dict.
std::optional<std::string_view> arg_ignoring_case(web::request const& request,
                                                  std::string_view name);

/// X-Forwarded-For if present, else the peer's address.
std::string request_origin(web::request const& request);

/// The URL as werkzeug rebuilds it: scheme (X-Forwarded-Proto wins), Host, the decoded path
/// re-quoted, the query as sent, then shown as an IRI (UTF-8 unescaped).
std::string request_url(web::request const& request);

/// "http://" + Host + `path`: what Flask's url_for(_external=True) gives.
std::string external_url(web::request const& request, std::string_view path);

/// Reads the body and returns {"data", "files", "form", "json"} as httpbin does: a form body
/// (urlencoded or multipart) fills form and files and leaves data empty; any other body is
/// data (a "data:" URL if it is not UTF-8) and json if it parses.
awaitable<boost::json::object> request_body(web::request& request);

/// `value` with the keys of every object sorted, as Flask's jsonify writes them.
boost::json::value sorted_keys(boost::json::value const& value);

/// A JSON response as Flask's jsonify makes it: sorted keys, compact, a final newline.
web::response jsonify(boost::json::value const& value, http::status code = http::status::ok);

/// `value` serialized as Python's json.dumps does by default: ", " and ": " separators,
/// keys in insertion order (httpbin's /stream lines).
std::string python_dumps(boost::json::value const& value);

/// An empty-bodied response with Flask's default Content-Type (text/html; charset=utf-8).
web::response empty_html(http::status code);

} // namespace ahttp::cli::httpbin
