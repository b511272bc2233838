// SPDX-License-Identifier: BSL-1.0
// client::session_options and client::connector_options: a session's defaults and its pool.
#pragma once

#include <ahttp/client/cookie_jar.hpp>
#include <ahttp/client/retry.hpp>
#include <ahttp/client/timeout.hpp>
#include <ahttp/client/trace.hpp>
#include <ahttp/http/basic_auth.hpp>
#include <ahttp/http/headers.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

namespace ahttp::client {

/// TLS for https URLs (aiohttp's `ssl` argument). Verification is on by default: the chain
/// must lead to a trusted CA and the certificate must name the URL's host (or IP address).
struct tls_options {
    /// Check the certificate chain and the host name. `false` is aiohttp's `ssl=False`: the
    /// connection is encrypted but anyone can pretend to be the server. For tests only.
    bool verify = true;
    /// A PEM file of CAs to trust instead of the system store (/etc/ssl/certs).
    std::string ca_file{};
    /// A client certificate chain (PEM), for servers that ask for one.
    std::string cert_file{};
    /// The client certificate's private key (PEM); empty: read from cert_file.
    std::string key_file{};
};

/// A per-host request rate (opt-in politeness): at most `per_second` requests a second to each
/// scheme/host/port, after an initial burst of `burst`. Requests over the rate wait their
/// turn, first come first served; the wait counts against the total timeout.
struct rate_limit {
    double per_second = 0; ///< 0 = no limit
    std::size_t burst = 1;
};

/// The connection pool of a session (aiohttp's TCPConnector).
struct connector_options {
    /// Connections in use at once, all hosts together; 0 = no limit. A request over the limit
    /// waits for a connection to come back, first come first served (its connect timeout
    /// runs meanwhile).
    std::size_t limit = 100;
    /// Connections in use at once to one scheme/host/port; 0 = no limit.
    std::size_t limit_per_host = 0;
    /// How long an idle connection stays in the pool.
    std::chrono::steady_clock::duration keepalive_timeout = std::chrono::seconds{15};
    /// Close every connection after its response instead of pooling it.
    bool force_close = false;
    /// How long resolved addresses are reused; zero turns the DNS cache off.
    std::chrono::steady_clock::duration dns_cache_ttl = std::chrono::seconds{10};
    /// TLS settings for https connections.
    tls_options tls{};
    /// Requests a second per host (off by default).
    client::rate_limit rate_limit{};
};

/// What every request of a session starts from (aiohttp's ClientSession arguments).
struct session_options {
    /// Relative request URLs are resolved against it (RFC 3986), e.g. "http://127.0.0.1:8080/api/".
    std::string base_url{};
    /// Sent with every request; a request's own headers replace fields of the same name.
    http::headers headers{};
    /// An HTTP proxy for every request, e.g. "http://user:pass@proxy.lan:3128": http URLs go
    /// through it as absolute-form requests, https URLs through a CONNECT tunnel.
    std::string proxy{};
    /// Take the proxy from HTTP_PROXY / HTTPS_PROXY / ALL_PROXY (or their lower-case forms)
    /// and skip it for hosts in NO_PROXY, when neither the session nor the request names one.
    bool trust_env = false;
    /// Basic credentials for every request (aiohttp's `auth`), unless a request has its own.
    std::optional<http::basic_auth> auth{};
    /// Deadlines; fields left empty take the defaults (see client_timeout).
    client_timeout timeout{};
    connector_options connector{};
    /// Where cookies from responses are kept and read for requests; empty: the session
    /// makes its own, which (as aiohttp's) ignores cookies from IP-address hosts — pass
    /// `std::make_shared<client::cookie_jar>(client::cookie_jar_options{.unsafe = true})`
    /// to keep those too. Share one jar between sessions by passing the same pointer.
    std::shared_ptr<client::cookie_jar> cookie_jar{};
    /// Callbacks at each phase of each request (aiohttp's TraceConfig).
    trace_hooks trace{};
    /// Retries with backoff for idempotent requests; off unless `retry.attempts` is set.
    retry_options retry{};
    /// Throw client::response_error for every 4xx/5xx response (see response::raise_for_status).
    bool raise_for_status = false;
    /// Decode gzip, deflate and br bodies and advertise them in Accept-Encoding.
    bool auto_decompress = true;
    /// Follow 301, 302, 303, 307 and 308 responses unless a request says otherwise (as
    /// httpx's `follow_redirects`; aiohttp only has it per request). A load generator, or a
    /// client that wants to see every redirect, turns it off once here.
    bool allow_redirects = true;
    /// Redirects followed at most, per request (aiohttp's default: 10).
    std::size_t max_redirects = 10;
    /// The HTTP version on the request line: 1 for HTTP/1.1, 0 for HTTP/1.0 (aiohttp's
    /// `version`). HTTP/1.0 requests ask for keep-alive with `Connection: keep-alive` (unless
    /// the connector forces close) and cannot carry a streamed (chunked) body.
    int version_minor = 1;
    /// The User-Agent field, unless headers set one.
    std::string user_agent = "ahttp/0.1";
    /// Largest response body read() / text() / json() accept (after decoding); streaming reads
    /// are not limited. Guards against decompression bombs.
    std::size_t max_body_size = std::size_t{1} << 30;
};

} // namespace ahttp::client
