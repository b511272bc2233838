// SPDX-License-Identifier: BSL-1.0
// web::request: lazily parsed query and cookies, body reading.
#include "web/request_channel.hpp"

#include <ahttp/web/application.hpp>
#include <ahttp/web/http_exceptions.hpp>
#include <ahttp/web/request.hpp>

#include <boost/json/parse.hpp>

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
        std::string_view piece = co_await channel_->read_body(64 * 1024);
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

awaitable<http::query_params> request::post()
{
    std::string const body = co_await read();
    co_return http::query_params::parse(body);
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
