// SPDX-License-Identifier: BSL-1.0
// client::event_source: read a server-sent event stream as events, reconnecting after a drop
// (the browser's EventSource, WHATWG HTML §9.2).
#pragma once

#include <ahttp/awaitable.hpp>
#include <ahttp/client/errors.hpp>
#include <ahttp/client/request_options.hpp>
#include <ahttp/client/response.hpp>

#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <string>

namespace ahttp::client {

class session;

namespace detail {
class sse_parser;
} // namespace detail

/// One dispatched server-sent event (a browser's MessageEvent).
struct sse_event {
    /// The last event ID after this event: the `id:` of this event, or of the latest one
    /// before it that had one (what a reconnect sends back as Last-Event-ID).
    std::string id;
    /// The `event:` type; "message" when the server sent none.
    std::string event = "message";
    /// The `data:` lines joined with LF.
    std::string data;
    /// The `retry:` value that came with this event, if any (the source already applies it).
    std::optional<std::chrono::milliseconds> retry;
};

/// How an event_source connects and reconnects.
struct event_source_options {
    /// Headers, auth, timeouts… of every (re)connection request. Accept: text/event-stream,
    /// Cache-Control: no-cache and Last-Event-ID are added. `timeout.total` defaults to off
    /// here (a stream has no end); set `timeout.sock_read` above the server's ping interval to
    /// notice a silent dead server (a read timeout counts as a drop and reconnects).
    request_options request{};
    /// The wait before reconnecting, until the server sends `retry:` (browsers: about 3 s).
    std::chrono::milliseconds retry = std::chrono::seconds{3};
    /// Reconnect after a drop (end of body, reset, read timeout) or a failed connection.
    bool reconnect = true;
    /// Give up after this many connection attempts in a row that fail to connect (the error
    /// is then thrown); nullopt = never give up, as browsers do.
    std::optional<std::size_t> max_failed_connects{};
    /// A line or an event's data longer than this throws client::payload_error.
    std::size_t max_event_size = std::size_t{4} * 1024 * 1024;
};

/// The server answered an event-stream request with something else than a 200
/// text/event-stream response (a browser fails the EventSource; no reconnect).
class event_source_error : public client_error {
public:
    event_source_error(std::string const& what, http::status status, std::string content_type,
                       std::string url)
        : client_error(make_error_code(errc::bad_response), what, http::method::get,
                       std::move(url)),
          status_(status), content_type_(std::move(content_type))
    {
    }
    http::status status() const noexcept { return status_; }
    /// The media type the server sent (lower-cased, without parameters; "" if none).
    std::string const& content_type() const noexcept { return content_type_; }

private:
    http::status status_;
    std::string content_type_;
};

/// Reads `text/event-stream` from a URL as a sequence of events, as a browser's EventSource:
/// connects on the first next(), parses per WHATWG HTML §9.2.6 (BOM, CR/LF/CRLF lines, `data`
/// lines joined with LF, comments ignored, an `id` holding NUL ignored, `retry` digits only,
/// events without data not dispatched), and after a drop waits the retry delay and reconnects
/// with Last-Event-ID. A 204 response ends the stream (next() returns nullopt).
///
/// @par Lifetime
/// Keeps a reference to the session, which must outlive it; use it on the session's executor.
/// @par Example
///   client::event_source source{session, "http://127.0.0.1:8080/events"};
///   while (std::optional<client::sse_event> e = co_await source.next()) {
///       std::cout << e->event << ": " << e->data << '\n';
///   }
class event_source {
public:
    event_source(session& s, std::string url, event_source_options options = {});
    event_source(event_source&&) noexcept;
    event_source& operator=(event_source&&) noexcept;
    ~event_source();

    /// Returns the next event, connecting or reconnecting as needed; nullopt once the stream
    /// has ended for good (a 204 response, a drop with `reconnect` off, or close()).
    /// @throws event_source_error for a response other than 200 text/event-stream (or 204);
    ///   client::payload_error for an event over max_event_size; the connection error of the
    ///   last attempt once max_failed_connects attempts in a row failed; client::invalid_url.
    awaitable<std::optional<sse_event>> next();

    /// The last event ID (sent as Last-Event-ID on reconnection).
    std::string const& last_event_id() const noexcept;
    /// The current reconnection delay (the option, or the server's last `retry:`).
    std::chrono::milliseconds retry_delay() const noexcept;
    /// How many times the source has connected (1 after the first connection).
    std::size_t connections() const noexcept { return connections_; }
    /// Closes the connection; next() returns nullopt from now on. Not while a next() is
    /// pending: to stop a waiting next(), cancel it (ahttp::wait_for, a cancellation slot),
    /// which propagates operation_aborted and leaves the source usable.
    void close() noexcept;

private:
    awaitable<void> connect();

    session* session_;
    std::string url_;
    event_source_options options_;
    std::unique_ptr<detail::sse_parser> parser_;
    std::optional<response> response_;
    std::deque<sse_event> pending_;
    std::size_t connections_ = 0;
    bool closed_ = false;
};

} // namespace ahttp::client
