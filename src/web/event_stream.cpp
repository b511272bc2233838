// SPDX-License-Identifier: BSL-1.0
// web::event_stream: the event format (WHATWG HTML §9.2.6) and the ping coroutine.
#include "web/request_channel.hpp"

#include <ahttp/error.hpp>
#include <ahttp/web/event_stream.hpp>
#include <ahttp/web/request.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <string>
#include <utility>

namespace ahttp::web {
namespace detail {

namespace asio = boost::asio;

/// Lives as long as the longer of the stream and its ping coroutine: the coroutine checks
/// `stopped` after every wait, before it touches the request (which dies with the handler).
struct ping_state {
    explicit ping_state(executor ex) : timer(std::move(ex)) {}

    asio::steady_timer timer;
    request* req = nullptr;
    std::chrono::milliseconds interval{};
    bool stopped = false;
};

namespace {

/// Sends a ping comment every `interval` until stopped or a write fails. The write never
/// waits (try_write_stream), so the ping cannot interleave with the handler's own writes,
/// and stopping it needs no join: nothing is in flight while it sleeps.
awaitable<void> ping_loop(std::shared_ptr<ping_state> state)
{
    while (!state->stopped) {
        state->timer.expires_after(state->interval);
        auto [ec] = co_await state->timer.async_wait(asio::as_tuple(asio::use_awaitable));
        if (state->stopped || ec) {
            co_return; // stopped by the stream, or cancelled at a server shutdown
        }
        if (!state->req->channel().try_write_stream(": ping\n\n")) {
            co_return; // the client has gone: the handler's next write will say so
        }
    }
}

bool has_line_break(std::string_view text) noexcept
{
    return text.find_first_of("\r\n") != std::string_view::npos;
}

/// Appends one `<field>: <line>\n` per line of `text`; lines end at CRLF, CR or LF, as the
/// client splits them (§9.2.5), so every line break becomes a field boundary.
void append_lines(std::string& out, std::string_view field, std::string_view text)
{
    for (;;) {
        std::size_t const end = text.find_first_of("\r\n");
        out.append(field).append(text.substr(0, end)).push_back('\n');
        if (end == std::string_view::npos) {
            return;
        }
        std::size_t next = end + 1;
        if (text[end] == '\r' && next < text.size() && text[next] == '\n') {
            ++next;
        }
        text.remove_prefix(next);
    }
}

} // namespace
} // namespace detail

event_stream::event_stream(event_stream_options options) : options_(options) {}

event_stream::event_stream(event_stream&&) noexcept = default;

event_stream& event_stream::operator=(event_stream&& other) noexcept
{
    if (this != &other) {
        stop_pings();
        stream_response::operator=(std::move(other));
        options_ = other.options_;
        last_event_id_ = std::move(other.last_event_id_);
        request_ = std::exchange(other.request_, nullptr);
        ping_ = std::move(other.ping_);
    }
    return *this;
}

event_stream::~event_stream()
{
    stop_pings();
}

void event_stream::stop_pings() noexcept
{
    if (!ping_) {
        return;
    }
    ping_->stopped = true;
    try {
        ping_->timer.cancel();
    } catch (...) { // cancel() reports only a failing reactor; the flag already stops the loop
    }
    ping_.reset();
}

awaitable<void> event_stream::prepare(request& req)
{
    if (request_ != nullptr) {
        throw error(errc::invalid_state, "event_stream prepared twice");
    }
    request_ = &req;
    last_event_id_ = std::string{web::last_event_id(req)};
    if (!headers().contains(http::field::content_type)) {
        headers().set(http::field::content_type, "text/event-stream");
    }
    if (!headers().contains(http::field::cache_control)) {
        headers().set(http::field::cache_control, "no-cache");
    }
    if (!headers().contains("X-Accel-Buffering")) {
        headers().set("X-Accel-Buffering", "no"); // nginx: pass each event on at once
    }
    co_await stream_response::prepare(req);
    if (options_.ping_interval.count() > 0) {
        executor const ex = co_await boost::asio::this_coro::executor;
        ping_ = std::make_shared<detail::ping_state>(ex);
        ping_->req = &req;
        ping_->interval = options_.ping_interval;
        boost::asio::co_spawn(ex, detail::ping_loop(ping_), boost::asio::detached);
    }
}

std::string event_stream::format(std::string_view data, event_options const& options)
{
    std::string out;
    out.reserve(data.size() + 32);
    if (options.id) {
        // §9.2.6: a client ignores an id holding NUL, and a line break would end the field.
        if (detail::has_line_break(*options.id) ||
            options.id->find('\0') != std::string_view::npos) {
            throw error(errc::invalid_argument, "event id holds CR, LF or NUL");
        }
        out.append("id: ").append(*options.id).push_back('\n');
    }
    if (!options.event.empty()) {
        if (detail::has_line_break(options.event)) {
            throw error(errc::invalid_argument, "event type holds CR or LF");
        }
        out.append("event: ").append(options.event).push_back('\n');
    }
    detail::append_lines(out, "data: ", data);
    if (options.retry) {
        if (options.retry->count() < 0) {
            throw error(errc::invalid_argument, "negative event retry");
        }
        out.append("retry: ").append(std::to_string(options.retry->count())).push_back('\n');
    }
    out.push_back('\n');
    return out;
}

awaitable<void> event_stream::send(std::string_view data, event_options options)
{
    std::string const text = format(data, options);
    co_await write(text); // throws invalid_state before prepare()
}

awaitable<void> event_stream::send(std::string_view data)
{
    std::string const text = format(data, event_options{});
    co_await write(text);
}

awaitable<void> event_stream::send_comment(std::string_view text)
{
    std::string out;
    detail::append_lines(out, ": ", text);
    out.push_back('\n');
    co_await write(out);
}

awaitable<void> event_stream::wait_closed()
{
    if (request_ == nullptr) {
        throw error(errc::invalid_state, "event_stream::wait_closed before prepare");
    }
    co_await request_->channel().wait_peer_closed();
}

awaitable<void> event_stream::write_eof()
{
    stop_pings();
    co_await stream_response::write_eof();
}

std::string_view last_event_id(request const& req) noexcept
{
    return req.headers().value_or("Last-Event-ID", "");
}

} // namespace ahttp::web
