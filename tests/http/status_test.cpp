// SPDX-License-Identifier: BSL-1.0
// Reason phrases: registered codes by name, anything else "Unknown" (never Beast's
// "<unknown-status>", which would otherwise reach a status line).
#include <ahttp/http/status.hpp>

#include <gtest/gtest.h>

namespace {

using ahttp::http::reason_phrase;
using ahttp::http::status;

TEST(StatusTest, RegisteredCodesHaveTheirPhrase)
{
    EXPECT_EQ(reason_phrase(status::ok), "OK");
    EXPECT_EQ(reason_phrase(status::not_found), "Not Found");
    EXPECT_EQ(reason_phrase(static_cast<status>(418)), "I'm a teapot");
    EXPECT_EQ(reason_phrase(static_cast<status>(421)), "Misdirected Request");
    EXPECT_EQ(reason_phrase(static_cast<status>(425)), "Too Early");
}

TEST(StatusTest, UnregisteredCodesAreUnknown)
{
    for (unsigned code : {299u, 420u, 555u, 999u}) {
        EXPECT_EQ(reason_phrase(static_cast<status>(code)), "Unknown") << code;
    }
}

} // namespace
