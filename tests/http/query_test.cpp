// SPDX-License-Identifier: BSL-1.0
// Tests for percent decoding and query_params parsing and encoding.
#include <ahttp/http/query.hpp>

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace http = ahttp::http;

TEST(PercentDecodeTest, DecodesEscapesInEitherCase)
{
    EXPECT_EQ(http::percent_decode("a%20b"), "a b");
    EXPECT_EQ(http::percent_decode("%2f%2F"), "//");
    EXPECT_EQ(http::percent_decode("%C3%A9t%C3%A9"), "\xC3\xA9t\xC3\xA9");
}

TEST(PercentDecodeTest, KeepsInvalidEscapesLiterally)
{
    EXPECT_EQ(http::percent_decode("100%"), "100%");
    EXPECT_EQ(http::percent_decode("%zz"), "%zz");
    EXPECT_EQ(http::percent_decode("%4"), "%4");
    EXPECT_EQ(http::percent_decode("%4g%41"), "%4gA");
    EXPECT_EQ(http::percent_decode("%%41"), "%A");
}

TEST(PercentDecodeTest, TurnsPlusIntoSpaceOnlyWhenAsked)
{
    EXPECT_EQ(http::percent_decode("a+b"), "a+b");
    EXPECT_EQ(http::percent_decode("a+b", true), "a b");
    EXPECT_EQ(http::percent_decode("a%2Bb", true), "a+b");
}

TEST(PercentDecodeTest, DecodesNulAndHighBytes)
{
    std::string const decoded = http::percent_decode("%00%FF");
    ASSERT_EQ(decoded.size(), 2U);
    EXPECT_EQ(decoded[0], '\0');
    EXPECT_EQ(static_cast<unsigned char>(decoded[1]), 0xFF);
}

TEST(PercentDecodeTest, LeavesEmptyAndPlainTextAlone)
{
    EXPECT_EQ(http::percent_decode(""), "");
    EXPECT_EQ(http::percent_decode("/users/42"), "/users/42");
}

TEST(PercentDecodeTest, ReportsWhetherDecodingIsNeeded)
{
    EXPECT_FALSE(http::needs_percent_decode(""));
    EXPECT_FALSE(http::needs_percent_decode("/plain/path"));
    EXPECT_FALSE(http::needs_percent_decode("100%"));
    EXPECT_FALSE(http::needs_percent_decode("%zz"));
    EXPECT_FALSE(http::needs_percent_decode("a+b"));
    EXPECT_TRUE(http::needs_percent_decode("a+b", true));
    EXPECT_TRUE(http::needs_percent_decode("a%20b"));
    EXPECT_TRUE(http::needs_percent_decode("%41"));
}

TEST(QueryParamsTest, ParsesPairsInOrder)
{
    auto const q = http::query_params::parse("a=1&b=two&a=3");
    ASSERT_EQ(q.size(), 3U);
    std::vector<http::query_params::entry> const entries(q.begin(), q.end());
    EXPECT_EQ(entries[0], (http::query_params::entry{"a", "1"}));
    EXPECT_EQ(entries[1], (http::query_params::entry{"b", "two"}));
    EXPECT_EQ(entries[2], (http::query_params::entry{"a", "3"}));
}

TEST(QueryParamsTest, DecodesNamesAndValuesWithPlusAsSpace)
{
    auto const q = http::query_params::parse("first+name=Ada+Lovelace&x%26y=1%2B1%3D2");
    EXPECT_EQ(q.find("first name"), "Ada Lovelace");
    EXPECT_EQ(q.find("x&y"), "1+1=2");
}

TEST(QueryParamsTest, GivesEmptyValueWhenEqualsIsMissing)
{
    auto const q = http::query_params::parse("flag&empty=&x=1");
    ASSERT_EQ(q.size(), 3U);
    EXPECT_EQ(q.find("flag"), "");
    EXPECT_EQ(q.find("empty"), "");
    EXPECT_TRUE(q.contains("flag"));
}

TEST(QueryParamsTest, SkipsEmptyPieces)
{
    auto const q = http::query_params::parse("&&a=1&&b=2&");
    ASSERT_EQ(q.size(), 2U);
    EXPECT_EQ(q.find("a"), "1");
    EXPECT_EQ(q.find("b"), "2");
    EXPECT_TRUE(http::query_params::parse("").empty());
    EXPECT_TRUE(http::query_params::parse("&").empty());
}

TEST(QueryParamsTest, SplitsOnlyOnAmpersand)
{
    auto const q = http::query_params::parse("a=1;b=2");
    ASSERT_EQ(q.size(), 1U);
    EXPECT_EQ(q.find("a"), "1;b=2");
}

TEST(QueryParamsTest, SplitsOnFirstEqualsOnly)
{
    auto const q = http::query_params::parse("expr=a=b&=novalue");
    ASSERT_EQ(q.size(), 2U);
    EXPECT_EQ(q.find("expr"), "a=b");
    EXPECT_EQ(q.find(""), "novalue");
}

TEST(QueryParamsTest, KeepsInvalidEscapesInValues)
{
    auto const q = http::query_params::parse("p=100%&q=%zz");
    EXPECT_EQ(q.find("p"), "100%");
    EXPECT_EQ(q.find("q"), "%zz");
}

TEST(QueryParamsTest, FindsFirstValueAndAllValues)
{
    auto const q = http::query_params::parse("tag=a&other=x&tag=b&tag=");
    EXPECT_EQ(q.find("tag"), "a");
    EXPECT_EQ(q.values("tag"), (std::vector<std::string_view>{"a", "b", ""}));
    EXPECT_TRUE(q.values("missing").empty());
    EXPECT_EQ(q.find("missing"), std::nullopt);
    EXPECT_FALSE(q.contains("missing"));
    EXPECT_EQ(q.value_or("missing", "fallback"), "fallback");
    EXPECT_EQ(q.value_or("other", "fallback"), "x");
}

TEST(QueryParamsTest, IsCaseSensitive)
{
    auto const q = http::query_params::parse("Key=1");
    EXPECT_FALSE(q.contains("key"));
    EXPECT_TRUE(q.contains("Key"));
}

TEST(QueryParamsTest, BuildsFromInitializerListAndAdd)
{
    http::query_params q{{"a", "1"}, {"b", "2"}};
    q.add("a", "3");
    EXPECT_EQ(q.size(), 3U);
    EXPECT_EQ(q.values("a"), (std::vector<std::string_view>{"1", "3"}));
    EXPECT_EQ(q.encode(), "a=1&b=2&a=3");
}

TEST(QueryParamsTest, EncodesEverythingButUnreserved)
{
    http::query_params const q{
        {"q", "two words"}, {"sym", "a+b&c=d/e?f#g%h"}, {"ok", "AZaz09-._~"}};
    EXPECT_EQ(q.encode(), "q=two%20words&sym=a%2Bb%26c%3Dd%2Fe%3Ff%23g%25h&ok=AZaz09-._~");
}

TEST(QueryParamsTest, EncodesUtf8AsUppercaseHexBytes)
{
    http::query_params const q{{"name", "Jos\xC3\xA9"}};
    EXPECT_EQ(q.encode(), "name=Jos%C3%A9");
}

TEST(QueryParamsTest, EncodesEmptyValuesAndEmptyParams)
{
    EXPECT_EQ(http::query_params{}.encode(), "");
    http::query_params const q{{"flag", ""}};
    EXPECT_EQ(q.encode(), "flag=");
}

TEST(QueryParamsTest, RoundTripsThroughEncodeAndParse)
{
    http::query_params const original{{"a b", "c+d"},  {"x&y", "1=2"},  {"empty", ""},
                                      {"pct", "100%"}, {"semi", "a;b"}, {"utf8", "\xE2\x82\xAC"},
                                      {"plus", "+ +"}};
    auto const parsed = http::query_params::parse(original.encode());
    std::vector<http::query_params::entry> const a(original.begin(), original.end());
    std::vector<http::query_params::entry> const b(parsed.begin(), parsed.end());
    EXPECT_EQ(a, b);
}

TEST(QueryParamsTest, DecodeOfEncodeIsIdentityForEveryByte)
{
    std::string all;
    for (int c = 0; c < 256; ++c) {
        all.push_back(static_cast<char>(c));
    }
    http::query_params const q{{"k", all}};
    std::string const encoded = q.encode();
    ASSERT_EQ(encoded.substr(0, 2), "k=");
    EXPECT_EQ(http::percent_decode(std::string_view{encoded}.substr(2)), all);
    EXPECT_EQ(http::query_params::parse(encoded).find("k"), std::string_view{all});
}
