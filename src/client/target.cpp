// SPDX-License-Identifier: BSL-1.0
#include "client/target.hpp"
#include "client/url_repair.hpp"
#include "hot_path.hpp"
#include "http/text.hpp"

#include <ahttp/client/errors.hpp>

#include <boost/url/parse.hpp>

#include <charconv>

namespace ahttp::client::detail {

namespace urls = boost::urls;

target make_target(urls::url url)
{
    std::string const text{url.buffer()};
    if (!url.has_scheme()) {
        throw invalid_url{"URL has no scheme", text};
    }
    url.normalize_scheme();
    std::string const scheme{url.scheme()};
    if (scheme != "http" && scheme != "https") {
        throw invalid_url{"unsupported URL scheme '" + scheme + "'", text};
    }
    if (!repair_cut_host(url)) {
        throw invalid_url{"malformed host", text};
    }
    if (!url.has_authority() || url.encoded_host().empty()) {
        throw invalid_url{"URL has no host", text};
    }
    if (!url.encoded_path().empty() && url.encoded_path().front() != '/') {
        // "http://[::1]98": after an authority only '/', '?', '#' or the end may come
        // (RFC 3986 §3.3); Boost 1.81 takes the rest for a path.
        throw invalid_url{"malformed URL after the host", text};
    }
    target t;
    if (url.has_userinfo()) {
        // Credentials in the URL become Basic auth, and never go on the wire in the URL.
        t.userinfo = http::basic_auth{url.user(), url.password()};
        url.remove_userinfo();
    }
    t.origin.scheme = scheme;
    if (url.host_type() == urls::host_type::ipv6) {
        t.origin.host = url.host_ipv6_address().to_string();
    } else {
        t.origin.host = url.host();
        http::detail::lower_ascii_in_place(t.origin.host);
    }
    // The decoded host goes to the resolver and into TLS (SNI, the certificate check): a
    // percent-encoded NUL, CR, LF or space would make them read different names.
    if (!http::detail::is_clean_host(t.origin.host)) {
        throw invalid_url{"invalid host", text};
    }
    std::uint16_t const default_port = scheme == "https" ? 443 : 80;
    t.origin.port = default_port;
    t.host_field = std::string{url.encoded_host_and_port()};
    if (url.has_port()) {
        std::uint16_t port = 0;
        auto const p = url.port();
        auto const [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
        if (ec != std::errc{} || end != p.data() + p.size() || port == 0) {
            throw invalid_url{"invalid port", text};
        }
        t.origin.port = port;
        if (port == default_port) {
            t.host_field = std::string{url.encoded_host()};
        }
    }
    t.request_target = url.encoded_path().empty() ? "/" : std::string{url.encoded_path()};
    if (url.has_query()) {
        t.request_target.push_back('?');
        t.request_target.append(url.encoded_query());
    }
    url.remove_fragment();
    t.url = std::move(url);
    t.text.assign(t.url.buffer());
    t.key = t.origin.key();
    return t;
}

/// Parses `text` (relative to `base` if given) and appends `params` to its query.
target resolve_url(std::string_view base, std::string_view text, http::query_params const& params)
{
    auto parsed = urls::parse_uri_reference(text);
    if (!parsed) {
        throw invalid_url{"malformed URL", std::string{text}};
    }
    urls::url url;
    if (parsed->has_scheme()) {
        url = *parsed;
    } else if (!base.empty()) {
        auto const b = urls::parse_uri(base);
        if (!b) {
            throw invalid_url{"malformed base_url", std::string{base}};
        }
        if (auto r = urls::resolve(*b, *parsed, url); !r) {
            throw invalid_url{"cannot resolve against base_url", std::string{text}};
        }
    } else {
        throw invalid_url{"URL has no scheme (and the session has no base_url)", std::string{text}};
    }
    if (!params.empty()) {
        std::string query{url.encoded_query()};
        if (!query.empty()) {
            query.push_back('&');
        }
        query.append(params.encode());
        url.set_encoded_query(query);
    }
    return make_target(std::move(url));
}

/// resolve_url() of a URL without params, from the session's cache when it was seen before.
AHTTP_HOT_PATH std::shared_ptr<target const>
cached_target(detail::target_cache& cache, std::string_view base, std::string_view text)
{
    if (auto const* hit = cache.find(text)) {
        return *hit;
    }
    http::query_params const none;
    auto made = std::make_shared<target const>(resolve_url(base, text, none));
    cache.insert(text, made);
    return made;
}

} // namespace ahttp::client::detail
