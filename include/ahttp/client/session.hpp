// SPDX-License-Identifier: BSL-1.0
// client::session: aiohttp's ClientSession — a connection pool and request defaults.
#pragma once

#include <ahttp/awaitable.hpp>
#include <ahttp/client/request_options.hpp>
#include <ahttp/client/response.hpp>
#include <ahttp/client/session_options.hpp>
#include <ahttp/http/method.hpp>
#include <ahttp/websocket/connection.hpp>
#include <ahttp/websocket/options.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ahttp::client {

namespace detail {
class connector;
struct target_cache;
} // namespace detail

/// Makes HTTP requests over a pool of keep-alive connections (aiohttp's ClientSession).
///
/// Create one per application (or per group of requests sharing defaults) and reuse it:
/// each session owns its pool, so a session per request throws keep-alive away. A non-2xx
/// status is not an error (see raise_for_status). Use a session from coroutines on the
/// executor it was made with; it is not thread-safe. Responses may outlive it.
/// @par Example
///   client::session session{co_await boost::asio::this_coro::executor};
///   client::response r = co_await session.get("http://127.0.0.1:8080/hello");
///   std::string body = co_await r.text();
class session {
public:
    explicit session(executor ex);
    session(executor ex, session_options options);
    /// Closes the idle pooled connections; responses still alive keep theirs.
    ~session();
    session(session&&) noexcept;
    session& operator=(session&&) noexcept;
    session(session const&) = delete;
    session& operator=(session const&) = delete;

    /// Sends a request and returns once the response head has arrived (the body is read by
    /// the response's read(), text(), json() or read_chunk()).
    ///
    /// A pooled connection the server closed in the meantime is detected before use; a GET,
    /// HEAD, OPTIONS, PUT, DELETE or TRACE that still meets a closed connection before any
    /// response byte is retried once on a new one. Other methods are never sent twice.
    /// With retry options (session_options::retry or request_options::retry), idempotent
    /// requests are also retried with backoff on connection errors, timeouts and chosen
    /// statuses (see client::retry_options).
    /// @throws client::invalid_url, client::connection_error, client::timeout_error,
    ///   client::payload_error (malformed response head), client::too_many_redirects,
    ///   client::response_error (only with raise_for_status).
    awaitable<response> request(http::method method, std::string_view url, request_options options);
    awaitable<response> request(http::method method, std::string_view url);

    // Each verb comes with and without options rather than with a defaulted `= {}`: g++ 12
    // miscompiles an aggregate temporary inside a co_await expression, and a default
    // argument is one (see docs/guide/client.md).
    awaitable<response> get(std::string_view url);
    awaitable<response> get(std::string_view url, request_options options);
    awaitable<response> post(std::string_view url);
    awaitable<response> post(std::string_view url, request_options options);
    awaitable<response> put(std::string_view url);
    awaitable<response> put(std::string_view url, request_options options);
    awaitable<response> patch(std::string_view url);
    awaitable<response> patch(std::string_view url, request_options options);
    awaitable<response> delete_(std::string_view url);
    awaitable<response> delete_(std::string_view url, request_options options);
    awaitable<response> head(std::string_view url);
    awaitable<response> head(std::string_view url, request_options options);
    awaitable<response> options(std::string_view url);
    awaitable<response> options(std::string_view url, request_options options);

    /// Opens a WebSocket (aiohttp's ws_connect): a GET with the upgrade fields through the
    /// session's machinery (pool, proxy, TLS for wss://, cookies, default headers), then
    /// the connection leaves the pool and belongs to the returned websocket::connection.
    /// `url` is ws://, wss://, http:// or https://. The options' protocols are offered,
    /// permessage-deflate too with `compress`, and options.headers are added.
    /// @throws websocket::handshake_error if the server does not answer a valid 101 (its
    ///   status() tells what it answered); client::invalid_url, client::connection_error,
    ///   client::timeout_error as request().
    awaitable<websocket::connection> ws_connect(std::string_view url);
    awaitable<websocket::connection> ws_connect(std::string_view url, websocket::options options);

    session_options const& defaults() const noexcept { return options_; }
    /// The cookies the session keeps (from session_options::cookie_jar, or its own).
    client::cookie_jar& cookie_jar() noexcept { return *options_.cookie_jar; }
    /// Closes the idle pooled connections now (the destructor does it too).
    void close() noexcept;

private:
    /// `options` null: a request without options.
    awaitable<response> send_with_retries(http::method method, std::string_view url,
                                          std::unique_ptr<request_options> options);

    executor executor_;
    session_options options_;
    std::shared_ptr<detail::connector> connector_;
    std::shared_ptr<detail::target_cache> targets_; ///< parsed URLs, by their text
    double retry_budget_ = 10.0;                    ///< tokens for retries (see retry_options)
};

} // namespace ahttp::client
