// SPDX-License-Identifier: BSL-1.0
// How a session turns a URL into what it connects to and what it sends (no network).
#include "client/target.hpp"

#include <ahttp/client/errors.hpp>

#include <gtest/gtest.h>

#include <string>

namespace {

namespace client = ahttp::client;
using client::detail::resolve_url;

client::detail::target resolve(std::string const& url, std::string const& base = {})
{
    ahttp::http::query_params const none;
    return resolve_url(base, url, none);
}

// Boost.URL 1.81 reads these hosts as the IPv4 address they start with (boostorg/url#755):
// the request would go to 127.0.0.1 with the rest of the name as its path.
TEST(TargetTest, HostNamesStartingWithAnIpv4AddressStayWhole)
{
    auto const plain = resolve("http://127.0.0.1.example.com/");
    EXPECT_EQ(plain.origin.host, "127.0.0.1.example.com");
    EXPECT_EQ(plain.origin.port, 80);
    EXPECT_EQ(plain.request_target, "/");
    EXPECT_EQ(plain.host_field, "127.0.0.1.example.com");

    auto const full = resolve("https://u:p@1.2.3.4.nip.io:8443/a/b?q=1#frag");
    EXPECT_EQ(full.origin.host, "1.2.3.4.nip.io");
    EXPECT_EQ(full.origin.port, 8443);
    EXPECT_EQ(full.request_target, "/a/b?q=1");
    EXPECT_EQ(full.host_field, "1.2.3.4.nip.io:8443");
    ASSERT_TRUE(full.userinfo);
    EXPECT_EQ(full.text, "https://1.2.3.4.nip.io:8443/a/b?q=1");

    auto const relative = resolve("../x", "http://10.0.0.1.corp/dir/page");
    EXPECT_EQ(relative.origin.host, "10.0.0.1.corp");
    EXPECT_EQ(relative.request_target, "/x");

    auto const address = resolve("http://127.0.0.1:8080/a");
    EXPECT_EQ(address.origin.host, "127.0.0.1");
    EXPECT_EQ(address.origin.port, 8080);
}

TEST(TargetTest, HostsThatDecodeToControlBytesOrSpaceOrRunIntoAPathAreRefused)
{
    for (std::string const url : {"http://127.0.0.1%00.example.com/", "http://a%0d%0ab.example/",
                                  "http://a%20b/", "http://127.0.0.1.a:x/", "http://[::1]98"}) {
        EXPECT_THROW(resolve(url), client::invalid_url) << url;
    }
}

} // namespace
