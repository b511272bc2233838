// SPDX-License-Identifier: BSL-1.0
// The incremental UTF-8 checker (websocket/utf8.hpp), split at every byte.
#include "websocket/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using ahttp::websocket::detail::is_valid_utf8;
using ahttp::websocket::detail::utf8_checker;

/// The verdict when `text` arrives in two pieces split at `at`: fed, then completed.
bool valid_when_split(std::string const& text, std::size_t at)
{
    utf8_checker c;
    return c.feed(text.substr(0, at)) && c.feed(text.substr(at)) && c.complete();
}

TEST(WebSocketUtf8, Valid)
{
    for (std::string text :
         {std::string{""}, std::string{"plain ascii, long enough for words"},
          std::string{"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5"}, std::string{"\xc2\x80"},
          std::string{"\xdf\xbf"}, std::string{"\xe0\xa0\x80"}, std::string{"\xed\x9f\xbf"},
          std::string{"\xee\x80\x80"}, std::string{"\xef\xbf\xbf"}, std::string{"\xf0\x90\x80\x80"},
          std::string{"\xf4\x8f\xbf\xbf"}, std::string("a\0b", 3)}) {
        EXPECT_TRUE(is_valid_utf8(text)) << text;
        for (std::size_t at = 0; at <= text.size(); ++at) {
            EXPECT_TRUE(valid_when_split(text, at)) << text << " split at " << at;
        }
    }
}

TEST(WebSocketUtf8, Invalid)
{
    for (std::string text : {
             std::string{"\x80"},             // lone continuation
             std::string{"\xc0\xaf"},         // overlong '/'
             std::string{"\xc1\xbf"},         // overlong
             std::string{"\xe0\x9f\xbf"},     // overlong 3-byte
             std::string{"\xed\xa0\x80"},     // surrogate D800
             std::string{"\xed\xbf\xbf"},     // surrogate DFFF
             std::string{"\xf0\x8f\xbf\xbf"}, // overlong 4-byte
             std::string{"\xf4\x90\x80\x80"}, // above U+10FFFF
             std::string{"\xf5\x80\x80\x80"}, std::string{"\xff"}, std::string{"\xfe"},
             std::string{"\xe2\x82"},     // truncated
             std::string{"abc\xc3"},      // truncated at the end
             std::string{"\xe2\x28\xa1"}, // bad continuation
         }) {
        EXPECT_FALSE(is_valid_utf8(text)) << text;
        for (std::size_t at = 0; at <= text.size(); ++at) {
            EXPECT_FALSE(valid_when_split(text, at)) << text << " split at " << at;
        }
    }
}

TEST(WebSocketUtf8, FailsAsSoonAsTheBytesCannotBeUtf8)
{
    utf8_checker c;
    EXPECT_TRUE(c.feed("\xf4"));  // could still become U+10xxxx
    EXPECT_FALSE(c.feed("\x90")); // cannot: fail now, not at the end of the message
    utf8_checker d;
    EXPECT_TRUE(d.feed("ok so far \xe2\x82"));
    EXPECT_FALSE(d.complete());  // a message may not end here
    EXPECT_TRUE(d.feed("\xac")); // €
    EXPECT_TRUE(d.complete());
}

} // namespace
