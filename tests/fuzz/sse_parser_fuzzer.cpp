// SPDX-License-Identifier: BSL-1.0
// The event-stream parser alone: however the input is split, the same events come out, and
// every event keeps the parser's invariants. The first byte picks the split size (1..32).
#include "client/sse_parser.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::size_t max_size = 512;

struct outcome {
    std::vector<ahttp::client::sse_event> events;
    std::string last_event_id;
    bool refused = false;
};

outcome parse_in_pieces(std::string_view input, std::size_t piece)
{
    ahttp::client::detail::sse_parser parser{max_size};
    parser.begin_stream();
    outcome out;
    for (std::size_t fed = 0; fed < input.size() && !out.refused; fed += piece) {
        out.refused = !parser.feed(input.substr(fed, piece), out.events);
    }
    out.last_event_id = parser.last_event_id();
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    if (size == 0) {
        return 0;
    }
    std::size_t const piece = 1 + data[0] % 32;
    std::string_view const input{reinterpret_cast<char const*>(data) + 1, size - 1};
    outcome const whole = parse_in_pieces(input, input.size() + 1);
    outcome const split = parse_in_pieces(input, piece);
    if (whole.refused != split.refused) {
        std::abort();
    }
    if (whole.refused) {
        return 0; // where the limit struck may differ with the split; only the verdict counts
    }
    if (whole.events.size() != split.events.size() || whole.last_event_id != split.last_event_id) {
        std::abort();
    }
    for (std::size_t i = 0; i < whole.events.size(); ++i) {
        auto const& a = whole.events[i];
        auto const& b = split.events[i];
        if (a.id != b.id || a.event != b.event || a.data != b.data || a.retry != b.retry) {
            std::abort();
        }
        // Invariants: ids hold no NUL, no field holds CR, only data holds LF, sizes bounded.
        if (a.id.find('\0') != std::string::npos || a.event.empty() ||
            a.id.find_first_of("\r\n") != std::string::npos ||
            a.event.find_first_of("\r\n") != std::string::npos ||
            a.data.find('\r') != std::string::npos || a.data.size() > max_size) {
            std::abort();
        }
    }
    return 0;
}
