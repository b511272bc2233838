// SPDX-License-Identifier: BSL-1.0
// The client's cookie store (RFC 6265 §5.3 storage model, §5.4 the Cookie header).
#include "client/url_repair.hpp"
#include "hot_path.hpp"
#include "http/text.hpp"

#include <ahttp/client/cookie_jar.hpp>

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <algorithm>
#include <cctype>

namespace ahttp::client {
namespace {

struct url_parts {
    std::string host; ///< lower-case, IPv6 without brackets
    std::string path; ///< "/" if empty
    bool secure = false;
    bool is_ip = false;
};

std::optional<url_parts> split(std::string_view text)
{
    auto const parsed = boost::urls::parse_uri(text);
    if (!parsed || !parsed->has_authority()) {
        return std::nullopt;
    }
    boost::urls::url url{*parsed};
    if (!detail::repair_cut_host(url)) {
        return std::nullopt;
    }
    url_parts p;
    p.is_ip = url.host_type() == boost::urls::host_type::ipv4 ||
              url.host_type() == boost::urls::host_type::ipv6;
    p.host = url.host_type() == boost::urls::host_type::ipv6 ? url.host_ipv6_address().to_string()
                                                             : std::string{url.host()};
    http::detail::lower_ascii_in_place(p.host);
    if (!http::detail::is_clean_host(p.host)) {
        return std::nullopt;
    }
    p.path = url.encoded_path().empty() ? "/" : std::string{url.encoded_path()};
    std::string const scheme = http::detail::lower_ascii(url.scheme());
    p.secure = scheme == "https" || scheme == "wss";
    return p;
}

/// RFC 6265 §5.1.3.
bool domain_match(std::string_view host, std::string_view domain, bool host_is_ip) noexcept
{
    if (host == domain) {
        return true;
    }
    return !host_is_ip && host.size() > domain.size() && host.ends_with(domain) &&
           host[host.size() - domain.size() - 1] == '.';
}

/// RFC 6265 §5.1.4: the default path of a request path.
std::string default_path(std::string_view path)
{
    if (path.empty() || path.front() != '/') {
        return "/";
    }
    auto const last = path.rfind('/');
    return last == 0 ? "/" : std::string{path.substr(0, last)};
}

/// RFC 6265 §5.1.4: path-match.
bool path_match(std::string_view request_path, std::string_view cookie_path) noexcept
{
    if (request_path == cookie_path) {
        return true;
    }
    return request_path.starts_with(cookie_path) &&
           (cookie_path.back() == '/' || request_path[cookie_path.size()] == '/');
}

} // namespace

void cookie_jar::drop_expired()
{
    auto const now =
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    std::erase_if(entries_,
                  [&](entry const& e) { return e.cookie.expires && *e.cookie.expires <= now; });
}

bool cookie_jar::update(std::string_view set_cookie, std::string_view url)
{
    auto const where = split(url);
    if (!where || (where->is_ip && !options_.unsafe)) {
        return false;
    }
    auto const now =
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    auto parsed = http::parse_set_cookie(set_cookie, now);
    if (!parsed) {
        return false;
    }
    entry e{std::move(*parsed), true, next_id_++};
    http::cookie& c = e.cookie;
    if (!c.domain.empty()) {
        // A Domain the request host is not inside, or a bare top-level label, is refused.
        if (c.domain.find('.') == std::string::npos ||
            !domain_match(where->host, c.domain, where->is_ip)) {
            return false;
        }
        e.host_only = false;
    } else {
        c.domain = where->host;
    }
    if (c.path.empty()) {
        c.path = default_path(where->path);
    }
    // §5.3 step 11: a new cookie replaces the one with the same name, domain and path, and
    // keeps its creation time.
    auto const same = std::find_if(entries_.begin(), entries_.end(), [&](entry const& old) {
        return old.cookie.name == c.name && old.cookie.domain == c.domain &&
               old.cookie.path == c.path;
    });
    if (same != entries_.end()) {
        e.created = same->created;
        entries_.erase(same);
    }
    if (c.expires && *c.expires <= now) {
        return false; // an expired cookie only deletes (how servers remove cookies)
    }
    entries_.push_back(std::move(e));
    return true;
}

void cookie_jar::set(std::string_view name, std::string_view value, std::string_view url)
{
    auto const where = split(url);
    if (!where) {
        return;
    }
    std::erase_if(entries_, [&](entry const& old) {
        return old.cookie.name == name && old.cookie.domain == where->host &&
               old.cookie.path == "/";
    });
    entry e;
    e.cookie.name = std::string{name};
    e.cookie.value = std::string{value};
    e.cookie.domain = where->host;
    e.cookie.path.assign(1, '/'); // not = "/": g++ 12 warns -Wrestrict on that (a false alarm)
    e.created = next_id_++;
    entries_.push_back(std::move(e));
}

AHTTP_HOT_PATH std::string cookie_jar::header_for(std::string_view url)
{
    if (entries_.empty()) {
        return {}; // the common case: no URL parsing at all
    }
    auto const where = split(url);
    if (!where) {
        return {};
    }
    drop_expired();
    std::vector<entry const*> chosen;
    for (entry const& e : entries_) {
        bool const domain_ok = e.host_only
                                   ? where->host == e.cookie.domain
                                   : domain_match(where->host, e.cookie.domain, where->is_ip);
        if (domain_ok && path_match(where->path, e.cookie.path) &&
            (!e.cookie.secure || where->secure)) {
            chosen.push_back(&e);
        }
    }
    // §5.4 step 2: longer paths first, then earlier creation.
    std::stable_sort(chosen.begin(), chosen.end(), [](entry const* a, entry const* b) {
        if (a->cookie.path.size() != b->cookie.path.size()) {
            return a->cookie.path.size() > b->cookie.path.size();
        }
        return a->created < b->created;
    });
    std::string header;
    for (entry const* e : chosen) {
        if (!header.empty()) {
            header.append("; ");
        }
        header.append(e->cookie.name).push_back('=');
        header.append(e->cookie.value);
    }
    return header;
}

std::vector<http::cookie> const& cookie_jar::cookies()
{
    drop_expired();
    view_.clear();
    for (entry const& e : entries_) {
        view_.push_back(e.cookie);
    }
    return view_;
}

void cookie_jar::clear_domain(std::string_view domain)
{
    if (domain.empty()) {
        clear();
        return;
    }
    std::erase_if(entries_, [&](entry const& e) { return e.cookie.domain == domain; });
}

} // namespace ahttp::client
