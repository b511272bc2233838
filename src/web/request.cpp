// SPDX-License-Identifier: BSL-1.0
// web::request: lazily parsed query and cookies, body reading.
#include "web/request_channel.hpp"
#include "web/upload_file.hpp"

#include <ahttp/web/application.hpp>
#include <ahttp/web/http_exceptions.hpp>
#include <ahttp/web/request.hpp>

#include <boost/json/parse.hpp>

#include <algorithm>

namespace ahttp::web {

http::query_params const& request::query() const
{
    if (!query_) {
        query_.emplace(http::query_params::parse(query_string_));
    }
    return *query_;
}

std::string_view request::host() const noexcept
{
    return headers_->value_or(http::field::host, "");
}

std::string_view request::content_type() const noexcept
{
    std::string_view type = headers_->value_or(http::field::content_type, "");
    type = type.substr(0, type.find(';'));
    while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) {
        type.remove_suffix(1);
    }
    return type;
}

std::optional<std::string_view> request::cookie(std::string_view name) const noexcept
{
    // RFC 6265 §5.4: "a=1; b=2", possibly spread over several Cookie fields.
    for (auto const& [field_name, value] : *headers_) {
        if (!http::iequals(field_name, "cookie")) {
            continue;
        }
        std::string_view rest = value;
        while (!rest.empty()) {
            auto const end = rest.find(';');
            std::string_view pair = rest.substr(0, end);
            rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
            pair.remove_prefix(std::min(pair.find_first_not_of(' '), pair.size()));
            auto const eq = pair.find('=');
            if (eq == std::string_view::npos || pair.substr(0, eq) != name) {
                continue;
            }
            std::string_view v = pair.substr(eq + 1);
            if (v.size() >= 2 && v.front() == '"' && v.back() == '"') {
                v = v.substr(1, v.size() - 2);
            }
            return v;
        }
    }
    return std::nullopt;
}

awaitable<std::string_view> request::read_chunk(std::size_t max_size)
{
    return channel_->read_body(max_size == 0 ? 1 : max_size);
}

awaitable<std::string> request::read()
{
    std::size_t const limit = app_->options().client_max_size;
    std::string body;
    if (content_length_ && *content_length_ <= limit) {
        body.reserve(static_cast<std::size_t>(*content_length_));
    }
    for (;;) {
        std::string_view piece = co_await channel_->read_body(std::size_t{64} * 1024);
        if (piece.empty()) {
            break;
        }
        if (body.size() + piece.size() > limit) {
            throw http_request_entity_too_large{"request body exceeds client_max_size (" +
                                                std::to_string(limit) + " bytes)"};
        }
        body.append(piece);
    }
    co_return body;
}

awaitable<boost::json::value> request::json()
{
    std::string const body = co_await read();
    boost::system::error_code ec;
    boost::json::value value = boost::json::parse(body, ec);
    if (ec) {
        throw http_bad_request{"invalid JSON body: " + ec.message()};
    }
    co_return value;
}

namespace {

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) noexcept
{
    return text.size() >= prefix.size() && http::iequals(text.substr(0, prefix.size()), prefix);
}

/// Reads a multipart/form-data body into `form`: text parts in memory, file parts (those
/// with a filename) streamed to temporary files. The whole body is bounded by `limit`.
awaitable<form_data> read_multipart_form(request& req, std::size_t limit)
{
    // client_max_size 0 refuses every body, as read() does; max_size 0 would mean no limit.
    multipart_reader reader{req, {.max_size = std::max<std::size_t>(limit, 1)}};
    form_data form;
    while (std::optional<body_part> part = co_await reader.next()) {
        // RFC 7578 §4.2: every part has Content-Disposition: form-data with a name.
        if (part->name().empty()) {
            throw http_bad_request{"multipart/form-data part without a name"};
        }
        if (starts_with_ignoring_case(part->content_type(), "multipart/")) {
            throw http_bad_request{"nested multipart parts are not supported by post(); "
                                   "read them with request::multipart()"};
        }
        if (part->filename().empty()) {
            std::string const value = co_await part->read();
            form.add(part->name(), value);
            continue;
        }
        detail::upload_file file;
        for (;;) {
            std::string_view const piece = co_await part->read_chunk(std::size_t{64} * 1024);
            if (piece.empty()) {
                break;
            }
            file.write(piece);
        }
        // RFC 7578 §4.4: a file part without Content-Type is application/octet-stream.
        std::string_view const type = part->content_type();
        form.add(file.release(std::string{part->name()}, std::string{part->filename()},
                              std::string{type.empty() ? "application/octet-stream" : type},
                              part->headers()));
    }
    co_return form;
}

} // namespace

awaitable<form_data> request::post()
{
    if (post_) {
        co_return *post_;
    }
    form_data form;
    // aiohttp's POST_METHODS: only these carry a form; others get an empty one.
    bool const may_have_form = method_ == http::method::post || method_ == http::method::put ||
                               method_ == http::method::patch || method_ == http::method::delete_ ||
                               method_ == http::method::trace;
    std::string_view const type = content_type();
    if (!may_have_form) {
        // empty
    } else if (http::iequals(type, "multipart/form-data")) {
        form = co_await read_multipart_form(*this, app_->options().client_max_size);
    } else if (http::iequals(type, "application/x-www-form-urlencoded") ||
               (type.empty() && headers_->contains(http::field::content_type))) {
        // A body without Content-Type is application/octet-stream (RFC 9110 §8.3, and
        // aiohttp's content_type), not a form: as documented, post() leaves it unread. Only
        // an empty Content-Type value counts as urlencoded, as aiohttp's "" does.
        std::string body = co_await read();
        // Some clients end the body with a newline; aiohttp strips trailing whitespace too.
        while (!body.empty() && (body.back() == '\r' || body.back() == '\n' || body.back() == ' ' ||
                                 body.back() == '\t')) {
            body.pop_back();
        }
        for (auto const& [name, value] : http::query_params::parse(body)) {
            form.add(name, value);
        }
    }
    post_.emplace(form);
    co_return form;
}

} // namespace ahttp::web

namespace ahttp::web::detail {

bool request_channel::init_request(request& r, request_init const& init)
{
    r.method_ = init.method;
    r.method_token_ = init.method_token;
    r.target_ = init.target;
    r.headers_ = init.headers;
    r.remote_ = init.remote;
    r.content_length_ = init.content_length;
    r.version_minor_ = init.version_minor;
    r.keep_alive_ = init.keep_alive;
    r.has_body_ = init.has_body;
    r.params_.clear();
    r.query_.reset();
    r.post_.reset(); // the previous request's uploads go now, unless its handler kept a copy

    std::string_view target = init.target;
    // RFC 9112 §3.2.2: absolute-form; the path starts after the authority.
    if (!target.empty() && target.front() != '/') {
        auto const scheme_end = target.find("://");
        if (scheme_end == std::string_view::npos) {
            // asterisk-form (OPTIONS *) and authority-form (CONNECT) have no path to route.
            r.raw_path_ = r.path_ = target;
            r.query_string_ = {};
            return target == "*" || init.method == http::method::connect;
        }
        auto const path_start = target.find('/', scheme_end + 3);
        target = path_start == std::string_view::npos ? std::string_view{"/"}
                                                      : target.substr(path_start);
    }
    auto const question = target.find('?');
    r.raw_path_ = target.substr(0, question);
    r.query_string_ =
        question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
    // Fragments are never sent by conforming clients; drop one if present.
    if (auto const hash = r.query_string_.find('#'); hash != std::string_view::npos) {
        r.query_string_ = r.query_string_.substr(0, hash);
    }
    if (http::needs_percent_decode(r.raw_path_)) {
        r.decoded_path_ = http::percent_decode(r.raw_path_);
        r.path_ = r.decoded_path_;
    } else {
        r.path_ = r.raw_path_;
    }
    return true;
}

} // namespace ahttp::web::detail
