// SPDX-License-Identifier: BSL-1.0
// The client's URL handling and cookie jar (the first byte picks which).
//
// URLs: "base\ntext\nquery" to resolve_url(), the way a session resolves a request's URL
// against its base_url and params. A URL it accepts must give a request line and Host field
// that cannot carry another request (visible ASCII only, a request-target starting with '/',
// no fragment, no credentials), a host the resolver and TLS read as we do, a port, and the
// same target when its own text is resolved again. Anything refused must be invalid_url.
//
// Cookies: lines "<url>\t<Set-Cookie value>" fed to cookie_jar::update(), then the Cookie
// field for every line's URL: it must be "name=value" pairs joined by "; " with no control
// byte but HTAB, and hold only cookies the jar has.
#include "client/target.hpp"

#include <ahttp/client/cookie_jar.hpp>
#include <ahttp/client/errors.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

void check(bool condition)
{
    if (!condition) {
        std::abort();
    }
}

bool visible_ascii(std::string_view text) noexcept
{
    for (char const c : text) {
        if (c <= 0x20 || c >= 0x7F) {
            return false;
        }
    }
    return true;
}

std::string_view next_line(std::string_view& rest) noexcept
{
    auto const end = rest.find('\n');
    std::string_view const line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    return line;
}

void resolve(std::string_view input)
{
    using ahttp::client::detail::resolve_url;
    std::string_view const base = next_line(input);
    std::string_view const text = next_line(input);
    ahttp::http::query_params params;
    if (!input.empty()) {
        params = ahttp::http::query_params::parse(input);
    }
    try {
        auto const t = resolve_url(base, text, params);
        check(visible_ascii(t.text));
        check(visible_ascii(t.host_field));
        check(visible_ascii(t.request_target));
        check(t.request_target.front() == '/');
        check(t.request_target.find('#') == std::string::npos);
        check(t.text.find('#') == std::string::npos);
        check(!t.url.has_userinfo());
        check(t.origin.scheme == "http" || t.origin.scheme == "https");
        check(t.origin.port != 0);
        check(!t.origin.host.empty());
        for (char const c : t.origin.host) {
            auto const byte = static_cast<unsigned char>(c);
            check(byte > 0x20 && byte != 0x7F && !(c >= 'A' && c <= 'Z'));
        }
        ahttp::http::query_params const none;
        auto const again = resolve_url({}, t.text, none);
        check(again.key == t.key);
        check(again.request_target == t.request_target);
        check(again.host_field == t.host_field);
        check(again.text == t.text);
    } catch (ahttp::client::invalid_url const&) {
        // refused: fine, as long as it is this type
    }
}

void cookies(std::string_view input)
{
    ahttp::client::cookie_jar jar;
    std::vector<std::string_view> urls;
    while (!input.empty() && urls.size() < 32) {
        std::string_view line = next_line(input);
        auto const tab = line.find('\t');
        std::string_view const url = line.substr(0, tab);
        urls.push_back(url);
        if (tab != std::string_view::npos) {
            jar.update(line.substr(tab + 1), url);
        }
    }
    std::vector<ahttp::http::cookie> const stored = jar.cookies(); // a copy: the view changes
    for (std::string_view const url : urls) {
        std::string const header = jar.header_for(url);
        std::string_view rest = header;
        while (!rest.empty()) {
            auto const end = rest.find("; ");
            std::string_view const pair = rest.substr(0, end);
            rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 2);
            auto const equals = pair.find('=');
            check(equals != std::string_view::npos && equals > 0);
            bool known = false;
            for (auto const& c : stored) {
                known = known ||
                        (pair.substr(0, equals) == c.name && pair.substr(equals + 1) == c.value);
            }
            check(known);
        }
        for (char const c : header) {
            auto const byte = static_cast<unsigned char>(c);
            check((byte >= 0x20 || byte == '\t') && byte != 0x7F);
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    if (size == 0) {
        return 0;
    }
    std::string_view const text{reinterpret_cast<char const*>(data) + 1, size - 1};
    if (data[0] % 2 == 0) {
        resolve(text);
    } else {
        cookies(text);
    }
    return 0;
}
