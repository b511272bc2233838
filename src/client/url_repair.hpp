// SPDX-License-Identifier: BSL-1.0
// A workaround for Boost.URL 1.81 (boostorg/url#755): "http://127.0.0.1.example.com/" parses
// as host 127.0.0.1 with ".example.com/" in the path, so a request would go to 127.0.0.1.
#pragma once

#include <boost/url/url.hpp>

namespace ahttp::client::detail {

/// With an authority, RFC 3986 allows only an empty path or one starting with '/'; a path
/// that starts otherwise after an IPv4 host is the rest of a host name (and port) that Boost
/// cut short. Puts it back: host, port and path as the text says.
/// @returns false if the text cannot be repaired (the URL is then not usable).
bool repair_cut_host(boost::urls::url& url);

} // namespace ahttp::client::detail
