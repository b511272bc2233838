// SPDX-License-Identifier: BSL-1.0
// web::request: what a handler receives — method, path, query, headers, and a lazily read body.
#pragma once

#include <ahttp/awaitable.hpp>
#include <ahttp/http/headers.hpp>
#include <ahttp/http/method.hpp>
#include <ahttp/http/query.hpp>
#include <ahttp/web/form_data.hpp>
#include <ahttp/web/multipart_reader.hpp>
#include <ahttp/web/router.hpp>

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ahttp::web {

class application;

namespace detail {
class request_channel; // the connection behind a request: body reads, streamed writes
} // namespace detail

/// An HTTP request as a handler sees it.
///
/// @par Lifetime
/// The connection owns the request and awaits the handler to completion: the reference and
/// every view it hands out are valid until the handler's coroutine returns. Copy what detached
/// work needs.
class request {
public:
    http::method method() const noexcept { return method_; }
    /// The method as sent, e.g. "GET" or an extension method.
    std::string_view method_token() const noexcept { return method_token_; }
    /// The request-target as sent: raw path plus query.
    std::string_view target() const noexcept { return target_; }
    /// The path as sent (percent-encoded), without the query.
    std::string_view raw_path() const noexcept { return raw_path_; }
    /// The percent-decoded path; routes match against it.
    std::string_view path() const noexcept { return path_; }
    /// The query string as sent, without '?'.
    std::string_view query_string() const noexcept { return query_string_; }
    /// The decoded query parameters (parsed on first use).
    http::query_params const& query() const;
    http::headers_view const& headers() const noexcept { return *headers_; }
    /// The value captured by `{name}` in the matched route, or an empty view.
    std::string_view path_param(std::string_view name) const noexcept
    {
        return params_.find(name).value_or(std::string_view{});
    }
    web::path_params const& path_params() const noexcept { return params_; }
    /// The value of the cookie `name` from the Cookie field, if any.
    std::optional<std::string_view> cookie(std::string_view name) const noexcept;

    /// The peer's IP address, e.g. "127.0.0.1" (the socket's, not X-Forwarded-For).
    std::string_view remote() const noexcept { return remote_; }
    /// The Host field, or an empty view.
    std::string_view host() const noexcept;
    std::string_view scheme() const noexcept { return "http"; }
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    int version_minor() const noexcept { return version_minor_; }
    bool keep_alive() const noexcept { return keep_alive_; }

    /// True if the request has a body (Content-Length > 0 or chunked).
    bool has_body() const noexcept { return has_body_; }
    /// The declared Content-Length, if the body is not chunked.
    std::optional<std::uint64_t> content_length() const noexcept { return content_length_; }
    /// The media type of the body without parameters, e.g. "application/json".
    std::string_view content_type() const noexcept;

    /// Reads the whole body. Honours the application's client_max_size.
    /// @throws web::http_request_entity_too_large when the body exceeds it;
    ///   web::http_bad_request for a malformed or truncated body.
    awaitable<std::string> read();
    /// Reads the whole body as text (same limits as read()).
    awaitable<std::string> text() { return read(); }
    /// Reads and parses the body as JSON.
    /// @throws web::http_bad_request if it is not valid JSON.
    awaitable<boost::json::value> json();
    /// Reads the body as a submitted form (aiohttp's `await request.post()`).
    ///
    /// An application/x-www-form-urlencoded body gives text fields. A multipart/form-data
    /// body gives a text field per part, and a web::file_field per part with a non-empty
    /// filename, its content streamed to a temporary file and never held whole in memory.
    /// Other methods than POST, PUT, PATCH, DELETE and TRACE, and other content types (any
    /// but those two, or none), give an empty form and leave the body unread. The result is
    /// kept: later calls return a copy of it without reading again (a middleware and its
    /// handler can both call post()); the request keeps its temporary files until the
    /// connection reads its next request or closes, and a copy you keep keeps them longer.
    /// @throws web::http_request_entity_too_large when the body exceeds client_max_size (all
    ///   parts together, as the body arrives); web::http_bad_request for a malformed body
    ///   (e.g. "multipart body: body ended before the closing boundary"), a part without a
    ///   name, or a nested multipart part; ahttp::error if a temporary file cannot be written.
    awaitable<form_data> post();
    /// Returns a reader of the multipart body, part by part as it arrives (aiohttp's
    /// `request.multipart()`). Reads nothing yet; not limited by client_max_size unless
    /// `options.max_size` says so.
    /// @throws web::http_bad_request unless Content-Type is multipart/* with a valid boundary.
    multipart_reader multipart(multipart_options options = {})
    {
        return multipart_reader{*this, options};
    }
    /// Reads the next piece of the body (at most `max_size` bytes); empty at the end.
    /// Streaming reads are not limited by client_max_size. The view is valid until the next call.
    awaitable<std::string_view> read_chunk(std::size_t max_size = 65536);

    /// The application that is serving this request.
    application const& app() const noexcept { return *app_; }

    /// The connection behind the request (used by stream_response and the server).
    detail::request_channel& channel() const noexcept { return *channel_; }

    request(detail::request_channel& channel, application const& app) noexcept
        : channel_(&channel), app_(&app)
    {
    }

private:
    friend class detail::request_channel;

    detail::request_channel* channel_;
    application const* app_;
    http::method method_ = http::method::unknown;
    std::string_view method_token_;
    std::string_view target_;
    std::string_view raw_path_;
    std::string_view path_;
    std::string_view query_string_;
    http::headers_view const* headers_ = nullptr;
    web::path_params params_;
    std::string decoded_path_; // holds path_ when the raw path had escapes
    mutable std::optional<http::query_params> query_;
    std::optional<form_data> post_; // post()'s result, kept for later calls
    std::string_view remote_;
    std::optional<std::uint64_t> content_length_;
    int version_minor_ = 1;
    bool keep_alive_ = true;
    bool has_body_ = false;
};

} // namespace ahttp::web
