// SPDX-License-Identifier: BSL-1.0
// Malformed and oversize requests over a real socket: each gets its status, exactly one
// response, and a closed connection (RFC 9112 §6; aiohttp's limits).
#include "support/apps.hpp"
#include "support/raw_client.hpp"

#include <ahttp/testing/test_server.hpp>
#include <ahttp/web.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using ahttp::test::count_responses;
using ahttp::test::parse_response;

struct bad_request_case {
    char const* name;
    std::string bytes;
    int status;
};

std::string many_fields(int n)
{
    std::string fields;
    for (int i = 0; i < n; ++i) {
        fields += "X-F" + std::to_string(i) + ": v\r\n";
    }
    return fields;
}

std::vector<bad_request_case> const cases = {
    {"ContentLengthAndTransferEncoding",
     "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: "
     "chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n",
     400},
    {"DuplicateContentLength",
     "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc", 400},
    {"CommaListContentLength", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 3\r\n\r\nabc",
     400},
    {"SignedContentLength", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: +3\r\n\r\nabc", 400},
    {"HugeContentLength",
     "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n", 400},
    {"InvalidChunkSize",
     "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
     400},
    {"ChunkSizeOverflow",
     "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
     "chunked\r\n\r\n1ffffffffffffffff\r\nx\r\n0\r\n\r\n",
     400},
    {"ObsFold", "GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  folded\r\n\r\n", 400},
    {"BareCarriageReturn", "GET / HTTP/1.1\r\nHost: x\rX-A: 1\r\n\r\n", 400},
    {"BareLineFeed", "GET / HTTP/1.1\nHost: x\r\n\r\n", 400},
    {"NulInValue", std::string("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n", 37), 400},
    {"SpaceBeforeColon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400},
    {"InvalidHeaderName", "GET / HTTP/1.1\r\nHost: x\r\nX(A): 1\r\n\r\n", 400},
    {"MissingHost", "GET / HTTP/1.1\r\n\r\n", 400},
    {"Http09", "GET /\r\n\r\n", 400},
    {"UnknownMajorVersion", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505},
    {"UnknownMinorVersion", "GET / HTTP/1.2\r\nHost: x\r\n\r\n", 505},
    {"UnknownTransferCoding", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
     501},
    // RFC 9112 §6.3: chunked not last in a request means the length is unknowable: 400.
    {"ChunkedNotLast", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
     400},
    {"TransferEncodingInHttp10",
     "POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
    {"RequestLineTooLong", "GET /" + std::string(8200, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n", 414},
    {"FieldTooLong", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(8200, 'b') + "\r\n\r\n",
     431},
    {"TooManyFields", "GET / HTTP/1.1\r\nHost: x\r\n" + many_fields(130) + "\r\n", 431},
    {"DeclaredBodyTooLarge", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n",
     413},
    {"SpaceInTarget", "GET /a b HTTP/1.1\r\nHost: x\r\n\r\n", 400},
    {"TwoSpacesInRequestLine", "GET  / HTTP/1.1\r\nHost: x\r\n\r\n", 400},
};

class ServerFramingTest : public ::testing::TestWithParam<bad_request_case> {};

TEST_P(ServerFramingTest, RefusesWithStatusOneResponseAndClose)
{
    auto const& c = GetParam();
    auto app = ahttp::test::make_demo_app();
    ahttp::testing::test_server server{app};
    ahttp::test::raw_client client{server.port()};
    client.send(c.bytes);
    std::string const raw = client.read_all(); // returns once the server closes
    EXPECT_EQ(parse_response(raw).status, c.status) << raw.substr(0, 200);
    EXPECT_EQ(count_responses(raw), 1) << raw.substr(0, 400);
    EXPECT_EQ(raw.find("smuggled"), std::string::npos);
    EXPECT_NE(parse_response(raw).header("Connection").find("close"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Malformed, ServerFramingTest, ::testing::ValuesIn(cases),
                         [](auto const& test_info) { return std::string{test_info.param.name}; });

TEST(ServerLimitsTest, AcceptsFieldAtExactLimit)
{
    auto app = ahttp::test::make_demo_app();
    ahttp::testing::test_server server{app};
    // "X-Big: " is 7 bytes; the field line without CRLF is exactly 8190.
    auto const r = ahttp::test::request(server.port(), "GET", "/",
                                        "X-Big: " + std::string(8190 - 7, 'b') + "\r\n");
    EXPECT_EQ(r.status, 200);
}

TEST(ServerLimitsTest, LimitsAreConfigurable)
{
    auto app = ahttp::test::make_demo_app({.client_max_size = 10});
    auto options = ahttp::testing::test_server::quiet_options();
    options.limits.max_field_size = 100;
    ahttp::testing::test_server server{app, options};
    EXPECT_EQ(
        ahttp::test::request(server.port(), "GET", "/", "X-Big: " + std::string(200, 'b') + "\r\n")
            .status,
        431);
    EXPECT_EQ(ahttp::test::request(server.port(), "POST", "/echo", {}, std::string(11, 'x')).status,
              413);
    EXPECT_EQ(ahttp::test::request(server.port(), "POST", "/echo", {}, std::string(10, 'x')).status,
              200);
}

TEST(ServerLimitsTest, ChunkedBodyOverClientMaxSizeGets413WhileReading)
{
    auto app = ahttp::test::make_demo_app({.client_max_size = 10});
    ahttp::testing::test_server server{app};
    ahttp::test::raw_client client{server.port()};
    client.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
                "chunked\r\n\r\n8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n");
    auto const raw = client.read_all();
    EXPECT_EQ(parse_response(raw).status, 413) << raw;
    EXPECT_EQ(count_responses(raw), 1);
}

} // namespace
