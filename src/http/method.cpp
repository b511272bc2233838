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
    // Registered codes Beast 1.81 does not name (RFC 9110 §15, RFC 8297, RFC 8470).
    switch (to_int(code)) {
    case 103:
        return "Early Hints";
    case 418:
        return "I'm a teapot";
    case 421:
        return "Misdirected Request";
    case 425:
        return "Too Early";
    default:
        break;
    }
    auto const s = boost::beast::http::obsolete_reason(code);
    std::string_view const phrase{s.data(), s.size()};
    // Beast answers "<unknown-status>", which must not reach a status line.
    return phrase.empty() || phrase.front() == '<' ? "Unknown" : phrase;
}

} // namespace ahttp::http
