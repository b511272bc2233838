// SPDX-License-Identifier: BSL-1.0
// Method tokens and the standard reason phrases.
#include <ahttp/http/method.hpp>
#include <ahttp/http/status.hpp>

namespace ahttp::http {

method method_from_string(std::string_view token) noexcept
{
    // RFC 9110 §9.1: method names are case-sensitive.
    switch (token.size()) {
    case 3:
        if (token == "GET")
            return method::get;
        if (token == "PUT")
            return method::put;
        break;
    case 4:
        if (token == "POST")
            return method::post;
        if (token == "HEAD")
            return method::head;
        break;
    case 5:
        if (token == "PATCH")
            return method::patch;
        if (token == "TRACE")
            return method::trace;
        break;
    case 6:
        if (token == "DELETE")
            return method::delete_;
        break;
    case 7:
        if (token == "OPTIONS")
            return method::options;
        if (token == "CONNECT")
            return method::connect;
        break;
    default:
        break;
    }
    return method::unknown;
}

std::string_view to_string(method m) noexcept
{
    switch (m) {
    case method::get:
        return "GET";
    case method::head:
        return "HEAD";
    case method::post:
        return "POST";
    case method::put:
        return "PUT";
    case method::delete_:
        return "DELETE";
    case method::connect:
        return "CONNECT";
    case method::options:
        return "OPTIONS";
    case method::trace:
        return "TRACE";
    case method::patch:
        return "PATCH";
    case method::unknown:
        break;
    }
    return {};
}

std::string_view reason_phrase(status code) noexcept
{
    auto const s = boost::beast::http::obsolete_reason(code);
    return {s.data(), s.size()};
}

} // namespace ahttp::http
