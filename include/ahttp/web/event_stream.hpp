// SPDX-License-Identifier: BSL-1.0
// web::event_stream: server-sent events (the WHATWG EventSource protocol; aiohttp-sse's
// EventSourceResponse).
#pragma once

#include <ahttp/awaitable.hpp>
#include <ahttp/web/stream_response.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace ahttp::web {

class request;

namespace detail {
struct ping_state; // shared by an event_stream and its ping coroutine
} // namespace detail

/// How an event_stream behaves.
struct event_stream_options {
    /// A comment line (": ping") is sent this often while the handler runs, so that proxies
    /// keep the connection open and a client that has gone is noticed (aiohttp-sse's default:
    /// 15 s). Zero turns pings off.
    std::chrono::milliseconds ping_interval = std::chrono::seconds{15};
};

/// The fields of one event besides its data. Views: they are read before send() returns.
struct event_options {
    /// The event's id (the client sends the last one back as Last-Event-ID when it
    /// reconnects). An empty id (`""`) resets the client's last event ID; nullopt sends none.
    std::optional<std::string_view> id{};
    /// The event type (`addEventListener(type, …)` in a browser); empty = "message".
    std::string_view event{};
    /// Tells the client how long to wait before reconnecting after a drop.
    std::optional<std::chrono::milliseconds> retry{};
};
// g++ 12 copies an aggregate temporary in a co_await bitwise (docs/design/0003): harmless for
// a trivially copyable type, so `co_await stream.send(data, {.id = id})` is safe.
static_assert(std::is_trivially_copyable_v<event_options>);

/// A response that sends server-sent events (`text/event-stream`) while the handler runs.
///
/// prepare() sends the head (Content-Type: text/event-stream, Cache-Control: no-cache,
/// X-Accel-Buffering: no so that nginx does not buffer the stream) and starts the pings; then
/// send() events until the handler is done or the client goes away, and `co_return` the
/// stream. Pings stop when the stream is destroyed or write_eof() is called.
///
/// A client that has gone is noticed by the next send(), which throws, or by a failed ping;
/// a handler that only waits for something to send can await wait_closed() alongside (with
/// awaitable operators' `||`, or in a task group) to learn it at once.
/// @par Example
///   ahttp::awaitable<web::response> ticks(web::request& request)
///   {
///       web::event_stream stream;
///       co_await stream.prepare(request);
///       for (int i = 0; i < 10; ++i) {
///           std::string const id = std::to_string(i);
///           co_await stream.send("tick " + id, {.id = id, .event = "tick"});
///           co_await ahttp::sleep(1s);
///       }
///       co_return stream;
///   }
class event_stream : public stream_response {
public:
    explicit event_stream(event_stream_options options = {});
    event_stream(event_stream&&) noexcept;
    event_stream& operator=(event_stream&&) noexcept;
    /// Stops the pings.
    ~event_stream();

    /// Sends the status line and headers (200 unless set_status() said otherwise) and starts
    /// the pings. Headers set before this call are kept; Content-Type, Cache-Control and
    /// X-Accel-Buffering are set unless already set.
    /// @throws ahttp::error (invalid_state) if called twice; boost::system::system_error if
    ///   the client has gone.
    awaitable<void> prepare(request& req);

    /// Sends one event: an `id:` line, an `event:` line, one `data:` line per line of `data`
    /// (split at CRLF, CR or LF, so the client receives `data` with LF line ends), a `retry:`
    /// line, then the blank line that dispatches it.
    /// @throws ahttp::error (invalid_argument) if the id or event type holds a CR, LF or
    ///   (the id) NUL; ahttp::error (invalid_state) before prepare();
    ///   boost::system::system_error if the client has gone.
    awaitable<void> send(std::string_view data, event_options options);
    /// Sends one event with data only (see above).
    /// @throws like send(data, options).
    awaitable<void> send(std::string_view data);

    /// Sends a comment (`: text`), one line per line of `text`; clients ignore it.
    /// @throws like send().
    awaitable<void> send_comment(std::string_view text);

    /// Returns once the client has closed the connection (or reset it, or shut down its
    /// sending side). Does not return while the client stays, so await it beside other work.
    /// A write that fails because the client left also makes it return.
    /// @throws ahttp::error (invalid_state) before prepare(); boost::system::system_error
    ///   (operation_aborted) if cancelled, e.g. at a forced server shutdown.
    awaitable<void> wait_closed();

    /// Ends the stream (the last chunk) and stops the pings. Later calls do nothing.
    awaitable<void> write_eof();

    /// The Last-Event-ID field of the request given to prepare() (empty if none): the id of
    /// the last event a reconnecting client received.
    std::string const& last_event_id() const noexcept { return last_event_id_; }

    /// Formats an event as it goes on the wire (what send() writes).
    /// @throws ahttp::error (invalid_argument) as send().
    static std::string format(std::string_view data, event_options const& options);

private:
    void stop_pings() noexcept;

    event_stream_options options_;
    std::string last_event_id_;
    request* request_ = nullptr;
    std::shared_ptr<detail::ping_state> ping_;
};

/// The request's Last-Event-ID field, or an empty view: an EventSource that reconnects sends
/// the id of the last event it received.
std::string_view last_event_id(request const& req) noexcept;

} // namespace ahttp::web
