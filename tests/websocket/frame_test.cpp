// SPDX-License-Identifier: BSL-1.0
// Frame headers and masking (websocket/frame.hpp).
#include "websocket/frame.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace ahttp::websocket::detail;

TEST(WebSocketFrame, HeaderRoundTripsAtEveryLengthEncoding)
{
    unsigned char const mask[4] = {1, 2, 3, 4};
    for (std::uint64_t length : {0ull, 1ull, 125ull, 126ull, 65535ull, 65536ull, 1ull << 40}) {
        for (bool masked : {false, true}) {
            unsigned char out[max_header_size];
            std::size_t const size =
                write_header(out, opcode::binary, false, true, length, masked ? mask : nullptr);
            std::string const bytes{reinterpret_cast<char*>(out), size};
            parsed_header const p = parse_header(bytes);
            ASSERT_EQ(p.status, header_status::ok) << length;
            EXPECT_EQ(p.size, size);
            EXPECT_EQ(p.header.length, length);
            EXPECT_FALSE(p.header.fin);
            EXPECT_TRUE(p.header.rsv1);
            EXPECT_EQ(p.header.op(), opcode::binary);
            EXPECT_EQ(p.header.masked, masked);
            // Every shorter prefix asks for more.
            for (std::size_t cut = 0; cut < size; ++cut) {
                EXPECT_EQ(parse_header(bytes.substr(0, cut)).status, header_status::need_more);
            }
        }
    }
}

TEST(WebSocketFrame, RefusesNonMinimalLengths)
{
    EXPECT_EQ(parse_header(std::string("\x82\x7e\x00\x7d", 4)).status, header_status::bad_length);
    EXPECT_EQ(parse_header(std::string("\x82\x7f\x00\x00\x00\x00\x00\x00\xff\xff", 10)).status,
              header_status::bad_length);
    EXPECT_EQ(parse_header(std::string("\x82\x7f\x80\x00\x00\x00\x00\x01\x00\x00", 10)).status,
              header_status::bad_length);
}

TEST(WebSocketFrame, MaskingIsItsOwnInverseAtAnyOffset)
{
    std::array<unsigned char, 4> const key{0xde, 0xad, 0xbe, 0xef};
    std::string original(1000, '\0');
    for (std::size_t i = 0; i < original.size(); ++i) {
        original[i] = static_cast<char>(i * 31);
    }
    // Masked in uneven pieces, it matches byte-wise masking; unmasked, it is the original.
    std::string data = original;
    std::size_t offset = 0;
    std::size_t at = 0;
    for (std::size_t piece : {1u, 3u, 7u, 64u, 100u, 825u}) {
        offset = apply_mask(reinterpret_cast<unsigned char*>(data.data() + at), piece, key, offset);
        at += piece;
    }
    ASSERT_EQ(at, data.size());
    for (std::size_t i = 0; i < data.size(); ++i) {
        ASSERT_EQ(static_cast<unsigned char>(data[i]),
                  static_cast<unsigned char>(original[i]) ^ key[i % 4]);
    }
    apply_mask(reinterpret_cast<unsigned char*>(data.data()), data.size(), key, 0);
    EXPECT_EQ(data, original);
}

} // namespace
