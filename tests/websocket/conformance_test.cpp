// SPDX-License-Identifier: BSL-1.0
// RFC 6455 §5–7 conformance of the server, table-driven, with raw frames over a socket
// (the rules of the Autobahn|Testsuite categories 1–7, 9, 10, 12 and 13).
#include "raw_websocket.hpp"
#include "support/apps.hpp"
#include "websocket/deflate.hpp"

#include <ahttp/testing/test_server.hpp>
#include <ahttp/web.hpp>
#include <ahttp/websocket.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

namespace web = ahttp::web;
namespace websocket = ahttp::websocket;
using ahttp::awaitable;
using ahttp::test::raw_frame;
using ahttp::test::raw_websocket;
using ahttp::test::websocket_echo;

constexpr std::size_t small_limit = 64 * 1024;

raw_frame frame(std::uint8_t opcode, std::string payload, bool fin = true)
{
    raw_frame f;
    f.opcode = opcode;
    f.payload = std::move(payload);
    f.fin = fin;
    return f;
}

std::string wire(raw_frame const& f)
{
    return ahttp::test::encode_frame(f);
}

std::string with_bits(raw_frame f, bool rsv1, bool rsv2, bool rsv3)
{
    f.rsv1 = rsv1;
    f.rsv2 = rsv2;
    f.rsv3 = rsv3;
    return wire(f);
}

/// The server under test: an echo route without compression, with a 64 KiB limit.
class WebSocketConformance : public ::testing::Test {
protected:
    WebSocketConformance()
    {
        websocket::options plain;
        plain.compress = false;
        plain.max_message_size = small_limit;
        app_.router().add_websocket("/echo", websocket_echo, plain);
        websocket::options compressed;
        compressed.max_message_size = small_limit;
        app_.router().add_websocket("/deflate", websocket_echo, compressed);
        server_.emplace(app_);
    }

    std::unique_ptr<raw_websocket> connect(std::string const& path = "/echo",
                                           std::string const& extra = {})
    {
        auto ws = std::make_unique<raw_websocket>(server_->port());
        std::string const head = ws->handshake(path, extra);
        EXPECT_EQ(ws->status(), 101) << head;
        return ws;
    }

    web::application app_;
    std::optional<ahttp::testing::test_server> server_;
};

struct violation {
    char const* name;
    std::string bytes;            ///< what the client sends (nothing more follows)
    std::uint16_t expected_close; ///< the code of the server's close frame
};

std::vector<violation> violations()
{
    std::string const bad_utf8 = "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80";
    std::string const big(small_limit + 1, 'x');
    std::string const half(small_limit / 2 + 1, 'y');
    raw_frame unmasked = frame(1, "hello");
    std::vector<violation> table = {
        {"unmasked client frame", ahttp::test::encode_frame(unmasked, std::nullopt), 1002},
        {"RSV1 without an extension", with_bits(frame(1, "x"), true, false, false), 1002},
        {"RSV2 set", with_bits(frame(1, "x"), false, true, false), 1002},
        {"RSV3 set", with_bits(frame(1, "x"), false, false, true), 1002},
        {"RSV bits on a ping", with_bits(frame(9, ""), false, true, true), 1002},
        {"ping over 125 bytes", wire(frame(9, std::string(126, 'p'))), 1002},
        {"fragmented ping", wire(frame(9, "p", false)), 1002},
        {"fragmented close", wire(frame(8, ahttp::test::close_payload(1000), false)), 1002},
        {"continuation without a message", wire(frame(0, "x")), 1002},
        {"text inside a fragmented message", wire(frame(1, "a", false)) + wire(frame(1, "b")),
         1002},
        {"binary inside a fragmented message",
         wire(frame(2, "a", false)) + wire(frame(0, "b", false)) + wire(frame(2, "c")), 1002},
        {"invalid UTF-8 text", wire(frame(1, bad_utf8)), 1007},
        {"invalid UTF-8 in the first fragment (fail fast)", wire(frame(1, "\xff", false)), 1007},
        {"surrogate split across fragments (fail fast)",
         wire(frame(1, "ab\xed", false)) + wire(frame(0, "\xa0", false)), 1007},
        {"overlong NUL", wire(frame(1, std::string("\xc0\x80", 2))), 1007},
        {"code point over U+10FFFF", wire(frame(1, "\xf4\x90\x80\x80")), 1007},
        {"text ends inside a code point", wire(frame(1, "a\xe2\x82")), 1007},
        {"close with a 1-byte payload", wire(frame(8, "\x03")), 1002},
        {"close reason not UTF-8", wire(frame(8, ahttp::test::close_payload(1000, "\xff"))), 1007},
        {"message over the limit", wire(frame(2, big)), 1009},
        {"fragments over the limit", wire(frame(2, half, false)) + wire(frame(0, half)), 1009},
        {"non-minimal 16-bit length", std::string("\x81\xfe\x00\x05", 4) + "abcd" + "hello", 1002},
        {"64-bit length with the top bit set",
         std::string("\x82\xff\x80\x00\x00\x00\x00\x00\x00\x01", 10) + "abcd", 1002},
    };
    for (std::uint8_t op : {3, 4, 5, 6, 7, 11, 12, 13, 14, 15}) {
        table.push_back({"reserved opcode", wire(frame(op, "")), 1002});
    }
    for (std::uint16_t code :
         {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535}) {
        table.push_back(
            {"invalid close code", wire(frame(8, ahttp::test::close_payload(code, "bad"))), 1002});
    }
    return table;
}

TEST_F(WebSocketConformance, FailsTheConnectionOnEveryViolation)
{
    std::vector<violation> const table = violations();
    for (violation const& v : table) {
        SCOPED_TRACE(v.name);
        auto ws = connect();
        ASSERT_TRUE(ws->send_raw(v.bytes));
        std::optional<raw_frame> close = ws->read_close();
        ASSERT_TRUE(close) << "no close frame";
        EXPECT_EQ(close->close_code(), v.expected_close) << close->close_reason();
        EXPECT_TRUE(ws->closed_by_peer()) << "the server kept the TCP connection open";
    }
    EXPECT_GE(table.size(), 45u);
}

TEST_F(WebSocketConformance, EchoesValidCloseCodes)
{
    for (std::uint16_t code : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013,
                               1014, 3000, 3999, 4000, 4999}) {
        SCOPED_TRACE(code);
        auto ws = connect();
        ws->send(frame(8, ahttp::test::close_payload(code, "reason")));
        std::optional<raw_frame> close = ws->read_close();
        ASSERT_TRUE(close);
        EXPECT_EQ(close->close_code(), code);
        EXPECT_TRUE(ws->closed_by_peer());
    }
    // A close frame without a code is answered by one without a code (1005 is never sent).
    auto ws = connect();
    ws->send(frame(8, ""));
    std::optional<raw_frame> close = ws->read_close();
    ASSERT_TRUE(close);
    EXPECT_EQ(close->payload, "");
}

TEST_F(WebSocketConformance, AnswersPingsWithTheirPayload)
{
    auto ws = connect();
    for (std::string payload : {std::string{}, std::string{"hello"}, std::string(125, '\xfe')}) {
        ws->send(frame(9, payload));
        std::optional<raw_frame> pong = ws->read_frame();
        ASSERT_TRUE(pong);
        EXPECT_EQ(pong->opcode, 0xA);
        EXPECT_EQ(pong->payload, payload);
    }
    // An unsolicited pong is ignored: the next message still echoes.
    ws->send(frame(0xA, "unasked"));
    ws->send_text("after");
    std::optional<raw_frame> echoed = ws->read_frame();
    ASSERT_TRUE(echoed);
    EXPECT_EQ(echoed->payload, "after");
}

TEST_F(WebSocketConformance, ReassemblesFragmentsAroundControlFrames)
{
    auto ws = connect();
    ws->send(frame(1, "frag", false));
    ws->send(frame(9, "mid"));
    ws->send(frame(0, "men", false));
    ws->send(frame(0, "", false)); // empty fragments are fine
    ws->send(frame(0, "ted"));
    std::optional<raw_frame> pong = ws->read_frame();
    ASSERT_TRUE(pong);
    EXPECT_EQ(pong->opcode, 0xA); // the ping is answered before the message completes
    EXPECT_EQ(pong->payload, "mid");
    std::optional<raw_frame> echoed = ws->read_frame();
    ASSERT_TRUE(echoed);
    EXPECT_EQ(echoed->opcode, 1);
    EXPECT_EQ(echoed->payload, "fragmented");
}

TEST_F(WebSocketConformance, AcceptsValidTextAtEveryFragmentSplit)
{
    // κόσμε, U+10FFFF and U+FFFD, split at every byte: UTF-8 checking spans fragments.
    std::string const text =
        "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xf4\x8f\xbf\xbf\xef\xbf\xbd";
    auto ws = connect();
    for (std::size_t split = 0; split <= text.size(); ++split) {
        ws->send(frame(1, text.substr(0, split), false));
        ws->send(frame(0, text.substr(split)));
        std::optional<raw_frame> echoed = ws->read_frame();
        ASSERT_TRUE(echoed) << split;
        EXPECT_EQ(echoed->payload, text) << split;
    }
}

TEST_F(WebSocketConformance, EchoesEmptyAndLargeMessages)
{
    auto ws = connect();
    ws->send(frame(1, ""));
    std::optional<raw_frame> echoed = ws->read_frame();
    ASSERT_TRUE(echoed);
    EXPECT_EQ(echoed->payload, "");
    for (std::size_t size : {125, 126, 127, 65535, 65536}) {
        std::string const payload(size, 'z');
        ws->send(frame(2, payload));
        echoed = ws->read_frame();
        ASSERT_TRUE(echoed) << size;
        EXPECT_EQ(echoed->payload.size(), size);
        EXPECT_EQ(echoed->opcode, 2);
    }
    // The whole limit is allowed; and a message sent one byte at a time arrives whole.
    std::string const at_limit(small_limit, 'l');
    std::string const bytes = wire(frame(2, at_limit));
    for (std::size_t i = 0; i < 64; ++i) {
        ws->send_raw(bytes.substr(i, 1));
    }
    ws->send_raw(bytes.substr(64));
    echoed = ws->read_frame();
    ASSERT_TRUE(echoed);
    EXPECT_EQ(echoed->payload.size(), small_limit);
}

TEST_F(WebSocketConformance, RefusesBadHandshakes)
{
    struct refusal {
        char const* name;
        std::string extra;
        int status;
    };
    std::vector<refusal> const table = {
        {"another version",
         "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
         "dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n",
         426},
        {"no key", "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n",
         400},
        {"short key",
         "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: c2hvcnQ=\r\n"
         "Sec-WebSocket-Version: 13\r\n",
         400},
        {"no Upgrade",
         "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
         "Sec-WebSocket-Version: 13\r\n",
         400},
    };
    for (refusal const& r : table) {
        SCOPED_TRACE(r.name);
        raw_websocket ws{server_->port()};
        std::string const head = ws.handshake("/echo", r.extra);
        EXPECT_EQ(ws.status(), r.status) << head;
        if (r.status == 426) {
            EXPECT_NE(head.find("Sec-WebSocket-Version: 13"), std::string::npos) << head;
        }
    }
}

TEST_F(WebSocketConformance, AnswersTheHandshakeAsTheRfcExample)
{
    raw_websocket ws{server_->port()};
    std::string const head = ws.handshake("/echo");
    EXPECT_EQ(ws.status(), 101);
    // RFC 6455 §1.3's example key and accept value.
    EXPECT_NE(head.find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), std::string::npos)
        << head;
    EXPECT_NE(head.find("Upgrade: websocket"), std::string::npos);
    EXPECT_EQ(head.find("Content-Length"), std::string::npos);
}

TEST_F(WebSocketConformance, ReadsFramesSentWithTheHandshake)
{
    // A client may send its first frames right behind the upgrade request, in one segment.
    raw_websocket ws{server_->port()};
    std::string const head = ws.handshake_raw(raw_websocket::upgrade_request("/echo") +
                                              wire(frame(1, "early")) + wire(frame(1, "bird")));
    ASSERT_EQ(ws.status(), 101) << head;
    std::optional<raw_frame> first = ws.read_frame();
    std::optional<raw_frame> second = ws.read_frame();
    ASSERT_TRUE(first && second);
    EXPECT_EQ(first->payload, "early");
    EXPECT_EQ(second->payload, "bird");
}

std::string compress_message(ahttp::websocket::detail::deflate_codec& codec, std::string_view text)
{
    return codec.compress(text);
}

TEST_F(WebSocketConformance, PermessageDeflateRoundTrips)
{
    auto ws = connect("/deflate", "Sec-WebSocket-Extensions: permessage-deflate; "
                                  "client_max_window_bits\r\n");
    ahttp::websocket::detail::deflate_codec ours{{}};
    // Three similar messages: with context takeover the later ones shrink.
    for (int i = 0; i < 3; ++i) {
        std::string const text = "a fairly repetitive message, a fairly repetitive message";
        raw_frame f = frame(1, compress_message(ours, text));
        f.rsv1 = true;
        ws->send(f);
        std::optional<raw_frame> echoed = ws->read_frame();
        ASSERT_TRUE(echoed);
        EXPECT_TRUE(echoed->rsv1);
        std::string plain;
        bool too_big = false;
        ASSERT_TRUE(ours.inflate(echoed->payload, plain, 0, too_big));
        ASSERT_TRUE(ours.finish_message(plain, 0, too_big));
        EXPECT_EQ(plain, text);
    }
    // A compressed message whose inflated size passes the limit: 1009, without inflating it
    // all (a decompression bomb).
    ahttp::websocket::detail::deflate_codec bomb{{}};
    raw_frame f = frame(2, bomb.compress(std::string(50 * small_limit, '\0')));
    f.rsv1 = true;
    EXPECT_LT(f.payload.size(), small_limit / 8);
    ws->send(f);
    std::optional<raw_frame> close = ws->read_close();
    ASSERT_TRUE(close);
    EXPECT_EQ(close->close_code(), 1009);
}

TEST_F(WebSocketConformance, PermessageDeflateRules)
{
    {
        auto ws = connect("/deflate", "Sec-WebSocket-Extensions: permessage-deflate\r\n");
        raw_frame first = frame(1, "", false);
        first.rsv1 = true;
        raw_frame next = frame(0, "x");
        next.rsv1 = true; // RSV1 belongs on the first frame only
        ws->send_raw(wire(first) + wire(next));
        std::optional<raw_frame> close = ws->read_close();
        ASSERT_TRUE(close);
        EXPECT_EQ(close->close_code(), 1002);
    }
    {
        auto ws = connect("/deflate", "Sec-WebSocket-Extensions: permessage-deflate\r\n");
        raw_frame garbage = frame(2, "\xff\xff\xff\xff garbage");
        garbage.rsv1 = true;
        ws->send(garbage);
        std::optional<raw_frame> close = ws->read_close();
        ASSERT_TRUE(close);
        EXPECT_EQ(close->close_code(), 1007);
    }
}

} // namespace
