// SPDX-License-Identifier: BSL-1.0
// The event-stream parser, line by line as WHATWG HTML §9.2.6 "Interpreting an event stream".
#include "client/sse_parser.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>

namespace ahttp::client::detail {
namespace {

constexpr std::string_view bom = "\xEF\xBB\xBF";

/// A retry beyond a day is taken as a day: the delay becomes a timer, whose clock counts in
/// nanoseconds and would overflow on a long run of digits.
constexpr std::uint64_t max_retry_ms = 24ULL * 60 * 60 * 1000;

} // namespace

void sse_parser::begin_stream() noexcept
{
    line_.clear();
    bom_seen_ = 0;
    bom_done_ = false;
    after_cr_ = false;
    data_.clear();
    event_.clear();
    id_buffer_ = last_event_id_;
    event_retry_.reset();
}

bool sse_parser::feed(std::string_view bytes, std::vector<sse_event>& out)
{
    // §9.2.5: one leading U+FEFF is skipped. The BOM's bytes may arrive one call at a time.
    while (!bom_done_ && !bytes.empty()) {
        if (bytes.front() == bom[bom_seen_]) {
            bytes.remove_prefix(1);
            bom_done_ = ++bom_seen_ == bom.size();
        } else {
            line_.append(bom.substr(0, bom_seen_)); // not a BOM after all: they are text
            bom_done_ = true;
        }
    }
    while (!bytes.empty()) {
        if (after_cr_) {
            after_cr_ = false;
            if (bytes.front() == '\n') { // the LF of a CRLF
                bytes.remove_prefix(1);
                continue;
            }
        }
        std::size_t const end = bytes.find_first_of("\r\n");
        std::size_t const length = end == std::string_view::npos ? bytes.size() : end;
        if (line_.size() + length > max_size_) {
            return false;
        }
        line_.append(bytes.substr(0, length));
        if (end == std::string_view::npos) {
            return true;
        }
        after_cr_ = bytes[end] == '\r';
        bytes.remove_prefix(end + 1);
        if (!take_line(out)) {
            return false;
        }
    }
    return true;
}

bool sse_parser::take_line(std::vector<sse_event>& out)
{
    std::string_view const line = line_;
    if (line.empty()) {
        dispatch(out);
    } else if (line.front() != ':') { // a line starting with a colon is a comment
        std::size_t const colon = line.find(':');
        std::string_view field = line.substr(0, colon);
        std::string_view value;
        if (colon != std::string_view::npos) {
            value = line.substr(colon + 1);
            if (!value.empty() && value.front() == ' ') {
                value.remove_prefix(1); // one space after the colon is not part of the value
            }
        }
        process_field(field, value);
    }
    line_.clear();
    return data_.size() <= max_size_;
}

void sse_parser::process_field(std::string_view field, std::string_view value)
{
    if (field == "event") {
        event_.assign(value);
    } else if (field == "data") {
        data_.append(value).push_back('\n');
    } else if (field == "id") {
        if (value.find('\0') == std::string_view::npos) { // an id holding NUL is ignored
            id_buffer_.assign(value);
        }
    } else if (field == "retry") {
        bool const digits = !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
            return c >= '0' && c <= '9';
        });
        if (digits) {
            std::uint64_t ms = 0;
            for (char const c : value) {
                ms = std::min(ms * 10 + static_cast<unsigned>(c - '0'), max_retry_ms);
            }
            retry_ = std::chrono::milliseconds{static_cast<std::int64_t>(ms)};
            event_retry_ = retry_;
        }
    }
    // Any other field name is ignored.
}

void sse_parser::dispatch(std::vector<sse_event>& out)
{
    last_event_id_ = id_buffer_; // even for an event that is not dispatched
    std::optional<std::chrono::milliseconds> const retry = std::exchange(event_retry_, {});
    if (data_.empty()) {
        event_.clear(); // no data line: nothing to dispatch
        return;
    }
    data_.pop_back(); // the LF after the last data line
    sse_event e;
    e.id = last_event_id_;
    if (!event_.empty()) {
        e.event = std::move(event_);
    }
    e.data = std::move(data_);
    e.retry = retry;
    out.push_back(std::move(e));
    data_.clear();
    event_.clear();
}

} // namespace ahttp::client::detail
