// SPDX-License-Identifier: BSL-1.0
// client::event_source: EventSource's connection rules (WHATWG HTML §9.2.3) over a session.
#include "client/sse_parser.hpp"

#include <ahttp/client/event_source.hpp>
#include <ahttp/client/session.hpp>
#include <ahttp/sleep.hpp>

#include <utility>
#include <vector>

namespace ahttp::client {

event_source::event_source(session& s, std::string url, event_source_options options)
    : session_(&s), url_(std::move(url)), options_(std::move(options)),
      parser_(std::make_unique<detail::sse_parser>(options_.max_event_size))
{
}

event_source::event_source(event_source&&) noexcept = default;
event_source& event_source::operator=(event_source&&) noexcept = default;
event_source::~event_source() = default;

std::string const& event_source::last_event_id() const noexcept
{
    return parser_->last_event_id();
}

std::chrono::milliseconds event_source::retry_delay() const noexcept
{
    return parser_->retry().value_or(options_.retry);
}

void event_source::close() noexcept
{
    closed_ = true;
    pending_.clear();
    if (response_) {
        response_->close();
        response_.reset();
    }
}

awaitable<void> event_source::connect()
{
    std::size_t failed = 0;
    for (;;) {
        request_options options = options_.request;
        options.headers.set("Accept", "text/event-stream");
        options.headers.set("Cache-Control", "no-cache");
        if (!parser_->last_event_id().empty()) {
            options.headers.set("Last-Event-ID", parser_->last_event_id());
        }
        if (!options.timeout.total) {
            options.timeout.total = no_timeout; // a stream has no end to reach in time
        }
        std::optional<response> r;
        try {
            r.emplace(co_await session_->get(url_, std::move(options)));
        } catch (connection_error const&) {
            // §9.2.3: a network error reestablishes the connection, after the retry delay.
            if (!options_.reconnect ||
                (options_.max_failed_connects && ++failed >= *options_.max_failed_connects)) {
                throw;
            }
        } catch (timeout_error const&) {
            if (!options_.reconnect ||
                (options_.max_failed_connects && ++failed >= *options_.max_failed_connects)) {
                throw;
            }
        }
        if (closed_) {
            co_return;
        }
        if (!r) {
            co_await ahttp::sleep(retry_delay());
            if (closed_) {
                co_return;
            }
            continue;
        }
        ++connections_;
        // §9.2.3: 204 stops the source; any other status than 200, or another media type,
        // fails it. Neither is retried.
        if (r->status_code() == 204) {
            r->close();
            closed_ = true;
            co_return;
        }
        std::string type = r->content_type();
        if (r->status_code() != 200 || type != "text/event-stream") {
            http::status const status = r->status();
            r->close();
            closed_ = true;
            std::string const what =
                r->status_code() != 200
                    ? "event stream answered " + std::to_string(r->status_code())
                    : "event stream answered with Content-Type \"" + type + "\"";
            throw event_source_error(what, status, std::move(type), url_);
        }
        response_.emplace(std::move(*r));
        parser_->begin_stream();
        co_return;
    }
}

awaitable<std::optional<sse_event>> event_source::next()
{
    std::vector<sse_event> parsed;
    for (;;) {
        if (!pending_.empty()) {
            sse_event e = std::move(pending_.front());
            pending_.pop_front();
            co_return std::optional<sse_event>{std::move(e)};
        }
        if (closed_) {
            co_return std::nullopt;
        }
        if (!response_) {
            co_await connect();
            continue;
        }
        std::string_view chunk;
        bool dropped = false;
        try {
            chunk = co_await response_->read_chunk();
        } catch (payload_error const&) { // truncated or reset
            dropped = true;
        } catch (connection_error const&) {
            dropped = true;
        } catch (timeout_error const&) { // sock_read: a silent server counts as gone
            dropped = true;
        }
        if (closed_) {
            co_return std::nullopt;
        }
        if (dropped || chunk.empty()) {
            // The end of the body, or a broken connection: §9.2.3 reestablishes it (an
            // unfinished event is discarded by begin_stream()).
            response_->close();
            response_.reset();
            if (!options_.reconnect) {
                closed_ = true;
                co_return std::nullopt;
            }
            co_await ahttp::sleep(retry_delay());
            continue;
        }
        parsed.clear();
        if (!parser_->feed(chunk, parsed)) {
            close();
            throw payload_error(make_error_code(errc::payload_too_large),
                                "event stream line or event larger than max_event_size",
                                http::method::get, url_);
        }
        for (sse_event& e : parsed) {
            pending_.push_back(std::move(e));
        }
    }
}

} // namespace ahttp::client
