// SPDX-License-Identifier: BSL-1.0
// client::session: URL handling, the request on the wire, the response head, redirects.
#include "client/connector.hpp"
#include "client/multipart_body.hpp"
#include "client/readable_read.hpp"
#include "client/response_state.hpp"
#include "client/target.hpp"
#include "client/url_repair.hpp"
#include "hot_path.hpp"
#include "http/text.hpp"

#include <ahttp/client/errors.hpp>
#include <ahttp/client/session.hpp>
#include <ahttp/sleep.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <random>

namespace ahttp::client {
namespace {

namespace asio = boost::asio;
namespace urls = boost::urls;
using detail::clock;
using detail::deadline;

// ---- URLs (client/target.hpp) -------------------------------------------------------------

using detail::cached_target;
using detail::make_target;
using detail::resolve_url;
using detail::target;

// ---- proxies -----------------------------------------------------------------------------

/// The proxy named by `text`: "http://[user:pass@]host[:port]" or "socks5://…" ("socks5h"
/// is the same: host names are always resolved by the SOCKS server).
detail::proxy_route parse_proxy(std::string_view text)
{
    auto const parsed_text = urls::parse_uri(text);
    std::optional<urls::url> repaired;
    if (parsed_text) {
        repaired.emplace(*parsed_text);
    }
    if (!repaired || !detail::repair_cut_host(*repaired) || !repaired->has_authority() ||
        repaired->encoded_host().empty()) {
        throw invalid_url{"malformed proxy URL", std::string{text}};
    }
    urls::url const* const parsed = &*repaired;
    std::string const scheme = http::detail::lower_ascii(parsed->scheme());
    detail::proxy_route route;
    if (scheme == "socks5" || scheme == "socks5h") {
        route.type = detail::proxy_route::kind::socks5;
        route.port = 1080;
    } else if (scheme != "http") {
        throw invalid_url{"proxies must be http:// or socks5://", std::string{text}};
    }
    route.host = parsed->host_type() == urls::host_type::ipv6
                     ? parsed->host_ipv6_address().to_string()
                     : std::string{parsed->host()};
    if (parsed->has_port()) {
        route.port = parsed->port_number();
    }
    if (parsed->has_userinfo() && route.type == detail::proxy_route::kind::socks5) {
        route.username = parsed->user();
        route.password = parsed->password();
        if (route.username.size() > 255 || route.password.size() > 255) {
            throw invalid_url{"SOCKS credentials longer than 255 bytes", std::string{text}};
        }
    } else if (parsed->has_userinfo()) {
        route.authorization = http::basic_auth{parsed->user(), parsed->password()}.header_value();
    }
    return route;
}

std::string environment(char const* lower_name, char const* upper_name)
{
    for (char const* name : {lower_name, upper_name}) {
        if (char const* value = std::getenv(name); value != nullptr && *value != '\0') {
            return value;
        }
    }
    return {};
}

/// NO_PROXY: "*", or a comma-separated list of hosts and domains (".example.com" or
/// "example.com" both cover its subdomains), ports ignored.
bool bypasses_proxy(std::string_view host)
{
    std::string const list = environment("no_proxy", "NO_PROXY");
    std::string_view rest = list;
    while (!rest.empty()) {
        auto const comma = rest.find(',');
        std::string_view entry = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        while (!entry.empty() && entry.front() == ' ') {
            entry.remove_prefix(1);
        }
        while (!entry.empty() && entry.back() == ' ') {
            entry.remove_suffix(1);
        }
        if (entry == "*") {
            return true;
        }
        if (auto const colon = entry.rfind(':');
            colon != std::string_view::npos && entry.find(':') == colon) {
            entry = entry.substr(0, colon); // "host:port"
        }
        if (!entry.empty() && entry.front() == '.') {
            entry.remove_prefix(1);
        }
        if (entry.empty()) {
            continue;
        }
        if (http::iequals(host, entry) ||
            (host.size() > entry.size() && host[host.size() - entry.size() - 1] == '.' &&
             http::iequals(host.substr(host.size() - entry.size()), entry))) {
            return true;
        }
    }
    return false;
}

/// The proxy a request to `to` goes through: the request's, the session's, or (trust_env)
/// the environment's.
std::optional<detail::proxy_route>
pick_proxy(session_options const& defaults, std::string const& requested, detail::origin const& to)
{
    if (!requested.empty()) {
        return parse_proxy(requested);
    }
    if (!defaults.proxy.empty()) {
        return parse_proxy(defaults.proxy);
    }
    if (!defaults.trust_env || bypasses_proxy(to.host)) {
        return std::nullopt;
    }
    std::string from_env = to.scheme == "https" ? environment("https_proxy", "HTTPS_PROXY")
                                                : environment("http_proxy", "HTTP_PROXY");
    if (from_env.empty()) {
        from_env = environment("all_proxy", "ALL_PROXY");
    }
    if (from_env.empty()) {
        return std::nullopt;
    }
    return parse_proxy(from_env);
}

// ---- the request -------------------------------------------------------------------------

/// Bytes allowed in a field name (RFC 9110 §5.6.2 tchar) and in a field value (VCHAR, obs-text,
/// SP and HTAB), as a table: every header of every request is checked.
struct field_bytes {
    bool name[256]{};
    bool value[256]{};
    constexpr field_bytes()
    {
        for (int c = 0; c < 256; ++c) {
            value[c] = (c >= 0x20 && c != 0x7f) || c == '\t';
            name[c] = c > 0x20 && c < 0x7f;
        }
        for (unsigned char const c : std::string_view{":(),;\"/[]?={}<>@\\"}) {
            name[c] = false;
        }
    }
};
constexpr field_bytes field_table{};

bool valid_field_name(std::string_view name) noexcept
{
    if (name.empty()) {
        return false;
    }
    for (char const c : name) {
        if (!field_table.name[static_cast<unsigned char>(c)]) {
            return false;
        }
    }
    return true;
}

bool valid_field_value(std::string_view value) noexcept
{
    for (char const c : value) {
        if (!field_table.value[static_cast<unsigned char>(c)]) {
            return false;
        }
    }
    return true;
}

/// One request as it goes on the wire, and what the redirect logic may change.
struct outgoing {
    http::method method = http::method::get;
    http::headers headers; ///< session's merged with the request's
    std::optional<std::string> body;
    std::shared_ptr<detail::multipart_body const> multipart; ///< instead of body
    body_stream stream;       ///< instead of body: sent chunked, never replayed
    std::string content_type; ///< for the body, unless headers set one
};

/// Writes the request head (and a body held in memory) into `wire`, replacing its contents.
/// `route` is t.origin with the proxy chosen for this request, if any.
void serialize(std::string& wire, outgoing const& out, target const& t, detail::origin const& route,
               session_options const& defaults, std::string_view cookies)
{
    wire.clear();
    wire.reserve(256 + (out.body ? out.body->size() : 0));
    wire.append(http::to_string(out.method)).push_back(' ');
    // Through a proxy a plain-http request names its whole URL (RFC 9112 §3.2.2).
    bool const absolute_form = route.proxy && route.scheme == "http" &&
                               route.proxy->type == detail::proxy_route::kind::http;
    wire.append(absolute_form ? std::string_view{t.text} : std::string_view{t.request_target});
    bool const http10 = defaults.version_minor == 0;
    wire.append(http10 ? " HTTP/1.0\r\n" : " HTTP/1.1\r\n");
    // Fields made here from parsed URLs and constants need no check; the caller's do.
    auto known_field = [&](std::string_view name, std::string_view value) {
        wire.append(name).append(": ").append(value).append("\r\n");
    };
    auto field = [&](std::string_view name, std::string_view value) {
        if (!valid_field_name(name) || !valid_field_value(value)) {
            throw client_error{make_error_code(errc::invalid_argument),
                               "invalid header field '" + std::string{name} + "'", out.method,
                               t.text};
        }
        known_field(name, value);
    };
    if (!out.headers.contains(http::field::host)) {
        known_field("Host", t.host_field);
    }
    if (absolute_form && !route.proxy->authorization.empty()) {
        field("Proxy-Authorization", route.proxy->authorization);
    }
    bool cookies_sent = cookies.empty();
    for (auto const& [name, value] : out.headers) {
        if (http::iequals(name, "Content-Length") || http::iequals(name, "Transfer-Encoding")) {
            continue; // ours to write: a wrong one would desynchronise the connection
        }
        if (!cookies_sent && http::iequals(name, "Cookie")) {
            field(name, std::string{value} + "; " + std::string{cookies}); // one Cookie field
            cookies_sent = true;
            continue;
        }
        field(name, value);
    }
    if (!cookies_sent) {
        field("Cookie", cookies);
    }
    if (!out.headers.contains(http::field::user_agent) && !defaults.user_agent.empty()) {
        field("User-Agent", defaults.user_agent);
    }
    if (!out.headers.contains(http::field::accept)) {
        known_field("Accept", "*/*");
    }
    if (defaults.auto_decompress && !out.headers.contains(http::field::accept_encoding)) {
        known_field("Accept-Encoding", "gzip, deflate, br");
    }
    bool const method_expects_body = out.method == http::method::post ||
                                     out.method == http::method::put ||
                                     out.method == http::method::patch;
    if (http10 && !defaults.connector.force_close &&
        !out.headers.contains(http::field::connection)) {
        known_field("Connection", "keep-alive"); // HTTP/1.0 closes after each response otherwise
    }
    if (out.stream) {
        if (http10) {
            throw client_error{make_error_code(errc::invalid_argument),
                               "a streamed body needs HTTP/1.1 (chunked transfer coding)",
                               out.method, t.text};
        }
        if (!out.headers.contains(http::field::content_type)) {
            field("Content-Type", out.content_type);
        }
        known_field("Transfer-Encoding", "chunked");
    } else if (out.body || out.multipart) {
        if (!out.content_type.empty() && !out.headers.contains(http::field::content_type)) {
            field("Content-Type", out.content_type);
        }
        known_field("Content-Length",
                    std::to_string(out.body ? out.body->size() : out.multipart->content_length()));
    } else if (method_expects_body) {
        known_field("Content-Length", "0"); // RFC 9110 §8.6: a POST without content says so
    }
    wire.append("\r\n");
    if (out.body) {
        wire.append(*out.body);
    }
}

clock::duration pick(std::optional<clock::duration> request, std::optional<clock::duration> session,
                     std::optional<clock::duration> fallback)
{
    return request ? *request : session ? *session : *fallback;
}

struct timeouts {
    deadline total;
    clock::duration connect;
    clock::duration sock_connect;
    clock::duration sock_read;
    clock::duration pool_wait;
    clock::duration dns;
    clock::duration tls_handshake;
    clock::duration first_byte;
};

/// The request's timeouts, its own over the session's over the defaults; the total deadline
/// counts from `now`.
AHTTP_HOT_PATH timeouts resolve_timeouts(client_timeout const& request,
                                         client_timeout const& session, clock::time_point now)
{
    static client_timeout const defaults = default_timeout();
    timeouts t;
    t.total = deadline::after(pick(request.total, session.total, defaults.total),
                              timeout_phase::total, now);
    t.connect = pick(request.connect, session.connect, defaults.connect);
    t.sock_connect = pick(request.sock_connect, session.sock_connect, defaults.sock_connect);
    t.sock_read = pick(request.sock_read, session.sock_read, defaults.sock_read);
    t.pool_wait = pick(request.pool_wait, session.pool_wait, defaults.pool_wait);
    t.dns = pick(request.dns, session.dns, defaults.dns);
    t.tls_handshake = pick(request.tls_handshake, session.tls_handshake, defaults.tls_handshake);
    t.first_byte = pick(request.first_byte, session.first_byte, defaults.first_byte);
    return t;
}

bool is_redirect(unsigned status) noexcept
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/// What went wrong before a response head arrived, for the retry decision.
struct exchange_failure {
    error_code code;
    bool nothing_received = false; ///< not one byte of a response: a stale pooled connection
    char const* what = "";
};

} // namespace

// ---- session -----------------------------------------------------------------------------

session::session(executor ex)
    : executor_(std::move(ex)), connector_(std::make_shared<detail::connector>(
                                    executor_, options_.connector, options_.trace)),
      targets_(std::make_shared<detail::target_cache>())
{
    options_.cookie_jar = std::make_shared<client::cookie_jar>();
}

session::session(executor ex, session_options options)
    : executor_(std::move(ex)), options_(std::move(options)),
      connector_(
          std::make_shared<detail::connector>(executor_, options_.connector, options_.trace)),
      targets_(std::make_shared<detail::target_cache>())
{
    if (!options_.cookie_jar) {
        options_.cookie_jar = std::make_shared<client::cookie_jar>();
    }
}

session::~session()
{
    close();
}

session::session(session&&) noexcept = default;
session& session::operator=(session&&) noexcept = default;

void session::close() noexcept
{
    if (connector_) {
        connector_->close();
    }
}

// The verbs forward to request() without a coroutine frame of their own: they return its
// awaitable as is.
AHTTP_HOT_PATH awaitable<response> session::get(std::string_view url)
{
    return request(http::method::get, url);
}
awaitable<response> session::get(std::string_view url, request_options options)
{
    return request(http::method::get, url, std::move(options));
}
awaitable<response> session::post(std::string_view url)
{
    return request(http::method::post, url);
}
awaitable<response> session::post(std::string_view url, request_options options)
{
    return request(http::method::post, url, std::move(options));
}
awaitable<response> session::put(std::string_view url)
{
    return request(http::method::put, url);
}
awaitable<response> session::put(std::string_view url, request_options options)
{
    return request(http::method::put, url, std::move(options));
}
awaitable<response> session::patch(std::string_view url)
{
    return request(http::method::patch, url);
}
awaitable<response> session::patch(std::string_view url, request_options options)
{
    return request(http::method::patch, url, std::move(options));
}
awaitable<response> session::delete_(std::string_view url)
{
    return request(http::method::delete_, url);
}
awaitable<response> session::delete_(std::string_view url, request_options options)
{
    return request(http::method::delete_, url, std::move(options));
}
awaitable<response> session::head(std::string_view url)
{
    return request(http::method::head, url);
}
awaitable<response> session::head(std::string_view url, request_options options)
{
    return request(http::method::head, url, std::move(options));
}
awaitable<response> session::options(std::string_view url)
{
    return request(http::method::options, url);
}
awaitable<response> session::options(std::string_view url, request_options options)
{
    return request(http::method::options, url, std::move(options));
}

namespace {

/// Wraps one piece of a streamed body as a chunk (RFC 9112 §7.1), in place; an empty piece
/// becomes the last chunk.
void frame_as_chunk(std::string& piece)
{
    char size[20];
    auto const end = std::to_chars(size, size + sizeof size, piece.size(), 16).ptr;
    std::string chunk{size, end};
    chunk.append("\r\n").append(piece).append("\r\n"); // the last chunk: "0\r\n\r\n"
    piece.swap(chunk);
}

/// The head being parsed, per thread: a response is parsed and copied out without suspending
/// in between, so one is enough, and it is hot in the cache (a state per request in flight
/// was not, with a hundred of them).
AHTTP_HOT_PATH wire::response_head& scratch_head()
{
    thread_local wire::response_head head;
    return head;
}

/// Copies a parsed head (views into `raw`, its bytes in the connection's buffer) into the
/// state's own fields.
AHTTP_HOT_PATH void adopt_head(detail::response_state& state, std::string_view raw,
                               wire::response_head const& head, http::method method)
{
    state.method = method;
    state.status = static_cast<http::status>(head.status);
    state.reason.assign(head.reason);
    state.version_minor = head.version_minor;
    state.adopt_fields(raw, head.fields); // one copy of the head, views into it
    state.has_set_cookie = head.has_set_cookie;
    state.has_content_encoding = head.has_content_encoding;
    state.framing = head.framing;
    state.remaining = head.content_length;
    state.declared_length = head.content_length;
    state.keep_alive = head.keep_alive;
}

/// Sends a multipart or streamed body after the head: a coroutine of its own, so that the
/// frame of every exchange does not carry what only these need.
awaitable<bool> send_body(detail::connection& c, detail::multipart_body const* multipart,
                          body_stream const* stream, timeouts const& t, exchange_failure& failure)
{
    if (multipart != nullptr) {
        if (error_code const ec = co_await multipart->write(c)) {
            failure = {ec, true, "cannot send the request body"};
            co_return false;
        }
    }
    if (stream != nullptr) {
        // Chunked (RFC 9112 §7.1): each piece as it comes, then the last chunk.
        for (;;) {
            std::string chunk = co_await (*stream)();
            bool const last = chunk.empty();
            frame_as_chunk(chunk);
            c.set_deadline(t.total);
            if (error_code const ec = co_await c.write(chunk)) {
                failure = {ec, false, "cannot send the request body"};
                co_return false;
            }
            if (last) {
                break;
            }
        }
    }
    co_return true;
}

/// The deadlines of the wait for a response head. sock_read and first_byte count from the
/// moment the whole request is sent: an upload's time is not theirs.
struct head_deadlines {
    deadline read;       ///< total, or sock_read if sooner
    deadline first_byte; ///< until the response's first byte
};

AHTTP_HOT_PATH head_deadlines head_deadlines_from_now(timeouts const& t) noexcept
{
    if (t.sock_read == no_timeout && t.first_byte == no_timeout) {
        return {t.total, {}}; // the defaults: no clock read
    }
    auto const now = clock::now();
    return {t.total.earliest(deadline::after(t.sock_read, timeout_phase::sock_read, now)),
            deadline::after(t.first_byte, timeout_phase::first_byte, now)};
}

/// Sends what a round's flush handed back (see round_writes): under the total deadline only,
/// as a request written at once, after which the wait for the response starts. A coroutine
/// of its own, since it is rare: exchange()'s frame stays small.
awaitable<error_code> send_handed_back(detail::connection& c, std::string_view rest,
                                       error_code error, timeouts const& t, head_deadlines& wait)
{
    if (error || rest.empty()) {
        co_return error;
    }
    c.set_deadline(t.total);
    error_code const ec = co_await c.write(rest);
    wait = head_deadlines_from_now(t);
    co_return ec;
}

/// Whether the calling coroutine has been asked to stop.
awaitable<bool> cancelled()
{
    asio::cancellation_state const state = co_await asio::this_coro::cancellation_state;
    co_return state.cancelled() != asio::cancellation_type::none;
}

/// Takes a request's deferred write back out of the round's queue when the exchange ends
/// before it went (a timeout, an early answer): the bytes it points to die with the request.
struct withdraw_on_exit {
    detail::lease* conn;
    ~withdraw_on_exit()
    {
        if (conn != nullptr) {
            conn->withdraw_write();
        }
    }
};

/// Sends `request` on `conn` and reads a final response head into a new `state` (taken from
/// the recycled ones only now, when it is needed). Returns false with the failure instead of
/// throwing when nothing came back, so the caller can retry.
AHTTP_HOT_PATH awaitable<bool> exchange(detail::lease& conn, std::string_view request,
                                        std::unique_ptr<detail::response_state>& state,
                                        detail::multipart_body const* multipart,
                                        body_stream const* stream, http::method method,
                                        timeouts const& t, exchange_failure& failure)
{
    detail::connection& c = conn.conn();
    c.count_request();
    head_deadlines wait; // once the request is sent
    // Whether the request waited (co_await) after its first byte left: then the event loop
    // may have taken the answer's readiness already, and the first read must try a recv at
    // once (see readable_read.hpp).
    bool waited_after_sending = false;
    c.set_deadline(t.total);
    // With other requests in flight on this loop, a request without a body to stream goes
    // out at the end of the loop's round, with the others (see round_writes). Alone, at once.
    bool const deferred =
        multipart == nullptr && stream == nullptr && !c.is_tls() && conn.has_company();
    withdraw_on_exit const withdraw{deferred ? &conn : nullptr};
    if (deferred) {
        conn.defer_write(request);
    } else {
        // Most requests fit the socket buffer: sent at once, without an asynchronous write.
        error_code ec;
        std::size_t const sent = c.write_now(request, ec);
        if (!ec && sent < request.size()) {
            ahttp::detail::rarely_taken();
            waited_after_sending = true;
            ec = co_await c.write(request.substr(sent));
            ahttp::detail::rarely_taken();
        }
        if (ec) {
            ahttp::detail::rarely_taken();
            failure = {ec, true, "cannot send the request"};
            co_return false;
        }
    }
    if (multipart != nullptr || stream != nullptr) {
        ahttp::detail::rarely_taken();
        waited_after_sending = true;
        bool const sent = co_await send_body(c, multipart, stream, t, failure);
        ahttp::detail::rarely_taken();
        if (!sent) {
            co_return false;
        }
    }
    wait = head_deadlines_from_now(t);
    wire::response_parser const parser;
    wire::response_head& head = scratch_head(); // parsed afresh after every wait
    wire::parse_error error;
    bool received = false;
    for (;;) {
        std::string_view const in = c.buffered();
        auto const status =
            in.empty() ? wire::parse_status::need_more
                       : parser.parse(in, head, error, {.head = method == http::method::head});
        if (status == wire::parse_status::error) {
            ahttp::detail::rarely_taken();
            failure = {make_error_code(errc::bad_response), false, error.reason.data()};
            co_return false;
        }
        if (status == wire::parse_status::complete) {
            if (head.status >= 100 && head.status < 200 && head.status != 101) {
                ahttp::detail::rarely_taken();
                c.consume(head.head_size); // 100 Continue, 103 Early Hints: not the answer
                continue;
            }
            break;
        }
        // Until the first byte, first_byte bounds the wait too (from the request sent).
        c.set_deadline(received ? wait.read : wait.read.earliest(wait.first_byte));
        error_code ec;
        if (c.is_tls()) {
            ahttp::detail::rarely_taken();
            ec = co_await c.read_more();
            ahttp::detail::rarely_taken();
        } else {
            // The socket awaited here, not through read_more(): one coroutine frame less.
            // The first read waits for the socket to be readable before its recv: the
            // request has only just been queued or sent, and a recv at once would find
            // nothing (see readable_read.hpp). Not after a wait, nor once bytes came.
            bool const try_at_once = received || waited_after_sending;
            auto [read_ec, n] =
                co_await detail::async_receive_some(c.socket(), c.reactor(), c.prepare_read(),
                                                    try_at_once, asio::as_tuple(asio::deferred));
            if (auto const unsent = deferred ? c.take_handed_back() : std::nullopt) {
                ahttp::detail::rarely_taken();
                waited_after_sending = true;
                // The deferred write did not go out whole: the rest is ours to send.
                error_code const write_ec =
                    co_await send_handed_back(c, unsent->rest, unsent->error, t, wait);
                ahttp::detail::rarely_taken();
                if (write_ec) {
                    failure = {write_ec, true, "cannot send the request"};
                    co_return false;
                }
                // Cancelled only to hand the write back, unless the request was cancelled in
                // the same round. (No co_await inside && or ?:, which g++ 12 miscompiles.)
                if (read_ec == asio::error::operation_aborted && !c.expired()) {
                    bool const stop = co_await cancelled();
                    ahttp::detail::rarely_taken();
                    if (!stop) {
                        continue;
                    }
                }
            }
            ec = c.commit_read(read_ec, n);
        }
        if (ec) {
            ahttp::detail::rarely_taken();
            failure = {ec, !received && c.buffered().empty(),
                       ec == asio::error::eof ? "server closed the connection without a response"
                                              : "connection failed before a response"};
            co_return false;
        }
        received = true;
    }
    state = detail::new_response_state();
    adopt_head(*state, c.buffered().substr(0, head.head_size), head, method);
    c.consume(head.head_size);
    head.fields.clear(); // its views point into the connection's buffer
    co_return true;
}

} // namespace

namespace {

/// What a request without options uses (never changed: nothing is moved out of it).
request_options const no_options{};

// send_request() is a coroutine: g++ keeps every local and temporary of its body in the
// coroutine frame, allocated per request. The steps that never suspend are functions of
// their own, so the frame holds only what lives across a co_await (it was 2.6 KB).

/// The request from the session's defaults and the request's options: fields merged, auth
/// set, the one body taken out of `owned`. `plain` says whether the options add nothing to
/// the head (no fields, no auth, no body). Throws client_error on a bad combination.
AHTTP_HOT_PATH outgoing make_outgoing(session_options const& defaults,
                                      request_options const& options,
                                      std::unique_ptr<request_options> const& owned,
                                      target const& where, http::method method,
                                      std::string_view url_text, bool& plain)
{
    outgoing out;
    out.method = method;
    out.headers = defaults.headers;
    if (!owned && !where.userinfo && !defaults.auth) {
        plain = true; // no options (the usual GET): nothing to merge, no auth, no body
        return out;
    }
    for (auto const& [name, value] : options.headers) {
        out.headers.erase(name);
    }
    for (auto const& [name, value] : options.headers) {
        out.headers.add(name, value);
    }
    std::optional<http::basic_auth> const& auth = options.auth     ? options.auth
                                                  : where.userinfo ? where.userinfo
                                                                   : defaults.auth;
    if (auth) {
        if (out.headers.contains(http::field::authorization)) {
            throw client_error{make_error_code(errc::invalid_argument),
                               "cannot combine an Authorization header with auth", method,
                               std::string{url_text}};
        }
        if (auth->login.find(':') != std::string::npos) {
            throw client_error{make_error_code(errc::invalid_argument),
                               "a Basic auth login cannot contain ':'", method,
                               std::string{url_text}};
        }
        out.headers.set(http::field::authorization, auth->header_value());
    }
    int bodies = 0;
    if (options.data) {
        out.body = std::move(*owned->data);
        out.content_type = "application/octet-stream";
        ++bodies;
    }
    if (options.form) {
        out.body = options.form->encode();
        out.content_type = "application/x-www-form-urlencoded";
        ++bodies;
    }
    if (options.multipart) {
        try {
            out.multipart =
                std::make_shared<detail::multipart_body const>(std::move(*owned->multipart));
        } catch (ahttp::error const& e) {
            throw client_error{e.code(), e.what(), method, std::string{url_text}};
        }
        out.content_type = out.multipart->content_type();
        ++bodies;
    }
    if (options.stream) {
        out.stream = std::move(owned->stream);
        out.content_type = "application/octet-stream";
        ++bodies;
    }
    if (options.json) {
        out.body = boost::json::serialize(*options.json);
        out.content_type = "application/json";
        ++bodies;
    }
    if (bodies > 1) {
        throw client_error{make_error_code(errc::invalid_argument),
                           "set only one of data, form, multipart, stream and json", method,
                           std::string{url_text}};
    }
    plain = options.headers.empty() && !options.auth && bodies == 0;
    return out;
}

/// A hop through a proxy: the target's origin with the proxy, and its pool key.
struct proxied_route {
    detail::origin route;
    std::string key;
};

/// The proxy route for a request to `to`, or null when it goes direct.
AHTTP_HOT_PATH std::unique_ptr<proxied_route const>
route_for(session_options const& defaults, std::string const& requested, detail::origin const& to)
{
    auto proxy = pick_proxy(defaults, requested, to);
    if (!proxy) {
        return nullptr;
    }
    auto hop = std::make_unique<proxied_route>(proxied_route{to, {}});
    hop->route.proxy = std::move(proxy);
    hop->key = hop->route.key();
    return hop;
}

/// This hop's request bytes. A plain request (`plain_hop`: options that add nothing, first
/// hop, no proxy) without cookies has the same head every time it goes to a target: the
/// target keeps it, serialized once. Anything else is serialized into `scratch`.
AHTTP_HOT_PATH std::string_view prepare_hop(session_options const& defaults,
                                            request_options const& options, outgoing const& out,
                                            target const& where, target const& first,
                                            detail::origin const& route, bool plain_hop,
                                            std::string& scratch)
{
    std::string cookies = defaults.cookie_jar->header_for(where.text);
    if (where.origin.same_site(first.origin)) {
        for (auto const& [name, value] : options.cookies) {
            if (!cookies.empty()) {
                cookies.append("; ");
            }
            cookies.append(name).append("=").append(value);
        }
    }
    bool const plain = plain_hop && cookies.empty();
    if (plain && !where.plain_head.empty() && where.plain_method == out.method) {
        return where.plain_head;
    }
    serialize(scratch, out, where, route, defaults, cookies);
    if (plain && where.plain_head.empty()) {
        // Set once, never changed after: requests in flight may be sending these bytes.
        where.plain_head = scratch;
        where.plain_method = out.method;
    }
    return scratch;
}

/// After a failed exchange: true when the request may go again on a fresh connection (the
/// keep-alive race), else throws the exception that names the failure. Releases `conn`.
bool retry_or_throw(detail::lease& conn, exchange_failure const& failure, bool retries_stale,
                    bool fresh, http::method method, std::string const& url)
{
    detail::connection& c = conn.conn();
    bool const expired = c.expired();
    timeout_phase const phase = c.expired_phase();
    bool const reused = conn.reused();
    conn.release(false);
    if (expired) {
        throw timeout_error{phase, method, url};
    }
    if (failure.code == asio::error::operation_aborted) {
        throw boost::system::system_error{failure.code};
    }
    // The keep-alive race: the server closed an idle connection as we reused it. Safe to
    // send again only if nothing came back and the method is idempotent.
    if (reused && failure.nothing_received && retries_stale && !fresh) {
        return true;
    }
    if (failure.code == errc::bad_response) {
        throw payload_error{failure.code, failure.what, method, url};
    }
    throw connection_error{failure.code, failure.what, method, url};
}

/// Gives the response its connection and deadlines, shows its cookies to the jar and sets up
/// decoding; a response without a body is finished here.
AHTTP_HOT_PATH void adopt_response(detail::response_state& state, detail::lease& conn,
                                   session_options const& defaults, std::string const& url,
                                   timeouts const& t)
{
    state.url = url;
    if (state.has_set_cookie) {
        for (std::string_view const set_cookie : state.fields.values(http::field::set_cookie)) {
            defaults.cookie_jar->update(set_cookie, url);
        }
    }
    state.conn = std::move(conn);
    state.total = t.total;
    state.sock_read = t.sock_read;
    state.max_body_size = defaults.max_body_size;
    if (defaults.auto_decompress && state.has_content_encoding &&
        state.framing != wire::response_framing::none) {
        std::string_view const coding = state.fields.value_or(http::field::content_encoding, "");
        if (!coding.empty() && !http::iequals(coding, "identity")) {
            if (auto const c = compression::parse_coding(coding)) {
                state.decoder.emplace(*c, std::numeric_limits<std::size_t>::max());
            }
            // An unknown coding is left as is: the caller sees Content-Encoding.
        }
    }
    // A 101 keeps its connection: it now speaks the upgraded protocol (ws_connect).
    if (state.framing == wire::response_framing::none &&
        state.status != http::status::switching_protocols) {
        state.finish_body();
    }
}

/// The target to go to next when `state` is a redirect to follow, else null. Throws
/// too_many_redirects after `max_redirects` hops, invalid_url for a bad Location.
AHTTP_HOT_PATH std::shared_ptr<target const>
redirect_target(detail::response_state& state, target const& where, outgoing const& out,
                bool follow, std::size_t hops, std::size_t max_redirects)
{
    unsigned const code = http::to_int(state.status);
    if (!follow || !is_redirect(code)) {
        return nullptr; // the common case, without a look for Location
    }
    auto const location = state.fields.find(http::field::location);
    // A streamed body cannot be sent again: 307/308 (which repeat it) are not followed.
    bool const replays_body = code == 307 || code == 308;
    if (!location || (out.stream && replays_body)) {
        return nullptr;
    }
    if (hops >= max_redirects) {
        state.conn.release(false);
        throw too_many_redirects{state.status, state.reason, out.method, where.text};
    }
    // The next URL, resolved against this one (RFC 9110 §10.2.2 allows relative ones).
    auto const ref = urls::parse_uri_reference(*location);
    urls::url next;
    if (!ref || !urls::resolve(where.url, *ref, next)) {
        state.conn.release(false);
        throw invalid_url{"invalid redirect Location", std::string{*location}};
    }
    return std::make_shared<target const>(make_target(std::move(next)));
}

/// Turns `out` into the request that follows a redirect with status `code` from `from` to `to`.
void rewrite_for_redirect(outgoing& out, unsigned code, target const& from, target const& to)
{
    // RFC 9110 §15.4: 303 turns anything but HEAD into GET; 301 and 302 turn POST into
    // GET as browsers and aiohttp do; 307 and 308 repeat the request as it was.
    if ((code == 303 && out.method != http::method::head) ||
        ((code == 301 || code == 302) && out.method == http::method::post)) {
        out.method = http::method::get;
        out.body.reset();
        out.multipart.reset();
        out.stream = nullptr;
        out.headers.erase(http::field::content_type);
    }
    if (!to.origin.same_site(from.origin)) {
        // Credentials meant for one origin must not leak to another.
        out.headers.erase(http::field::authorization);
    }
    out.headers.erase(http::field::host);
}

/// One try of a request, redirects included. Raises for status only when `raise`. The
/// deadlines are `*shared` (several tries share them), or start now when it is null.
/// `owned` is null for a request without options (no request_options to move around; a
/// pointer, not an optional, keeps the 568-byte options out of the coroutine frame).
AHTTP_HOT_PATH awaitable<response>
send_request(session_options const& defaults, std::shared_ptr<detail::connector> pool,
             detail::target_cache& targets, http::method method, std::string_view url_text,
             std::unique_ptr<request_options> owned, timeouts const* shared, bool raise)
{
    request_options const& options = owned ? *owned : no_options;
    // Read once and shared by this hop's deadlines and the pool (see connect_context).
    clock::time_point now = clock::now();
    timeouts const t = shared ? *shared : resolve_timeouts(options.timeout, defaults.timeout, now);
    // The same URL again (the common case) is not parsed again; params make a new one.
    std::shared_ptr<target const> where =
        options.params.empty() ? cached_target(targets, defaults.base_url, url_text)
                               : std::make_shared<target const>(
                                     resolve_url(defaults.base_url, url_text, options.params));
    bool plain_options = false;
    outgoing out = make_outgoing(defaults, options, owned, *where, method, url_text, plain_options);
    bool const follow = options.allow_redirects.value_or(defaults.allow_redirects);
    std::size_t const max_redirects = options.max_redirects.value_or(defaults.max_redirects);
    std::vector<response> history;
    std::shared_ptr<target const> const first = where;

    for (;;) {
        std::string const& url = where->text;
        // A request sent again if a reused connection turns out closed (see retry_or_throw).
        bool const retries_stale = http::is_idempotent(out.method) && !out.stream;
        // The route: the target's origin, through the proxy chosen for this request if any.
        std::unique_ptr<proxied_route const> const proxied =
            route_for(defaults, options.proxy, where->origin);
        detail::origin const& route = proxied ? proxied->route : where->origin;
        std::string_view const key = proxied ? std::string_view{proxied->key} : where->key;
        // Politeness first: wait for this host's next slot under the rate limit, if any.
        if (auto const send_at = pool->reserve_send_time(key)) {
            ahttp::detail::rarely_taken();
            if (*send_at >= t.total.at) {
                throw timeout_error{timeout_phase::total, out.method, url};
            }
            co_await ahttp::sleep(*send_at - clock::now());
            ahttp::detail::rarely_taken();
            now = clock::now();
        }
        std::string request_scratch; // used unless the target has this request's bytes
        std::string_view const request_bytes =
            prepare_hop(defaults, options, out, *where, *first, route,
                        plain_options && history.empty() && !proxied, request_scratch);
        // One connect deadline for the pool wait, DNS and connecting together.
        detail::connect_context const context{
            .method = out.method,
            .url = &url,
            .total = t.total,
            .connect = t.total.earliest(deadline::after(t.connect, timeout_phase::connect, now)),
            .sock_connect = t.sock_connect,
            .pool_wait = t.pool_wait,
            .dns = t.dns,
            .tls_handshake = t.tls_handshake,
            .started = now,
            .retries_stale = retries_stale};
        detail::lease conn;
        std::unique_ptr<detail::response_state> state;
        bool fresh = false;
        for (;;) {
            // An idle pooled connection without suspending, else wait for one or connect.
            conn = fresh ? detail::lease{} : pool->try_reuse(key, context);
            if (!conn) {
                ahttp::detail::rarely_taken(); // a new connection, or a wait for one
                conn = co_await pool->acquire(route, key, fresh, context);
                ahttp::detail::rarely_taken();
            }
            exchange_failure failure;
            if (co_await exchange(conn, request_bytes, state, out.multipart.get(),
                                  out.stream ? &out.stream : nullptr, out.method, t, failure)) {
                break;
            }
            ahttp::detail::rarely_taken();
            fresh = retry_or_throw(conn, failure, retries_stale, fresh, out.method, url);
        }
        adopt_response(*state, conn, defaults, url, t);

        std::shared_ptr<target const> next =
            redirect_target(*state, *where, out, follow, history.size(), max_redirects);
        if (!next) {
            state->history = std::move(history);
            response result{std::move(state)};
            if (raise) {
                result.raise_for_status();
            }
            co_return result;
        }
        ahttp::detail::rarely_taken();
        co_await state->discard(std::size_t{64} * 1024);
        ahttp::detail::rarely_taken();
        rewrite_for_redirect(out, http::to_int(state->status), *where, *next);
        history.emplace_back(std::move(state));
        detail::fire(defaults.trace.on_request_redirect, trace_request{out.method, url},
                     history.back());
        where = std::move(next);
        now = clock::now();
    }
}

/// How long Retry-After asks to wait: delta-seconds or an HTTP date (RFC 9110 §10.2.3).
std::optional<clock::duration> retry_after(response const& r)
{
    auto const value = r.headers().find(http::field::retry_after);
    if (!value) {
        return std::nullopt;
    }
    unsigned long long seconds = 0;
    auto const [end, ec] = std::from_chars(value->data(), value->data() + value->size(), seconds);
    if (ec == std::errc{} && end == value->data() + value->size()) {
        return std::chrono::seconds{std::min<unsigned long long>(seconds, 365ULL * 24 * 3600)};
    }
    if (auto const when = http::parse_date(*value)) {
        auto const left = *when - std::chrono::system_clock::now();
        return std::max(clock::duration::zero(), std::chrono::duration_cast<clock::duration>(left));
    }
    return std::nullopt;
}

clock::duration backoff(retry_options const& retry, std::size_t attempt)
{
    // Full jitter (AWS's "exponential backoff and jitter"): uniform in [0, cap].
    thread_local std::mt19937_64 engine{std::random_device{}()};
    auto cap = std::chrono::duration_cast<clock::duration>(retry.base_delay);
    for (std::size_t i = 1; i < attempt && cap < retry.max_delay; ++i) {
        cap *= 2;
    }
    cap = std::min(cap, std::chrono::duration_cast<clock::duration>(retry.max_delay));
    std::uniform_int_distribution<clock::rep> pick{0, cap.count()};
    return clock::duration{pick(engine)};
}

} // namespace

namespace {

/// request() with the session's trace hooks around it.
awaitable<response> traced(trace_hooks const& trace, http::method method, std::string_view url_text,
                           awaitable<response> inner)
{
    detail::fire(trace.on_request_start, trace_request{method, url_text});
    std::exception_ptr failure;
    try {
        response result = co_await std::move(inner);
        detail::fire(trace.on_request_end, trace_request{result.method(), result.url()}, result);
        co_return result;
    } catch (...) {
        failure = std::current_exception();
    }
    detail::fire(trace.on_request_exception, trace_request{method, url_text}, failure);
    std::rethrow_exception(failure);
}

/// Tries a request up to 1 + retry.attempts times (see retry_options), with backoff.
awaitable<response> send_retrying(session_options const& defaults,
                                  std::shared_ptr<detail::connector> pool,
                                  detail::target_cache& targets, double& retry_budget,
                                  http::method method, std::string_view url_text,
                                  request_options options, bool raise)
{
    timeouts const t = resolve_timeouts(options.timeout, defaults.timeout, clock::now());
    retry_options const retry = options.retry ? *options.retry : defaults.retry;
    retry_budget = std::min(10.0, retry_budget + retry.budget_ratio);
    for (std::size_t attempt = 0;; ++attempt) {
        bool const may_retry = attempt < retry.attempts && retry_budget >= 1.0;
        std::exception_ptr failure;
        std::optional<response> result;
        // Named: a prvalue aggregate inside the co_await expression is miscompiled by g++ 12
        // (copied bitwise). A copy while more tries may follow, the original on the last.
        // NOLINTNEXTLINE(bugprone-use-after-move): moved only on a try that is the last
        request_options this_try = may_retry ? options : std::move(options);
        auto owned = std::make_unique<request_options>(std::move(this_try));
        try {
            result.emplace(co_await send_request(defaults, pool, targets, method, url_text,
                                                 std::move(owned), &t, false));
        } catch (timeout_error const& e) {
            if (!may_retry || e.phase() == timeout_phase::total) {
                throw;
            }
            failure = std::current_exception();
        } catch (connection_error const&) {
            if (!may_retry) {
                throw;
            }
            failure = std::current_exception();
        }
        clock::duration wait = backoff(retry, attempt + 1);
        if (result) {
            unsigned const code = result->status_code();
            bool const retryable =
                may_retry && std::find(retry.statuses.begin(), retry.statuses.end(), code) !=
                                 retry.statuses.end();
            auto const asked = retryable ? retry_after(*result) : std::nullopt;
            if (asked) {
                wait = *asked;
            }
            if (!retryable || wait > retry.max_delay || clock::now() + wait >= t.total.at) {
                if (raise) {
                    result->raise_for_status();
                }
                co_return std::move(*result);
            }
            result->close(); // its body is not wanted; the connection goes
        } else if (clock::now() + wait >= t.total.at) {
            std::rethrow_exception(failure);
        }
        retry_budget -= 1.0;
        co_await ahttp::sleep(wait);
    }
}

} // namespace

// request() and send_with_retries() are not coroutines: they return the awaitable of the
// coroutine that does the work (one frame per request instead of three).
awaitable<response> session::request(http::method method, std::string_view url_text,
                                     request_options options)
{
    auto owned = std::make_unique<request_options>(std::move(options));
    trace_hooks const& trace = options_.trace;
    if (!trace.on_request_start && !trace.on_request_end && !trace.on_request_exception) {
        return send_with_retries(method, url_text, std::move(owned));
    }
    awaitable<response> inner = send_with_retries(method, url_text, std::move(owned));
    return traced(trace, method, url_text, std::move(inner));
}

AHTTP_HOT_PATH awaitable<response> session::request(http::method method, std::string_view url)
{
    // No request_options at all: nothing to build, move and destroy per request.
    std::unique_ptr<request_options> none;
    trace_hooks const& trace = options_.trace;
    if (!trace.on_request_start && !trace.on_request_end && !trace.on_request_exception) {
        return send_with_retries(method, url, std::move(none));
    }
    awaitable<response> inner = send_with_retries(method, url, std::move(none));
    return traced(trace, method, url, std::move(inner));
}

AHTTP_HOT_PATH awaitable<response>
session::send_with_retries(http::method method, std::string_view url_text,
                           std::unique_ptr<request_options> owned)
{
    request_options const& options = owned ? *owned : no_options;
    bool const raise = options.raise_for_status.value_or(options_.raise_for_status);
    retry_options const& retry = options.retry ? *options.retry : options_.retry;
    if (retry.attempts == 0 || !http::is_idempotent(method) || options.stream) {
        // The deadlines start when the request does (the awaitable may be awaited later).
        return send_request(options_, connector_, *targets_, method, url_text, std::move(owned),
                            nullptr, raise);
    }
    request_options moved = owned ? std::move(*owned) : request_options{};
    return send_retrying(options_, connector_, *targets_, retry_budget_, method, url_text,
                         std::move(moved), raise);
}

} // namespace ahttp::client
