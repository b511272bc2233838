// SPDX-License-Identifier: BSL-1.0
// client::cookie_jar: RFC 6265 storage and the Cookie header (no network).
#include <ahttp/client/cookie_jar.hpp>

#include <gtest/gtest.h>

namespace {

namespace client = ahttp::client;

TEST(CookieJarTest, HostOnlyCookiesStayOnTheirHost)
{
    client::cookie_jar jar;
    EXPECT_TRUE(jar.update("a=1", "http://example.com/"));
    EXPECT_EQ(jar.header_for("http://example.com/x"), "a=1");
    EXPECT_EQ(jar.header_for("http://www.example.com/"), "");
    EXPECT_EQ(jar.header_for("http://other.com/"), "");
}

TEST(CookieJarTest, DomainCookiesReachSubdomains)
{
    client::cookie_jar jar;
    EXPECT_TRUE(jar.update("a=1; Domain=example.com", "http://www.example.com/"));
    EXPECT_EQ(jar.header_for("http://example.com/"), "a=1");
    EXPECT_EQ(jar.header_for("http://deep.www.example.com/"), "a=1");
    EXPECT_EQ(jar.header_for("http://badexample.com/"), "");
    // A Domain the host is not inside, or a bare top-level label, is refused.
    EXPECT_FALSE(jar.update("b=2; Domain=other.com", "http://www.example.com/"));
    EXPECT_FALSE(jar.update("c=3; Domain=com", "http://www.example.com/"));
    EXPECT_EQ(jar.size(), 1u);
}

TEST(CookieJarTest, PathsMatchBySegments)
{
    client::cookie_jar jar;
    jar.update("root=1; Path=/", "http://h.test/");
    jar.update("app=2; Path=/app", "http://h.test/");
    jar.update("dflt=3", "http://h.test/docs/page.html");              // default path /docs
    EXPECT_EQ(jar.header_for("http://h.test/app/x"), "app=2; root=1"); // longer path first
    EXPECT_EQ(jar.header_for("http://h.test/apple"), "root=1");
    EXPECT_EQ(jar.header_for("http://h.test/docs"), "dflt=3; root=1");
    EXPECT_EQ(jar.header_for("http://h.test/docsx"), "root=1");
}

TEST(CookieJarTest, SecureCookiesOnlyOverHttps)
{
    client::cookie_jar jar;
    jar.update("s=1; Secure", "https://h.test/");
    jar.update("p=2", "https://h.test/");
    EXPECT_EQ(jar.header_for("https://h.test/"), "s=1; p=2");
    EXPECT_EQ(jar.header_for("http://h.test/"), "p=2");
}

TEST(CookieJarTest, ReplacesAndDeletes)
{
    client::cookie_jar jar;
    jar.update("a=1", "http://h.test/");
    jar.update("b=2", "http://h.test/");
    jar.update("a=3", "http://h.test/"); // replaces, keeps its place (creation time)
    EXPECT_EQ(jar.header_for("http://h.test/"), "a=3; b=2");
    EXPECT_FALSE(jar.update("a=; Max-Age=0", "http://h.test/"));
    EXPECT_EQ(jar.header_for("http://h.test/"), "b=2");
    EXPECT_FALSE(jar.update("b=; Expires=Thu, 01 Jan 1970 00:00:00 GMT", "http://h.test/"));
    EXPECT_EQ(jar.size(), 0u);
}

TEST(CookieJarTest, IpHostsNeedUnsafe)
{
    client::cookie_jar safe;
    EXPECT_FALSE(safe.update("a=1", "http://127.0.0.1:8080/"));
    client::cookie_jar unsafe{{.unsafe = true}};
    EXPECT_TRUE(unsafe.update("a=1", "http://127.0.0.1:8080/"));
    EXPECT_EQ(unsafe.header_for("http://127.0.0.1:9090/"), "a=1"); // cookies ignore ports
    EXPECT_EQ(unsafe.header_for("http://127.0.0.2/"), "");
}

TEST(CookieJarTest, SetAndClear)
{
    client::cookie_jar jar;
    jar.set("token", "t", "http://a.test/x/y");
    jar.update("k=v", "http://b.test/");
    EXPECT_EQ(jar.header_for("http://a.test/"), "token=t");
    jar.clear_domain("a.test");
    EXPECT_EQ(jar.size(), 1u);
    jar.clear();
    EXPECT_EQ(jar.size(), 0u);
}

TEST(CookieJarTest, IgnoresUrlsWhoseHostDecodesToControlBytes)
{
    client::cookie_jar jar;
    EXPECT_FALSE(jar.update("a=1", "http://example.com%00.evil/"));
    EXPECT_TRUE(jar.update("b=2", "http://example.com/"));
    EXPECT_EQ(jar.header_for("http://example.com%00/"), "");
    EXPECT_EQ(jar.header_for("http://example.com/"), "b=2");
}

} // namespace
