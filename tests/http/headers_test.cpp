// SPDX-License-Identifier: BSL-1.0
// Tests for the header multi-maps: case-insensitive lookup, repeated fields, set/erase, and
// assign() refilling owned fields from borrowed ones.
#include <ahttp/http/headers.hpp>

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace {

using ahttp::http::field;
using ahttp::http::headers;
using ahttp::http::headers_view;
using ahttp::http::iequals;

TEST(HeadersTest, IequalsFoldsOnlyAsciiLetters)
{
    EXPECT_TRUE(iequals("Content-Type", "content-type"));
    EXPECT_TRUE(iequals("", ""));
    EXPECT_FALSE(iequals("Content-Type", "Content-Typ"));
    EXPECT_FALSE(iequals("[", "{")); // 0x5b and 0x7b differ by the case bit but are not letters
    EXPECT_FALSE(iequals("\xc4", "\xe4"));
}

TEST(HeadersTest, FindsByNameIgnoringCaseAndKeepsOrder)
{
    headers h{{"Set-Cookie", "a=1"}, {"Content-Type", "text/plain"}, {"set-cookie", "b=2"}};
    EXPECT_EQ(h.size(), 3u);
    EXPECT_EQ(h.find("SET-COOKIE"), "a=1");
    EXPECT_EQ(h.find(field::content_type), "text/plain");
    EXPECT_EQ(h.values(field::set_cookie), (std::vector<std::string_view>{"a=1", "b=2"}));
    EXPECT_FALSE(h.find("Location").has_value());
    EXPECT_EQ(h.value_or("Location", "none"), "none");
    EXPECT_TRUE(h.contains("content-type"));
    EXPECT_EQ(h.begin()->first, "Set-Cookie");
}

TEST(HeadersTest, SetReplacesEveryFieldOfThatName)
{
    headers h{{"Accept", "a"}, {"X", "1"}, {"accept", "b"}};
    h.set("ACCEPT", "c");
    ASSERT_EQ(h.size(), 2u);
    EXPECT_EQ(h.values("accept"), (std::vector<std::string_view>{"c"}));
    EXPECT_EQ(h.begin()->first, "Accept"); // where the first one was
    h.set(field::user_agent, "ahttp");
    EXPECT_EQ(h.find("User-Agent"), "ahttp");
}

TEST(HeadersTest, EraseRemovesEveryFieldOfThatName)
{
    headers h{{"A", "1"}, {"b", "2"}, {"a", "3"}};
    EXPECT_EQ(h.erase("a"), 2u);
    EXPECT_EQ(h.erase("a"), 0u);
    ASSERT_EQ(h.size(), 1u);
    EXPECT_EQ(h.find("B"), "2");
}

TEST(HeadersTest, AssignCopiesBorrowedFieldsInOrder)
{
    std::string const wire = "Server: x\r\nDate: Sun, 29 Nov 2026 22:45:27 GMT\r\n";
    headers_view view;
    view.add(std::string_view{wire}.substr(0, 6), "x");
    view.add("Date", std::string_view{wire}.substr(17, 29));
    headers h{{"Old", "value"}, {"Older", "v"}, {"Oldest", "v"}};
    h.assign(view);
    ASSERT_EQ(h.size(), 2u);
    EXPECT_EQ(h.entries()[0], (headers::entry{"Server", "x"}));
    EXPECT_EQ(h.entries()[1], (headers::entry{"Date", "Sun, 29 Nov 2026 22:45:27 GMT"}));

    // Growing, then refilling the same shape: the strings are overwritten where they are.
    view.add("Content-Length", "5");
    h.assign(view);
    ASSERT_EQ(h.size(), 3u);
    EXPECT_EQ(h.find(field::content_length), "5");
    char const* const date_storage = h.entries()[1].second.data();
    h.assign(view);
    EXPECT_EQ(h.entries()[1].second.data(), date_storage);
    EXPECT_EQ(h.find("date"), "Sun, 29 Nov 2026 22:45:27 GMT");

    h.assign(headers_view{});
    EXPECT_TRUE(h.empty());
}

TEST(HeadersViewTest, ClearKeepsNothingVisible)
{
    headers_view view;
    view.add("A", "1");
    view.clear();
    EXPECT_TRUE(view.empty());
    EXPECT_FALSE(view.contains("A"));
}

} // namespace
