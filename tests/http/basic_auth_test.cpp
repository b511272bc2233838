// SPDX-License-Identifier: BSL-1.0
#include <ahttp/http/basic_auth.hpp>

#include <gtest/gtest.h>

namespace {

namespace http = ahttp::http;

TEST(Base64Test, MatchesRfc4648Vectors)
{
    EXPECT_EQ(http::base64_encode(""), "");
    EXPECT_EQ(http::base64_encode("f"), "Zg==");
    EXPECT_EQ(http::base64_encode("fo"), "Zm8=");
    EXPECT_EQ(http::base64_encode("foo"), "Zm9v");
    EXPECT_EQ(http::base64_encode("foob"), "Zm9vYg==");
    EXPECT_EQ(http::base64_encode("fooba"), "Zm9vYmE=");
    EXPECT_EQ(http::base64_encode("foobar"), "Zm9vYmFy");
    EXPECT_EQ(http::base64_encode(std::string("\xff\xfe\x00", 3)), "//4A");
}

TEST(BasicAuthTest, EncodesLoginAndPassword)
{
    // RFC 7617 §2's example.
    EXPECT_EQ((http::basic_auth{"Aladdin", "open sesame"}.header_value()),
              "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    EXPECT_EQ((http::basic_auth{"user"}.header_value()), "Basic dXNlcjo=");
}

} // namespace
