// SPDX-License-Identifier: BSL-1.0
// The connection pool: idle connections per origin, limits as fair FIFO queues, a DNS cache.
#pragma once

#include "client/connection.hpp"
#include "client/round_writes.hpp"

#include <ahttp/client/session_options.hpp>
#include <ahttp/client/trace.hpp>
#include <ahttp/semaphore.hpp>

#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ahttp::client::detail {

/// Where a request goes: the pool key is "scheme://host:port".
/// An HTTP proxy to go through.
struct proxy_route {
    enum class kind : unsigned char { http, socks5 };
    kind type = kind::http;
    std::string host;
    std::uint16_t port = 80;
    std::string authorization; ///< http: a Proxy-Authorization value, or ""
    std::string username;      ///< socks5: RFC 1929 credentials, if any
    std::string password;
};

struct origin {
    std::string scheme; ///< "http" or "https"
    std::string host;   ///< as in the URL, without brackets for IPv6
    std::uint16_t port = 80;
    std::optional<proxy_route> proxy{}; ///< connect through this proxy
    /// "scheme://host:port", plus the proxy: connections through different routes differ.
    std::string key() const;
    /// "scheme://host:port" alone: the origin in the RFC 6454 sense.
    std::string site() const;
    /// Whether `other` is the same origin in the RFC 6454 sense (site() equal, proxy aside).
    bool same_site(origin const& other) const noexcept
    {
        return port == other.port && host == other.host && scheme == other.scheme;
    }
};

/// What a failure must name (the request, for the exception text) and the deadlines of the
/// connect phase.
struct connect_context {
    http::method method = http::method::get;
    std::string const* url = nullptr;
    deadline total;                  ///< the whole request
    deadline connect;                ///< pool wait + DNS + connect, one deadline for all
    clock::duration sock_connect{};  ///< one TCP attempt (no_timeout: off)
    clock::duration pool_wait{};     ///< waiting for a slot (no_timeout: off)
    clock::duration dns{};           ///< name resolution (no_timeout: off)
    clock::duration tls_handshake{}; ///< the TLS handshake (no_timeout: off)
    /// When the request started (its deadlines count from here): read once per request.
    clock::time_point started{};
    /// The request is sent again on a new connection if a reused one turns out closed before
    /// any response byte (idempotent, body replayable): a connection released moments ago may
    /// then be lent without the liveness peek.
    bool retries_stale = false;
};

class connector;

/// Calls a trace hook if set; a hook that throws is ignored (it must not break a request).
template <class Hook, class... Args>
void fire(Hook const& hook, Args&&... args) noexcept
{
    if (hook) {
        try {
            hook(std::forward<Args>(args)...);
        } catch (...) {
        }
    }
}

/// A connection lent by the pool. Give it back with release(); destroying an unreleased lease
/// closes the connection (its state is unknown) and frees its slot.
class lease {
public:
    lease() = default;
    lease(std::shared_ptr<connector> owner, std::shared_ptr<connection> conn, bool reused) noexcept
        : owner_(std::move(owner)), conn_(std::move(conn)), reused_(reused)
    {
    }
    lease(lease&& other) noexcept = default;
    lease& operator=(lease&& other) noexcept;
    ~lease();

    connection& conn() const noexcept { return *conn_; }
    std::shared_ptr<connection> const& shared_conn() const noexcept { return conn_; }
    explicit operator bool() const noexcept { return conn_ != nullptr; }
    /// True if the connection carried earlier requests (a reuse may meet a closed socket).
    bool reused() const noexcept { return reused_; }
    /// True if other connections of the same connector are lent out too: other requests
    /// are in flight on this loop, so a write may wait for the end of the loop's round.
    bool has_company() const noexcept;
    /// Writes `bytes` at the end of the loop's round (see round_writes); they must stay
    /// valid until then or withdraw_write().
    void defer_write(std::string_view bytes);
    /// Drops the deferred write if it has not gone yet.
    void withdraw_write() noexcept;
    /// Returns the connection: pooled when `keep_alive`, closed otherwise.
    void release(bool keep_alive) noexcept;
    /// Takes the connection out of the pool's accounting for good (a WebSocket upgrade):
    /// its slot under the limits is freed and it will never be pooled.
    std::shared_ptr<connection> detach() noexcept;

private:
    std::shared_ptr<connector> owner_;
    std::shared_ptr<connection> conn_;
    bool reused_ = false;
};

class connector : public std::enable_shared_from_this<connector> {
public:
    connector(executor ex, connector_options options, trace_hooks trace = {});
    ~connector();

    /// Lends a connection to `to` (whose key() is `key`): an idle pooled one that is still
    /// open (oldest first), unless `fresh`, else a new one.
    /// @throws client::connection_error (DNS, refused…), client::timeout_error (connect,
    ///   sock_connect or total).
    awaitable<lease> acquire(origin const& to, std::string_view key, bool fresh,
                             connect_context const& context);
    /// acquire() without suspending: an idle pooled connection if one is usable and the
    /// limits have room right now, else an empty lease (then call acquire()).
    lease try_reuse(std::string_view key, connect_context const& context);

    /// Reserves the next moment a request may go to the origin whose key() is `key` under
    /// the rate limit; successive calls get successive slots. Returns nullopt when the
    /// request may go now (no limit, or the burst allows it): no clock read without a limit.
    std::optional<clock::time_point> reserve_send_time(std::string_view key);

    /// Closes the idle connections; later releases close theirs too.
    void close() noexcept;

    /// Idle connections to `key`, for tests and tracing.
    std::size_t idle_count(std::string const& key) const noexcept;
    /// Connections lent out, to every origin.
    std::size_t lent() const noexcept { return lent_; }
    round_writes& writes() noexcept { return *writes_; }

private:
    friend class lease;
    struct host_pool {
        std::deque<std::shared_ptr<connection>> idle;
        std::unique_ptr<semaphore> slots; ///< limit_per_host, if any
        std::size_t in_use = 0;
    };
    struct dns_entry {
        std::vector<boost::asio::ip::tcp::endpoint> endpoints;
        clock::time_point expires;
    };

    void give_back(std::shared_ptr<connection> conn, bool keep_alive) noexcept;
    void forget(connection const& conn) noexcept;
    host_pool& pool_for(std::string_view key);
    /// Pops idle connections (oldest first) until one may carry a request; null if none.
    /// The oldest idle connection still fit for reuse at `now`, or null.
    std::shared_ptr<connection> pop_idle(host_pool& pool, connect_context const& c,
                                         clock::time_point now) noexcept;
    awaitable<void> take_slots(host_pool& pool, connect_context const& context);
    void return_slots(host_pool& pool) noexcept;
    awaitable<std::vector<boost::asio::ip::tcp::endpoint>> resolve(origin const& to,
                                                                   connect_context const& c);
    awaitable<std::shared_ptr<connection>> connect(origin const& to, connect_context const& c);
    awaitable<void> handshake(connection& conn, origin const& to, connect_context const& c,
                              deadline d);
    awaitable<void> tunnel(connection& conn, origin const& to, connect_context const& c,
                           deadline d);
    awaitable<void> socks_connect(connection& conn, origin const& to, connect_context const& c,
                                  deadline d);
    boost::asio::ssl::context& tls_context(connect_context const& c);
    void schedule_cleanup();
    void close_expired_idle() noexcept;

    executor executor_;
    connector_options options_;
    trace_hooks trace_;
    std::unique_ptr<semaphore> limit_;                       ///< limit, if any
    std::unique_ptr<boost::asio::ssl::context> tls_context_; ///< made at the first https use
    std::map<std::string, host_pool, std::less<>> pools_;
    std::map<std::string, dns_entry, std::less<>> dns_cache_;
    /// Per origin, the theoretical arrival time of the next request (the GCRA's TAT).
    std::map<std::string, clock::time_point, std::less<>> rate_slots_;
    boost::asio::steady_timer cleanup_timer_;
    std::shared_ptr<round_writes> writes_;
    std::size_t lent_ = 0; ///< the in_use of every pool, summed
    bool cleanup_armed_ = false;
    bool closed_ = false;
};

} // namespace ahttp::client::detail
