// SPDX-License-Identifier: BSL-1.0
// The event-stream parser (WHATWG HTML §9.2.6), sans I/O: bytes in, events out.
#pragma once

#include <ahttp/client/event_source.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ahttp::client::detail {

/// Turns the bytes of one `text/event-stream` body after another into events. One parser
/// serves all the connections of an event_source: begin_stream() starts each body, and the
/// last event ID and reconnection time carry over (as browsers do; the spec's "initialize the
/// last event ID buffer to the empty string" would forget the id after every reconnect).
class sse_parser {
public:
    explicit sse_parser(std::size_t max_size = std::size_t{4} * 1024 * 1024) : max_size_(max_size)
    {
    }

    /// Starts a new body: a UTF-8 BOM may come first again; a partial line or event left by
    /// the previous body is discarded (§9.2.6: an incomplete event is not dispatched).
    void begin_stream() noexcept;

    /// Parses `bytes` (any split: a line, a CRLF or the BOM may straddle two calls) and
    /// appends each dispatched event to `out`. Returns false, having parsed nothing more, once
    /// a line or an event's data exceeds `max_size`.
    bool feed(std::string_view bytes, std::vector<sse_event>& out);

    std::string const& last_event_id() const noexcept { return last_event_id_; }
    /// The reconnection time the stream has set with `retry:`, if it has.
    std::optional<std::chrono::milliseconds> retry() const noexcept { return retry_; }

private:
    bool take_line(std::vector<sse_event>& out);
    void process_field(std::string_view field, std::string_view value);
    void dispatch(std::vector<sse_event>& out);

    std::size_t max_size_;
    std::string line_;         // the line being assembled
    std::size_t bom_seen_ = 0; // bytes of a leading BOM matched so far
    bool bom_done_ = false;    // past the point where a BOM may be
    bool after_cr_ = false;    // the last byte ended a line with CR: skip an LF next
    std::string data_;         // §9.2.6's data buffer
    std::string event_;        // the event type buffer
    std::string id_buffer_;    // the last event ID buffer
    std::string last_event_id_;
    std::optional<std::chrono::milliseconds> retry_;
    std::optional<std::chrono::milliseconds> event_retry_; // a retry field in this event
};

} // namespace ahttp::client::detail
