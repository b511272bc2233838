// SPDX-License-Identifier: BSL-1.0
// The client's request targets: an absolute http(s) URL resolved, checked and split into what
// a request needs (origin, Host field, request-target), made once and cached per session.
#pragma once

#include "client/connector.hpp"

#include <ahttp/http/basic_auth.hpp>
#include <ahttp/http/method.hpp>
#include <ahttp/http/query.hpp>

#include <boost/url/url.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ahttp::client::detail {

/// A parsed absolute http URL, ready to be requested. Never changed once made: the session
/// caches and shares them (see target_cache).
struct target {
    boost::urls::url url;
    std::string text; ///< url.buffer(), as response::url() and errors show it
    std::optional<http::basic_auth> userinfo; ///< "user:password@" taken out of the URL
    detail::origin origin;                    ///< without a proxy (the proxy is chosen per request)
    std::string key;                          ///< origin.key(): the pool key when no proxy is used
    std::string host_field; ///< the Host header: host, plus the port when not the default
    std::string request_target;
    /// The request head as last serialized for a "plain" request to this target (see
    /// send_request): the same bytes every time, so serialized once. Empty until then.
    mutable std::string plain_head;
    mutable http::method plain_method = http::method::get;
};

/// The targets of the last few URL strings a session requested without params: a client
/// that fetches the same URLs again (the common case) parses each once. Keyed by the text as
/// passed; the session's base_url never changes, so the text alone decides the target.
struct target_cache {
    static constexpr std::size_t capacity = 16;
    struct entry {
        std::string text;
        std::shared_ptr<target const> where;
    };
    std::vector<entry> entries;
    std::size_t next_victim = 0; ///< round robin once full

    std::shared_ptr<target const> const* find(std::string_view text) const noexcept
    {
        for (entry const& e : entries) {
            if (e.text == text) {
                return &e.where;
            }
        }
        return nullptr;
    }
    void insert(std::string_view text, std::shared_ptr<target const> where)
    {
        if (text.size() > 2048) {
            return; // not worth keeping
        }
        if (entries.size() < capacity) {
            entries.push_back({std::string{text}, std::move(where)});
            return;
        }
        entry& victim = entries[next_victim];
        next_victim = (next_victim + 1) % capacity;
        victim.text.assign(text);
        victim.where = std::move(where);
    }
};

/// The target of `url`, which must be absolute http or https with a host.
/// @throws client::invalid_url naming what is wrong.
target make_target(boost::urls::url url);

/// Parses `text` (relative to `base` if given) and appends `params` to its query.
/// @throws client::invalid_url
target resolve_url(std::string_view base, std::string_view text, http::query_params const& params);

/// resolve_url() of a URL without params, from `cache` when it was seen before.
std::shared_ptr<target const> cached_target(target_cache& cache, std::string_view base,
                                            std::string_view text);

} // namespace ahttp::client::detail
