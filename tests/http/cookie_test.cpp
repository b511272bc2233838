// SPDX-License-Identifier: BSL-1.0
// Set-Cookie parsing (RFC 6265 §5.2).
#include <ahttp/http/cookie.hpp>

#include <gtest/gtest.h>

namespace {

namespace http = ahttp::http;
using namespace std::chrono_literals;

http::date_time const now = *http::parse_date("Sun, 29 Nov 2026 10:00:00 GMT");

TEST(SetCookieTest, ParsesNameValueAndAttributes)
{
    auto const c = http::parse_set_cookie(
        "sid=abc123; Path=/app; Domain=.Example.COM; Secure; HttpOnly; SameSite=Lax", now);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->name, "sid");
    EXPECT_EQ(c->value, "abc123");
    EXPECT_EQ(c->path, "/app");
    EXPECT_EQ(c->domain, "example.com"); // leading dot dropped, lower-cased
    EXPECT_TRUE(c->secure);
    EXPECT_TRUE(c->http_only);
    EXPECT_EQ(c->same_site, "Lax");
    EXPECT_FALSE(c->expires); // a session cookie
}

TEST(SetCookieTest, DomainOfOnlyDotsIsIgnored)
{
    // Found by the query_cookie fuzzer: "Domain=.." kept a leading dot. Such a Domain names
    // nothing, so the cookie stays host-only.
    auto const c = http::parse_set_cookie("d=abc; Domain=..; Path=/", now);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->domain, "");
    EXPECT_EQ(c->path, "/");
}

TEST(SetCookieTest, MaxAgeWinsOverExpires)
{
    auto const c =
        http::parse_set_cookie("a=1; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Max-Age=60", now);
    ASSERT_TRUE(c);
    EXPECT_EQ(*c->expires, now + 60s);
    auto const only_expires =
        http::parse_set_cookie("a=1; expires=Wed, 21 Oct 2037 07:28:00 GMT", now);
    EXPECT_EQ(*only_expires->expires, *http::parse_date("Wed, 21 Oct 2037 07:28:00 GMT"));
    auto const old_format =
        http::parse_set_cookie("a=1; expires=Wednesday, 21-Oct-37 07:28:00 GMT", now);
    EXPECT_TRUE(old_format->expires);
}

TEST(SetCookieTest, NonPositiveMaxAgeExpiresAtOnce)
{
    for (char const* field : {"a=1; Max-Age=0", "a=1; Max-Age=-5"}) {
        auto const c = http::parse_set_cookie(field, now);
        ASSERT_TRUE(c) << field;
        ASSERT_TRUE(c->expires) << field;
        EXPECT_LE(*c->expires, now) << field;
    }
}

TEST(SetCookieTest, IgnoresBadAttributesButKeepsTheCookie)
{
    auto const c = http::parse_set_cookie(
        "a=b=c; Max-Age=soon; Expires=yesterday; Path=relative; Unknown=1; ;", now);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->value, "b=c"); // the value runs to the first ';'
    EXPECT_FALSE(c->expires);
    EXPECT_EQ(c->path, ""); // not starting with '/': the default path applies
}

TEST(SetCookieTest, TrimsAndKeepsQuotes)
{
    auto const c = http::parse_set_cookie("  name  =  \"quoted value\"  ; path=/", now);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->name, "name");
    EXPECT_EQ(c->value, "\"quoted value\"");
}

TEST(SetCookieTest, RefusesWhatIsNoCookie)
{
    for (char const* field : {"", "novalue", "=value", "  =x", "a=1\r\nX: y", "a=\x01"}) {
        EXPECT_FALSE(http::parse_set_cookie(field, now)) << field;
    }
}

} // namespace
