// SPDX-License-Identifier: BSL-1.0
// web::response's factories: body, status and Content-Type of each shape a handler returns.
#include <ahttp/web/response.hpp>

#include <boost/json.hpp>

#include <gtest/gtest.h>

namespace {

namespace web = ahttp::web;

TEST(ResponseTest, JsonTakesSerializedTextValuesAndLiterals)
{
    // A literal used to be ambiguous between the std::string and json::value overloads.
    auto const literal = web::response::json(R"({"ok":true})");
    EXPECT_EQ(literal.body(), R"({"ok":true})");
    EXPECT_EQ(literal.headers().value_or("Content-Type", ""), "application/json");

    auto const text = web::response::json(std::string{"[1,2]"}, ahttp::http::status::created);
    EXPECT_EQ(text.body(), "[1,2]");
    EXPECT_EQ(text.status(), ahttp::http::status::created);

    auto const value = web::response::json(boost::json::object{{"a", 1}});
    EXPECT_EQ(value.body(), R"({"a":1})");
}

TEST(ResponseTest, TextAndHtmlSayTheirCharset)
{
    EXPECT_EQ(web::response::text("hi").headers().value_or("Content-Type", ""),
              "text/plain; charset=utf-8");
    EXPECT_EQ(web::response::html("<p>").headers().value_or("Content-Type", ""),
              "text/html; charset=utf-8");
}

} // namespace
