// SPDX-License-Identifier: BSL-1.0
// The WebSocket reader (frames, fragments, UTF-8, close frames) and the permessage-deflate
// inflater. Invariants: the events do not depend on how the bytes are split; a text message
// is valid UTF-8; no message is over the limit. The first byte picks the role, whether
// deflate was negotiated, and the split size.
#include "websocket/message_reader.hpp"
#include "websocket/utf8.hpp"

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace ahttp::websocket::detail;

constexpr std::size_t limit = 64 * 1024;

std::vector<std::string> read_all(std::string_view input, role r, bool deflate, std::size_t piece)
{
    std::unique_ptr<deflate_codec> codec;
    if (deflate) {
        codec = std::make_unique<deflate_codec>(deflate_params{});
    }
    message_reader reader{r, limit, codec.get()};
    std::vector<std::string> events;
    std::string buffer;
    std::size_t fed = 0;
    for (;;) {
        std::string_view in = buffer;
        reader_event e = reader.next(in);
        buffer.erase(0, buffer.size() - in.size());
        switch (e.what) {
        case reader_event::kind::need_more:
            if (fed == input.size()) {
                return events;
            }
            buffer.append(input.substr(fed, piece));
            fed += std::min(piece, input.size() - fed);
            continue;
        case reader_event::kind::message: {
            ahttp::websocket::message m = reader.take_message();
            if (m.data.size() > limit) {
                std::abort();
            }
            if (m.is_text() && !is_valid_utf8(m.data)) {
                std::abort();
            }
            events.push_back((m.is_text() ? "t" : "b") + m.data);
            continue;
        }
        case reader_event::kind::ping:
        case reader_event::kind::pong:
            if (e.payload.size() > max_control_payload) {
                std::abort();
            }
            events.push_back((e.what == reader_event::kind::ping ? "i" : "o") + e.payload);
            continue;
        case reader_event::kind::close:
            events.push_back("c" + std::to_string(e.code) + e.payload);
            return events;
        case reader_event::kind::fail:
            events.push_back("f" + std::to_string(e.code));
            return events;
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    if (size < 1) {
        return 0;
    }
    std::uint8_t const config = data[0];
    role const r = (config & 1) != 0 ? role::client : role::server;
    bool const deflate = (config & 2) != 0;
    std::size_t const piece = 1 + (config >> 2) % 16;
    std::string_view const input{reinterpret_cast<char const*>(data + 1), size - 1};
    std::vector<std::string> const whole = read_all(input, r, deflate, input.size() + 1);
    std::vector<std::string> const split = read_all(input, r, deflate, piece);
    if (whole != split) {
        std::abort();
    }
    return 0;
}
