// SPDX-License-Identifier: BSL-1.0
// client::cookie_jar: the cookies a session keeps and sends back (aiohttp's CookieJar).
#pragma once

#include <ahttp/http/cookie.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ahttp::client {

struct cookie_jar_options {
    /// Accept cookies from hosts given as IP addresses. Off by default, as in aiohttp's
    /// CookieJar(unsafe=False): RFC 6265 domain matching is meant for host names.
    bool unsafe = false;
};

/// Stores cookies from Set-Cookie fields and picks those a request should carry
/// (RFC 6265 §5.3, §5.4): host-only and Domain cookies, path matching, Secure, expiry.
/// Not thread-safe; shared by the requests of one session (one executor).
///
/// Not done: the public-suffix check (a Domain attribute naming a whole registry such as
/// "co.uk" is refused only when it has no dot at all).
class cookie_jar {
public:
    explicit cookie_jar(cookie_jar_options options = {}) : options_(options) {}

    /// Stores the cookie `set_cookie` (a Set-Cookie field value) received from `url`.
    /// Ignores fields it cannot parse or that `url` may not set. Returns whether it stored it
    /// (a cookie that arrives already expired deletes its namesake and returns false).
    bool update(std::string_view set_cookie, std::string_view url);
    /// Stores `name=value` as a host-only cookie for `url`'s host and path "/".
    void set(std::string_view name, std::string_view value, std::string_view url);

    /// The Cookie field value for a request to `url` ("" if none): "a=1; b=2", longer paths
    /// first, then older cookies first.
    std::string header_for(std::string_view url);

    /// Every stored cookie, expired ones dropped first.
    std::vector<http::cookie> const& cookies();
    std::size_t size() { return cookies().size(); }
    void clear() noexcept
    {
        entries_.clear();
        view_.clear();
    }
    /// Drops the cookies whose domain is `domain` (all of them if empty).
    void clear_domain(std::string_view domain);

private:
    struct entry {
        http::cookie cookie;
        bool host_only = true;
        std::size_t created = 0; ///< insertion order, for the Cookie field's order
    };
    void drop_expired();

    cookie_jar_options options_;
    std::vector<entry> entries_;
    std::vector<http::cookie> view_;
    std::size_t next_id_ = 0;
};

} // namespace ahttp::client
