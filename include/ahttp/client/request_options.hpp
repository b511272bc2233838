// SPDX-License-Identifier: BSL-1.0
// client::request_options: what one request adds to or overrides in its session's defaults.
#pragma once

#include <ahttp/awaitable.hpp>
#include <ahttp/client/form_data.hpp>
#include <ahttp/client/retry.hpp>
#include <ahttp/client/timeout.hpp>
#include <ahttp/http/basic_auth.hpp>
#include <ahttp/http/headers.hpp>
#include <ahttp/http/query.hpp>

#include <boost/json/value.hpp>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ahttp::client {

/// A request body produced while it is sent: each call returns the next piece, an empty
/// string at the end. It is sent chunked, so its length need not be known.
using body_stream = std::function<awaitable<std::string>()>;

/// Per-request options (aiohttp's `session.request()` keyword arguments). Every field is
/// optional; at most one of `data`, `form`, `multipart`, `stream` and `json` may be set.
/// @par Example
///   co_await session.get(url, {.params = {{"key", "1"}}, .timeout = {.total = 10s}});
///   co_await session.post(url, {.json = boost::json::object{{"name", "ahttp"}}});
struct request_options {
    /// Appended to the URL's query, encoded as aiohttp (yarl) does.
    http::query_params params{};
    /// Added to the session's headers, replacing fields of the same name.
    http::headers headers{};
    /// Basic credentials (aiohttp's `auth`); overrides the session's and the URL's
    /// user:password. Not combined with an Authorization header: that is an error.
    std::optional<http::basic_auth> auth{};
    /// The proxy for this request ("" = the session's choice).
    std::string proxy{};
    /// Cookies sent with this request (to its first origin only), besides the jar's.
    std::vector<std::pair<std::string, std::string>> cookies{};
    /// The body, sent as is; Content-Type application/octet-stream unless headers set one.
    std::optional<std::string> data{};
    /// A form body, sent as application/x-www-form-urlencoded.
    std::optional<http::query_params> form{};
    /// A multipart/form-data body; files stream from disk as the request is sent.
    std::optional<form_data> multipart{};
    /// A body produced piece by piece while it is sent (chunked transfer coding). Such a
    /// request is never sent twice: no retry, and 307/308 redirects are returned, not followed.
    body_stream stream{};
    /// A JSON body, sent as application/json.
    std::optional<boost::json::value> json{};
    /// Deadlines; empty fields come from the session.
    client_timeout timeout{};
    /// Follow 301, 302, 303, 307 and 308 responses; overrides the session's allow_redirects
    /// (default: yes).
    std::optional<bool> allow_redirects{};
    /// Overrides the session's max_redirects.
    std::optional<std::size_t> max_redirects{};
    /// Overrides the session's retry options.
    std::optional<retry_options> retry{};
    /// Overrides the session's raise_for_status.
    std::optional<bool> raise_for_status{};
};

} // namespace ahttp::client
