// SPDX-License-Identifier: BSL-1.0
// HTTP dates: IMF-fixdate formatting and the three formats RFC 9110 §5.6.7 requires to parse.
#include <ahttp/http/date.hpp>

#include <gtest/gtest.h>

namespace {

using namespace std::chrono;
using ahttp::http::format_date;
using ahttp::http::parse_date;

constexpr sys_seconds rfc_example = sys_days{1994y / November / 6} + 8h + 49min + 37s;

TEST(HttpDateTest, FormatsImfFixdate)
{
    EXPECT_EQ(format_date(rfc_example), "Sun, 06 Nov 1994 08:49:37 GMT");
    EXPECT_EQ(format_date(sys_seconds{}), "Thu, 01 Jan 1970 00:00:00 GMT");
    EXPECT_EQ(format_date(sys_days{2024y / February / 29} + 23h + 59min + 59s),
              "Thu, 29 Feb 2024 23:59:59 GMT");
}

TEST(HttpDateTest, ParsesAllThreeFormats)
{
    EXPECT_EQ(parse_date("Sun, 06 Nov 1994 08:49:37 GMT"), rfc_example);
    EXPECT_EQ(parse_date("Sunday, 06-Nov-94 08:49:37 GMT"), rfc_example);
    EXPECT_EQ(parse_date("Sun Nov  6 08:49:37 1994"), rfc_example);
    EXPECT_EQ(parse_date("  Sun, 06 Nov 1994 08:49:37 GMT\t"), rfc_example);
}

TEST(HttpDateTest, RoundTrips)
{
    for (auto t = sys_seconds{}; t < sys_seconds{seconds{4'000'000'000}};
         t += seconds{123'456'789}) {
        EXPECT_EQ(parse_date(format_date(t)), t) << format_date(t);
    }
}

TEST(HttpDateTest, RejectsEverythingElse)
{
    for (auto const* text :
         {"", "yesterday", "Sun, 06 Nov 1994 08:49:37", "Sun, 06 Nov 1994 08:49:37 UTC",
          "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 31 Feb 1994 08:49:37 GMT",
          "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 nov 1994 08:49:37 GMT",
          "Sun, 06 Nov 1994 08:49:37 GMT x", "1994-11-06T08:49:37Z", "Sun Nov 6 08:49:37 1994",
          "Sunday, 06-Nov-1994 08:49:37 GMT"}) {
        EXPECT_FALSE(parse_date(text).has_value()) << text;
    }
}

} // namespace
