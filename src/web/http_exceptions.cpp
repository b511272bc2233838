// SPDX-License-Identifier: BSL-1.0
// web::http_exception and its response.
#include <ahttp/web/http_exceptions.hpp>
#include <ahttp/web/response.hpp>

namespace ahttp::web {

http_exception::http_exception(http::status code, std::string text)
    : status_(code), text_(std::move(text))
{
    if (text_.empty()) {
        text_ = std::to_string(http::to_int(code)) + ": " + std::string{http::reason_phrase(code)};
    }
}

response http_exception::to_response() const
{
    response r{status_};
    auto const code = http::to_int(status_);
    // RFC 9110 §15.3.5, §15.4.5: 204 and 304 carry no content.
    if (code != 204 && code != 304) {
        r.set_body(text_, "text/plain; charset=utf-8");
    }
    for (auto const& [name, value] : headers_) {
        r.headers().set(name, value);
    }
    return r;
}

http_method_not_allowed::http_method_not_allowed(std::string_view allowed, std::string text)
    : http_exception(http::status::method_not_allowed, std::move(text))
{
    headers().set(http::field::allow, allowed);
}

http_redirection::http_redirection(http::status code, std::string_view location)
    : http_exception(code)
{
    headers().set(http::field::location, location);
}

} // namespace ahttp::web
