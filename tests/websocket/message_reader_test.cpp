// SPDX-License-Identifier: BSL-1.0
// The sans-I/O reader (websocket/message_reader.hpp): whatever the byte boundaries, the
// same events come out.
#include "raw_websocket.hpp"
#include "websocket/message_reader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace ahttp::websocket::detail;
using ahttp::test::raw_frame;

/// The events `bytes` produce when fed `step` bytes at a time, as short strings.
std::vector<std::string> events(std::string const& bytes, std::size_t step)
{
    message_reader reader{role::server, 1 << 20, nullptr};
    std::vector<std::string> out;
    std::string buffer;
    for (std::size_t at = 0; at < bytes.size(); at += step) {
        buffer += bytes.substr(at, step);
        for (;;) {
            std::string_view in = buffer;
            reader_event e = reader.next(in);
            buffer.erase(0, buffer.size() - in.size());
            if (e.what == reader_event::kind::need_more) {
                break;
            }
            switch (e.what) {
            case reader_event::kind::message: {
                ahttp::websocket::message m = reader.take_message();
                out.push_back((m.is_text() ? "text:" : "binary:") + m.data);
                break;
            }
            case reader_event::kind::ping:
                out.push_back("ping:" + e.payload);
                break;
            case reader_event::kind::pong:
                out.push_back("pong:" + e.payload);
                break;
            case reader_event::kind::close:
                out.push_back("close:" + std::to_string(e.code) + ":" + e.payload);
                return out;
            default:
                out.push_back("fail:" + std::to_string(e.code));
                return out;
            }
        }
    }
    return out;
}

raw_frame frame(std::uint8_t op, std::string payload, bool fin = true)
{
    raw_frame f;
    f.opcode = op;
    f.payload = std::move(payload);
    f.fin = fin;
    return f;
}

TEST(WebSocketMessageReader, SameEventsWhateverTheChunking)
{
    std::string bytes;
    for (raw_frame const& f :
         {frame(1, "hello"), frame(2, std::string(300, 'b')), frame(1, "frag", false),
          frame(9, "ping!"), frame(0, "ment", false), frame(0, "ed"), frame(0xA, ""),
          frame(1, std::string(70000, 't')), frame(8, ahttp::test::close_payload(1000, "bye"))}) {
        bytes += ahttp::test::encode_frame(f);
    }
    std::vector<std::string> const whole = events(bytes, bytes.size());
    ASSERT_EQ(whole.size(), 7u);
    EXPECT_EQ(whole[0], "text:hello");
    EXPECT_EQ(whole[2], "ping:ping!");
    EXPECT_EQ(whole[3], "text:fragmented");
    EXPECT_EQ(whole[4], "pong:");
    EXPECT_EQ(whole[6], "close:1000:bye");
    for (std::size_t step : {1u, 2u, 3u, 7u, 13u, 1000u}) {
        EXPECT_EQ(events(bytes, step), whole) << step;
    }
}

TEST(WebSocketMessageReader, FailsAgainAfterFailing)
{
    message_reader reader{role::client, 0, nullptr};
    std::string const masked = ahttp::test::encode_frame(frame(1, "x")); // masked: a client's
    std::string_view in = masked;
    reader_event e = reader.next(in);
    EXPECT_EQ(e.what, reader_event::kind::fail);
    EXPECT_EQ(e.code, 1002);
    std::string_view more = "\x81\x00";
    EXPECT_EQ(reader.next(more).what, reader_event::kind::fail);
}

} // namespace
