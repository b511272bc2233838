// SPDX-License-Identifier: BSL-1.0
#include <ahttp/http/mime_types.hpp>

#include <gtest/gtest.h>

namespace {

using ahttp::http::guess_content_type;

TEST(MimeTypesTest, GuessesFromTheExtension)
{
    EXPECT_EQ(guess_content_type("index.html"), "text/html; charset=utf-8");
    EXPECT_EQ(guess_content_type("/srv/app/site.CSS"), "text/css; charset=utf-8");
    EXPECT_EQ(guess_content_type("a/b.c/logo.svg"), "image/svg+xml");
    EXPECT_EQ(guess_content_type("app.js"), "text/javascript; charset=utf-8");
    EXPECT_EQ(guess_content_type("data.json"), "application/json");
    EXPECT_EQ(guess_content_type("archive.tar.gz"), "application/gzip");
    EXPECT_EQ(guess_content_type("font.woff2"), "font/woff2");
}

TEST(MimeTypesTest, FallsBackForUnknownOrMissingExtensions)
{
    EXPECT_EQ(guess_content_type("README"), "application/octet-stream");
    EXPECT_EQ(guess_content_type(".bashrc"), "application/octet-stream");
    EXPECT_EQ(guess_content_type("file."), "application/octet-stream");
    EXPECT_EQ(guess_content_type("dir.d/file"), "application/octet-stream");
    EXPECT_EQ(guess_content_type("x.unknownextension"), "application/octet-stream");
    EXPECT_EQ(guess_content_type("x.averyveryverylongextension"), "application/octet-stream");
    EXPECT_EQ(guess_content_type("x.zzz", ""), "");
}

} // namespace
