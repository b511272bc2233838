// SPDX-License-Identifier: BSL-1.0
// Set-Cookie parsing, RFC 6265 §5.2.
#include "http/text.hpp"

#include <ahttp/http/cookie.hpp>
#include <ahttp/http/headers.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace ahttp::http {
namespace {

using detail::trim_ows;

} // namespace

result<cookie> parse_set_cookie(std::string_view set_cookie, date_time now)
{
    // Controls other than HTAB end nothing gracefully: refuse them (§5.2 step 1 would
    // truncate; a server sending them is broken either way).
    if (std::any_of(set_cookie.begin(), set_cookie.end(), [](char c) {
            auto const u = static_cast<unsigned char>(c);
            return (u < 0x20 && c != '\t') || u == 0x7f;
        })) {
        return make_error_code(errc::bad_request);
    }
    std::string_view const pair = set_cookie.substr(0, set_cookie.find(';'));
    std::string_view attributes =
        pair.size() < set_cookie.size() ? set_cookie.substr(pair.size()) : std::string_view{};
    auto const eq = pair.find('=');
    if (eq == std::string_view::npos) {
        return make_error_code(errc::bad_request);
    }
    cookie c;
    c.name = std::string{trim_ows(pair.substr(0, eq))};
    c.value = std::string{trim_ows(pair.substr(eq + 1))};
    if (c.name.empty()) {
        return make_error_code(errc::bad_request);
    }
    // A quoted value keeps its quotes in RFC 6265's grammar; browsers send it back as is.
    std::optional<date_time> expires_attribute;
    std::optional<date_time> max_age_attribute;
    while (!attributes.empty()) {
        attributes.remove_prefix(1); // the ';'
        std::string_view const av = attributes.substr(0, attributes.find(';'));
        attributes.remove_prefix(av.size());
        auto const av_eq = av.find('=');
        std::string const name = detail::lower_ascii(trim_ows(av.substr(0, av_eq)));
        std::string_view const value =
            av_eq == std::string_view::npos ? std::string_view{} : trim_ows(av.substr(av_eq + 1));
        if (name == "expires") {
            if (auto const when = parse_date(value)) {
                expires_attribute = *when;
            }
        } else if (name == "max-age") {
            // §5.2.2: an optional '-' then digits; anything else is ignored.
            long long seconds = 0;
            auto const [end, ec] =
                std::from_chars(value.data(), value.data() + value.size(), seconds);
            if (!value.empty() && ec == std::errc{} && end == value.data() + value.size() &&
                (std::isdigit(static_cast<unsigned char>(value.front())) || value.front() == '-')) {
                max_age_attribute = seconds <= 0 ? date_time{} // the earliest time: expired
                                                 : now + std::chrono::seconds{seconds};
            } else if (ec == std::errc::result_out_of_range && !value.empty() &&
                       value.front() != '-') {
                max_age_attribute = date_time::max();
            }
        } else if (name == "domain") {
            std::string_view d = value;
            if (!d.empty() && d.front() == '.') {
                d.remove_prefix(1);
            }
            // A value such as ".." names no domain: ignore it, which leaves a host-only cookie
            // (the stricter reading; the fuzzer found "Domain=.." kept a leading dot).
            if (d.empty() || d.front() != '.') {
                c.domain = detail::lower_ascii(d);
            }
        } else if (name == "path") {
            c.path = !value.empty() && value.front() == '/' ? std::string{value} : std::string{};
        } else if (name == "secure") {
            c.secure = true;
        } else if (name == "httponly") {
            c.http_only = true;
        } else if (name == "samesite") {
            c.same_site = std::string{value};
        }
    }
    c.expires = max_age_attribute ? max_age_attribute : expires_attribute;
    return c;
}

} // namespace ahttp::http
