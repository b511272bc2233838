// SPDX-License-Identifier: BSL-1.0
// web::http_exception: responses in disguise. Throw one from a handler or middleware and the
// client gets that status; they are not ahttp::error (nothing failed), as in aiohttp.
#pragma once

#include <ahttp/http/headers.hpp>
#include <ahttp/http/status.hpp>

#include <exception>
#include <string>
#include <string_view>

namespace ahttp::web {

class response;

/// An HTTP status thrown as an exception; becomes a response with `text()` as its body.
class http_exception : public std::exception {
public:
    explicit http_exception(http::status code, std::string text = {});

    http::status status() const noexcept { return status_; }
    /// The body sent to the client: the text given, else "<code>: <reason>".
    std::string const& text() const noexcept { return text_; }
    http::headers& headers() noexcept { return headers_; }
    http::headers const& headers() const noexcept { return headers_; }
    char const* what() const noexcept override { return text_.c_str(); }

    /// Builds the response this exception stands for.
    response to_response() const;

private:
    http::status status_;
    std::string text_;
    http::headers headers_;
};

/// Declares `http_<name>` for a fixed status.
// NOLINTBEGIN(bugprone-macro-parentheses): `name` is the class being declared
#define AHTTP_DECLARE_HTTP_EXCEPTION(name, code)                                                   \
    class name : public http_exception {                                                           \
    public:                                                                                        \
        explicit name(std::string text = {}) : http_exception(code, std::move(text)) {}            \
    }

AHTTP_DECLARE_HTTP_EXCEPTION(http_bad_request, http::status::bad_request);
AHTTP_DECLARE_HTTP_EXCEPTION(http_unauthorized, http::status::unauthorized);
AHTTP_DECLARE_HTTP_EXCEPTION(http_forbidden, http::status::forbidden);
AHTTP_DECLARE_HTTP_EXCEPTION(http_not_found, http::status::not_found);
AHTTP_DECLARE_HTTP_EXCEPTION(http_not_acceptable, http::status::not_acceptable);
AHTTP_DECLARE_HTTP_EXCEPTION(http_request_timeout, http::status::request_timeout);
AHTTP_DECLARE_HTTP_EXCEPTION(http_conflict, http::status::conflict);
AHTTP_DECLARE_HTTP_EXCEPTION(http_gone, http::status::gone);
AHTTP_DECLARE_HTTP_EXCEPTION(http_request_entity_too_large, http::status::payload_too_large);
AHTTP_DECLARE_HTTP_EXCEPTION(http_unsupported_media_type, http::status::unsupported_media_type);
AHTTP_DECLARE_HTTP_EXCEPTION(http_unprocessable_entity, http::status::unprocessable_entity);
AHTTP_DECLARE_HTTP_EXCEPTION(http_too_many_requests, http::status::too_many_requests);
AHTTP_DECLARE_HTTP_EXCEPTION(http_internal_server_error, http::status::internal_server_error);
AHTTP_DECLARE_HTTP_EXCEPTION(http_not_implemented, http::status::not_implemented);
AHTTP_DECLARE_HTTP_EXCEPTION(http_service_unavailable, http::status::service_unavailable);
AHTTP_DECLARE_HTTP_EXCEPTION(http_no_content, http::status::no_content);
AHTTP_DECLARE_HTTP_EXCEPTION(http_not_modified, http::status::not_modified);

#undef AHTTP_DECLARE_HTTP_EXCEPTION
// NOLINTEND(bugprone-macro-parentheses)

/// 405 with the Allow field listing `allowed` (e.g. "GET, HEAD").
class http_method_not_allowed : public http_exception {
public:
    explicit http_method_not_allowed(std::string_view allowed, std::string text = {});
};

/// A redirect: the status with a Location field.
class http_redirection : public http_exception {
public:
    http_redirection(http::status code, std::string_view location);
    std::string_view location() const noexcept { return headers().value_or("Location", ""); }
};

// NOLINTBEGIN(bugprone-macro-parentheses): `name` is the class being declared
#define AHTTP_DECLARE_REDIRECT(name, code)                                                         \
    class name : public http_redirection {                                                         \
    public:                                                                                        \
        explicit name(std::string_view location) : http_redirection(code, location) {}             \
    }

AHTTP_DECLARE_REDIRECT(http_moved_permanently, http::status::moved_permanently);
AHTTP_DECLARE_REDIRECT(http_found, http::status::found);
AHTTP_DECLARE_REDIRECT(http_see_other, http::status::see_other);
AHTTP_DECLARE_REDIRECT(http_temporary_redirect, http::status::temporary_redirect);
AHTTP_DECLARE_REDIRECT(http_permanent_redirect, http::status::permanent_redirect);

#undef AHTTP_DECLARE_REDIRECT
// NOLINTEND(bugprone-macro-parentheses)

} // namespace ahttp::web
