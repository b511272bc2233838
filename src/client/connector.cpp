// SPDX-License-Identifier: BSL-1.0
// The client's connection pool.
#include "client/connector.hpp"
#include "client/happy_eyeballs.hpp"
#include "hot_path.hpp"
#include "wire/response_parser.hpp"

#include <ahttp/wait_for.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>

namespace ahttp::client::detail {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

/// Idle for less than this, a connection may be lent without the liveness peek (see
/// connect_context::retries_stale).
constexpr clock::duration recently_released = std::chrono::milliseconds{1};

[[noreturn]] void throw_timeout(timeout_phase phase, connect_context const& c)
{
    throw timeout_error{phase, c.method, *c.url};
}

/// Runs `op` bounded by `d`, turning its expiry into client::timeout_error(d.phase).
template <class T>
awaitable<T> within(awaitable<T> op, deadline d, connect_context const& c)
{
    if (d.at == clock::time_point::max()) {
        co_return co_await std::move(op);
    }
    auto const left = d.at - clock::now();
    if (left <= clock::duration::zero()) {
        throw_timeout(d.phase, c);
    }
    try {
        co_return co_await wait_for(std::move(op), left);
    } catch (ahttp::timeout_error const&) {
        throw_timeout(d.phase, c);
    }
}

awaitable<void> acquire_permit(semaphore& s)
{
    co_await s.acquire();
}

awaitable<tcp::resolver::results_type> resolve_name(std::string host, std::string service)
{
    tcp::resolver resolver{co_await asio::this_coro::executor};
    co_return co_await resolver.async_resolve(host, service, asio::use_awaitable);
}

} // namespace

std::string origin::site() const
{
    return scheme + "://" + host + ":" + std::to_string(port);
}

std::string origin::key() const
{
    std::string k = site();
    if (proxy) {
        k += std::string{proxy->type == proxy_route::kind::socks5 ? " via socks5 " : " via "} +
             proxy->host + ":" + std::to_string(proxy->port) + " " + proxy->authorization +
             proxy->username;
    }
    return k;
}

// ---- lease -------------------------------------------------------------------------------

AHTTP_HOT_PATH lease& lease::operator=(lease&& other) noexcept
{
    if (this != &other) {
        release(false);
        owner_ = std::move(other.owner_);
        conn_ = std::move(other.conn_);
        reused_ = other.reused_;
    }
    return *this;
}

AHTTP_HOT_PATH lease::~lease()
{
    release(false);
}

AHTTP_HOT_PATH void lease::release(bool keep_alive) noexcept
{
    if (conn_) {
        owner_->give_back(std::move(conn_), keep_alive);
        conn_.reset();
        owner_.reset();
    }
}

AHTTP_HOT_PATH bool lease::has_company() const noexcept
{
    return owner_ && owner_->lent() > 1;
}

AHTTP_HOT_PATH void lease::defer_write(std::string_view bytes)
{
    owner_->writes().add(*conn_, bytes);
}

AHTTP_HOT_PATH void lease::withdraw_write() noexcept
{
    if (conn_) {
        owner_->writes().withdraw(*conn_);
        if (conn_->take_handed_back()) {
            conn_->close(); // part of the request never went: the stream is out of step
        }
    }
}

std::shared_ptr<connection> lease::detach() noexcept
{
    std::shared_ptr<connection> conn = std::move(conn_);
    if (conn) {
        owner_->forget(*conn);
        owner_.reset();
    }
    return conn;
}

// ---- connector ---------------------------------------------------------------------------

connector::connector(executor ex, connector_options options, trace_hooks trace)
    : executor_(std::move(ex)), options_(options), trace_(std::move(trace)),
      cleanup_timer_(executor_), writes_(std::make_shared<round_writes>(executor_))
{
    if (options_.limit != 0) {
        limit_ = std::make_unique<semaphore>(executor_, options_.limit);
    }
}

connector::~connector()
{
    close();
}

void connector::close() noexcept
{
    closed_ = true;
    for (auto& [key, pool] : pools_) {
        for (auto& conn : pool.idle) {
            conn->close();
        }
        pool.idle.clear();
    }
    cleanup_timer_.cancel();
}

AHTTP_HOT_PATH std::optional<clock::time_point> connector::reserve_send_time(std::string_view key)
{
    rate_limit const& rate = options_.rate_limit;
    if (rate.per_second <= 0) {
        return std::nullopt;
    }
    auto const now = clock::now();
    // The generic cell rate algorithm (virtual scheduling): each request reserves the slot
    // after the previous one; up to `burst` slots may be taken ahead of time.
    auto const interval = std::chrono::duration_cast<clock::duration>(
        std::chrono::duration<double>{1.0 / rate.per_second});
    auto slot = rate_slots_.find(key);
    if (slot == rate_slots_.end()) {
        slot = rate_slots_.emplace(std::string{key}, clock::time_point{}).first;
    }
    auto& tat = slot->second;
    auto const start = std::max(tat, now);
    auto const ahead = interval * static_cast<clock::rep>(std::max<std::size_t>(rate.burst, 1) - 1);
    auto const send_at = std::max(now, start - ahead);
    tat = start + interval;
    if (send_at <= now) {
        return std::nullopt;
    }
    return send_at;
}

std::size_t connector::idle_count(std::string const& key) const noexcept
{
    auto const it = pools_.find(key);
    return it == pools_.end() ? 0 : it->second.idle.size();
}

awaitable<void> connector::take_slots(host_pool& pool, connect_context const& c)
{
    deadline const d = c.connect.earliest(deadline::after(c.pool_wait, timeout_phase::pool_wait));
    trace_request const traced{c.method, *c.url};
    bool queued = false;
    // Per host first: a request waiting for its host's slot must not hold a global one.
    if (pool.slots && !pool.slots->try_acquire()) {
        fire(trace_.on_connection_queued_start, traced);
        queued = true;
        co_await within(acquire_permit(*pool.slots), d, c);
    }
    if (limit_ && !limit_->try_acquire()) {
        if (!queued) {
            fire(trace_.on_connection_queued_start, traced);
            queued = true;
        }
        try {
            co_await within(acquire_permit(*limit_), d, c);
        } catch (...) {
            if (pool.slots) {
                pool.slots->release();
            }
            throw;
        }
    }
    if (queued) {
        fire(trace_.on_connection_queued_end, traced);
    }
    ++pool.in_use;
    ++lent_;
}

AHTTP_HOT_PATH void connector::return_slots(host_pool& pool) noexcept
{
    --pool.in_use;
    --lent_;
    try {
        if (pool.slots) {
            pool.slots->release();
        }
        if (limit_) {
            limit_->release();
        }
    } catch (...) {
        // release() allocates only to wake a waiter; out of memory there is not recoverable
        // in a noexcept path, and the waiter then times out rather than hangs forever.
    }
}

connector::host_pool& connector::pool_for(std::string_view key)
{
    auto it = pools_.find(key);
    if (it == pools_.end()) {
        it = pools_.emplace(std::string{key}, host_pool{}).first;
        if (options_.limit_per_host != 0) {
            it->second.slots = std::make_unique<semaphore>(executor_, options_.limit_per_host);
        }
    }
    return it->second;
}

AHTTP_HOT_PATH std::shared_ptr<connection>
connector::pop_idle(host_pool& pool, connect_context const& c, clock::time_point now) noexcept
{
    // Oldest first (FIFO): every pooled connection gets used, so none sits until the server's
    // idle timeout closes it under us.
    while (!pool.idle.empty()) {
        std::shared_ptr<connection> conn = std::move(pool.idle.front());
        pool.idle.pop_front();
        auto const idle = now - conn->idle_since();
        // The liveness peek is a syscall per request. Servers close idle connections after
        // seconds, not microseconds: one released a moment ago (typically by the response
        // that just ended) goes without it when a closed connection would only cost a
        // retry on a new one.
        bool const peek = !(c.retries_stale && idle < recently_released);
        if (idle < options_.keepalive_timeout && conn->is_reusable_now(peek)) {
            fire(trace_.on_connection_reuseconn, trace_request{c.method, *c.url});
            return conn;
        }
        conn->close(); // expired, or closed by the server since
    }
    return nullptr;
}

AHTTP_HOT_PATH lease connector::try_reuse(std::string_view key, connect_context const& c)
{
    auto const it = pools_.find(key);
    if (it == pools_.end() || it->second.idle.empty()) {
        return {};
    }
    host_pool& pool = it->second;
    // The slots as take_slots() takes them, but only if free now (try_acquire never
    // overtakes a waiter).
    if (pool.slots && !pool.slots->try_acquire()) {
        return {};
    }
    if (limit_ && !limit_->try_acquire()) {
        if (pool.slots) {
            pool.slots->release();
        }
        return {};
    }
    ++pool.in_use;
    ++lent_;
    // The request's start stands in for now: microseconds apart, and one clock read less.
    if (std::shared_ptr<connection> conn = pop_idle(pool, c, c.started)) {
        return lease{shared_from_this(), std::move(conn), true};
    }
    return_slots(pool);
    return {};
}

awaitable<lease> connector::acquire(origin const& to, std::string_view key, bool fresh,
                                    connect_context const& c)
{
    host_pool& pool = pool_for(key);
    co_await take_slots(pool, c);
    try {
        if (!fresh) {
            if (std::shared_ptr<connection> conn = pop_idle(pool, c, clock::now())) {
                co_return lease{shared_from_this(), std::move(conn), true};
            }
        }
        fire(trace_.on_connection_create_start, trace_request{c.method, *c.url});
        std::shared_ptr<connection> conn = co_await connect(to, c);
        fire(trace_.on_connection_create_end, trace_request{c.method, *c.url});
        co_return lease{shared_from_this(), std::move(conn), false};
    } catch (...) {
        return_slots(pool);
        throw;
    }
}

void connector::forget(connection const& conn) noexcept
{
    if (auto const it = pools_.find(conn.pool_key()); it != pools_.end()) {
        return_slots(it->second);
    }
}

AHTTP_HOT_PATH void connector::give_back(std::shared_ptr<connection> conn, bool keep_alive) noexcept
{
    auto const it = pools_.find(conn->pool_key());
    if (it == pools_.end()) {
        conn->close();
        return;
    }
    host_pool& pool = it->second;
    return_slots(pool);
    if (!keep_alive || closed_ || options_.force_close || !conn->is_open()) {
        conn->close();
        return;
    }
    conn->set_deadline({});
    conn->mark_idle();
    try {
        pool.idle.push_back(std::move(conn));
        schedule_cleanup();
    } catch (...) {
        // No room to pool it: it is closed by its destructor.
    }
}

AHTTP_HOT_PATH void connector::schedule_cleanup()
{
    if (cleanup_armed_ || options_.keepalive_timeout == clock::duration::max()) {
        return;
    }
    cleanup_armed_ = true;
    cleanup_timer_.expires_after(options_.keepalive_timeout);
    cleanup_timer_.async_wait([weak = weak_from_this()](error_code ec) {
        auto self = weak.lock();
        if (!self) {
            return;
        }
        self->cleanup_armed_ = false;
        if (ec || self->closed_) {
            return;
        }
        self->close_expired_idle();
    });
}

void connector::close_expired_idle() noexcept
{
    auto const now = clock::now();
    bool any_left = false;
    for (auto& [key, pool] : pools_) {
        // Oldest at the front: stop at the first one still within its keep-alive time.
        while (!pool.idle.empty() &&
               now - pool.idle.front()->idle_since() >= options_.keepalive_timeout) {
            pool.idle.front()->close();
            pool.idle.pop_front();
        }
        any_left = any_left || !pool.idle.empty();
    }
    if (any_left) {
        try {
            schedule_cleanup();
        } catch (...) {
        }
    }
}

asio::ssl::context& connector::tls_context(connect_context const& c)
{
    if (tls_context_) {
        return *tls_context_;
    }
    auto context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    tls_options const& tls = options_.tls;
    // TLS 1.2 and 1.3 only (RFC 8996 deprecates the older ones).
    SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
    // ALPN: we speak HTTP/1.1 (servers that also speak h2 must not pick it for us).
    static constexpr unsigned char alpn[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
    SSL_CTX_set_alpn_protos(context->native_handle(), alpn, sizeof alpn);
    error_code ec;
    std::string what;
    if (!tls.ca_file.empty()) {
        context->load_verify_file(tls.ca_file, ec);
        what = "cannot load CA file " + tls.ca_file;
    } else {
        context->set_default_verify_paths(ec);
        what = "cannot load the system CA store";
    }
    if (!ec && !tls.cert_file.empty()) {
        context->use_certificate_chain_file(tls.cert_file, ec);
        what = "cannot load client certificate " + tls.cert_file;
        if (!ec) {
            std::string const& key = tls.key_file.empty() ? tls.cert_file : tls.key_file;
            context->use_private_key_file(key, asio::ssl::context::pem, ec);
            what = "cannot load client key " + key;
        }
    }
    if (ec) {
        throw tls_error{ec, what, c.method, *c.url};
    }
    tls_context_ = std::move(context);
    return *tls_context_;
}

awaitable<std::vector<tcp::endpoint>> connector::resolve(origin const& to, connect_context const& c)
{
    error_code ec;
    auto const address = asio::ip::make_address(to.host, ec);
    if (!ec) {
        co_return std::vector<tcp::endpoint>{tcp::endpoint{address, to.port}};
    }
    std::string const key = to.host + ":" + std::to_string(to.port);
    auto const now = clock::now();
    if (auto const it = dns_cache_.find(key); it != dns_cache_.end()) {
        if (it->second.expires > now) {
            fire(trace_.on_dns_cache_hit, std::string_view{to.host});
            co_return it->second.endpoints;
        }
        dns_cache_.erase(it);
    }
    deadline const d = c.connect.earliest(deadline::after(c.dns, timeout_phase::dns));
    fire(trace_.on_dns_cache_miss, std::string_view{to.host});
    fire(trace_.on_dns_resolvehost_start, std::string_view{to.host});
    tcp::resolver::results_type results;
    try {
        results = co_await within(resolve_name(to.host, std::to_string(to.port)), d, c);
    } catch (boost::system::system_error const& e) {
        if (e.code() == asio::error::operation_aborted) {
            throw;
        }
        throw connection_error{e.code(), "cannot resolve " + to.host, c.method, *c.url};
    }
    fire(trace_.on_dns_resolvehost_end, std::string_view{to.host});
    std::vector<tcp::endpoint> endpoints;
    for (auto const& entry : results) {
        endpoints.push_back(entry.endpoint());
    }
    if (options_.dns_cache_ttl > clock::duration::zero() && !endpoints.empty()) {
        dns_cache_[key] = dns_entry{endpoints, now + options_.dns_cache_ttl};
    }
    co_return endpoints;
}

awaitable<void> connector::handshake(connection& conn, origin const& to, connect_context const& c,
                                     deadline d)
{
    std::string reason;
    error_code const ec =
        co_await within(conn.handshake(tls_context(c), to.host, options_.tls.verify, reason), d, c);
    if (ec) {
        throw tls_error{ec, "TLS handshake with " + to.host + " failed: " + reason, c.method,
                        *c.url};
    }
}

awaitable<void> connector::tunnel(connection& conn, origin const& to, connect_context const& c,
                                  deadline d)
{
    // RFC 9110 §9.3.6: CONNECT with the target's authority; a 2xx turns the connection into
    // a tunnel, anything else is the proxy's refusal.
    std::string const authority =
        (to.host.find(':') != std::string::npos ? "[" + to.host + "]" : to.host) + ":" +
        std::to_string(to.port);
    std::string request = "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n";
    if (!to.proxy->authorization.empty()) {
        request += "Proxy-Authorization: " + to.proxy->authorization + "\r\n";
    }
    request += "\r\n";
    conn.set_deadline(d);
    auto fail = [&](error_code ec, std::string const& what) -> connection_error {
        if (conn.expired()) {
            throw timeout_error{conn.expired_phase(), c.method, *c.url};
        }
        return connection_error{ec, what, c.method, *c.url};
    };
    if (error_code const ec = co_await conn.write(request)) {
        throw fail(ec, "cannot send CONNECT to the proxy");
    }
    wire::response_parser const parser;
    wire::response_head head;
    wire::parse_error error;
    for (;;) {
        auto const status = conn.buffered().empty()
                                ? wire::parse_status::need_more
                                : parser.parse(conn.buffered(), head, error, {.connect = true});
        if (status == wire::parse_status::complete) {
            break;
        }
        if (status == wire::parse_status::error) {
            throw fail(make_error_code(errc::bad_response),
                       "malformed answer to CONNECT: " + std::string{error.reason});
        }
        if (error_code const ec = co_await conn.read_more()) {
            throw fail(ec, "the proxy closed the connection during CONNECT");
        }
    }
    if (head.status < 200 || head.status >= 300) {
        throw fail(make_error_code(errc::bad_response),
                   "the proxy refused CONNECT to " + authority + ": " +
                       std::to_string(head.status) + " " + std::string{head.reason});
    }
    conn.consume(head.head_size);
    conn.set_deadline({});
}

namespace {

/// Reads until `conn` holds `n` bytes; false if the peer closed first.
awaitable<error_code> read_exactly(connection& conn, std::size_t n)
{
    while (conn.buffered().size() < n) {
        if (error_code const ec = co_await conn.read_more()) {
            co_return ec;
        }
    }
    co_return error_code{};
}

char const* socks_reply_text(unsigned char code) noexcept
{
    switch (code) { // RFC 1928 §6
    case 1:
        return "general SOCKS server failure";
    case 2:
        return "connection not allowed by ruleset";
    case 3:
        return "network unreachable";
    case 4:
        return "host unreachable";
    case 5:
        return "connection refused";
    case 6:
        return "TTL expired";
    case 7:
        return "command not supported";
    case 8:
        return "address type not supported";
    default:
        return "unknown SOCKS error";
    }
}

} // namespace

awaitable<void> connector::socks_connect(connection& conn, origin const& to,
                                         connect_context const& c, deadline d)
{
    // RFC 1928 (with RFC 1929 username/password): greeting, optional login, CONNECT by name
    // or address, then the connection is a tunnel to the target.
    proxy_route const& p = *to.proxy;
    conn.set_deadline(d);
    auto fail = [&](error_code ec, std::string const& what) -> connection_error {
        if (conn.expired()) {
            throw timeout_error{conn.expired_phase(), c.method, *c.url};
        }
        return connection_error{ec ? ec : make_error_code(errc::bad_response),
                                "SOCKS5 proxy: " + what, c.method, *c.url};
    };
    bool const login = !p.username.empty();
    std::string greeting{"\x05\x01\x00", 3};
    if (login) {
        greeting = std::string{"\x05\x02\x00\x02", 4};
    }
    if (error_code const ec = co_await conn.write(greeting)) {
        throw fail(ec, "cannot send the greeting");
    }
    if (error_code const ec = co_await read_exactly(conn, 2)) {
        throw fail(ec, "closed during the greeting");
    }
    auto const method = static_cast<unsigned char>(conn.buffered()[1]);
    if (conn.buffered()[0] != 5 || (method != 0 && !(login && method == 2))) {
        throw fail({}, "no acceptable authentication method");
    }
    conn.consume(2);
    if (method == 2) {
        std::string auth{"\x01"};
        auth.push_back(static_cast<char>(p.username.size()));
        auth += p.username;
        auth.push_back(static_cast<char>(p.password.size()));
        auth += p.password;
        if (error_code const ec = co_await conn.write(auth)) {
            throw fail(ec, "cannot send the credentials");
        }
        if (error_code const ec = co_await read_exactly(conn, 2)) {
            throw fail(ec, "closed during authentication");
        }
        if (conn.buffered()[1] != 0) {
            throw fail({}, "authentication failed");
        }
        conn.consume(2);
    }
    std::string request{"\x05\x01\x00", 3};
    error_code not_ip;
    auto const address = asio::ip::make_address(to.host, not_ip);
    if (!not_ip && address.is_v4()) {
        auto const bytes = address.to_v4().to_bytes();
        request.push_back('\x01');
        request.append(reinterpret_cast<char const*>(bytes.data()), bytes.size());
    } else if (!not_ip) {
        auto const bytes = address.to_v6().to_bytes();
        request.push_back('\x04');
        request.append(reinterpret_cast<char const*>(bytes.data()), bytes.size());
    } else {
        if (to.host.size() > 255) {
            throw fail({}, "host name too long for SOCKS5");
        }
        request.push_back('\x03'); // the proxy resolves the name ("socks5h")
        request.push_back(static_cast<char>(to.host.size()));
        request += to.host;
    }
    request.push_back(static_cast<char>(to.port >> 8));
    request.push_back(static_cast<char>(to.port & 0xff));
    if (error_code const ec = co_await conn.write(request)) {
        throw fail(ec, "cannot send CONNECT");
    }
    if (error_code const ec = co_await read_exactly(conn, 5)) {
        throw fail(ec, "closed before answering CONNECT");
    }
    auto const reply = static_cast<unsigned char>(conn.buffered()[1]);
    if (conn.buffered()[0] != 5 || reply != 0) {
        throw fail({}, std::string{"CONNECT to "} + to.host + ":" + std::to_string(to.port) +
                           " refused: " + socks_reply_text(reply));
    }
    // The bound address: IPv4 (4), IPv6 (16) or a name (1 + length), then the port (2).
    auto const type = static_cast<unsigned char>(conn.buffered()[3]);
    std::size_t const length = type == 1   ? 4 + 6
                               : type == 4 ? 16 + 6
                               : type == 3 ? 1 + static_cast<unsigned char>(conn.buffered()[4]) + 6
                                           : 0;
    if (length == 0) {
        throw fail({}, "malformed CONNECT reply");
    }
    if (error_code const ec = co_await read_exactly(conn, length)) {
        throw fail(ec, "closed during the CONNECT reply");
    }
    conn.consume(length);
    conn.set_deadline({});
}

awaitable<std::shared_ptr<connection>> connector::connect(origin const& to,
                                                          connect_context const& c)
{
    // Through a proxy, the TCP connection goes to the proxy; the target comes later.
    origin const hop = to.proxy ? origin{"http", to.proxy->host, to.proxy->port} : to;
    std::vector<tcp::endpoint> const endpoints = co_await resolve(hop, c);
    deadline const connect_deadline = c.connect;
    // RFC 8305: families interleaved, attempts staggered by 250 ms, the first to connect wins.
    race_result raced = co_await within(
        race_connect(interleave_families(endpoints), c.sock_connect), connect_deadline, c);
    if (raced.socket) {
        stream_socket socket = std::move(*raced.socket);
        // Requests are small and latency matters more than segment count (aiohttp too).
        error_code ignored;
        socket.set_option(tcp::no_delay{true}, ignored);
        auto conn = std::make_shared<connection>(std::move(socket), to.key());
        if (to.proxy && to.proxy->type == proxy_route::kind::socks5) {
            co_await socks_connect(*conn, to, c, connect_deadline);
        }
        if (to.scheme == "https") {
            if (to.proxy && to.proxy->type == proxy_route::kind::http) {
                co_await tunnel(*conn, to, c, connect_deadline);
            }
            co_await handshake(*conn, to, c,
                               connect_deadline.earliest(
                                   deadline::after(c.tls_handshake, timeout_phase::tls_handshake)));
        }
        co_return conn;
    }
    error_code const last = raced.last;
    bool const attempt_timed_out = raced.attempt_timed_out;
    if (attempt_timed_out) {
        throw_timeout(timeout_phase::sock_connect, c);
    }
    throw connection_error{
        last,
        std::string{to.proxy ? "cannot connect to proxy " : "cannot connect to "} + hop.host + ":" +
            std::to_string(hop.port),
        c.method, *c.url};
}

} // namespace ahttp::client::detail
