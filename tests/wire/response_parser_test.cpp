// SPDX-License-Identifier: BSL-1.0
// Tests for the HTTP/1.1 response-head parser: status lines, framing per RFC 9112 §6.3, and
// every refusal.
#include "wire/response_parser.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <string>
#include <string_view>

namespace {

using ahttp::wire::parse_error;
using ahttp::wire::parse_status;
using ahttp::wire::parser_limits;
using ahttp::wire::request_facts;
using ahttp::wire::response_framing;
using ahttp::wire::response_head;
using ahttp::wire::response_parser;

struct response_outcome {
    std::unique_ptr<char[]> storage; ///< exact-size copy: a sanitizer sees any over-read
    parse_status result = parse_status::need_more;
    response_head head;
    parse_error error;
};

response_outcome parse_response(std::string_view input, request_facts request = {},
                                parser_limits limits = {})
{
    response_outcome out;
    out.storage = std::make_unique<char[]>(input.size());
    std::copy(input.begin(), input.end(), out.storage.get());
    out.result = response_parser{limits}.parse({out.storage.get(), input.size()}, out.head,
                                               out.error, request);
    return out;
}

TEST(ResponseParserTest, ParsesStatusLineAndFields)
{
    std::string const input = "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n"
                              "Content-Length:  9 \r\nX-Empty:\r\n\r\nnot found";
    auto const r = parse_response(input);
    ASSERT_EQ(r.result, parse_status::complete) << r.error.reason;
    EXPECT_EQ(r.head.status, 404u);
    EXPECT_EQ(r.head.reason, "Not Found");
    EXPECT_EQ(r.head.version_minor, 1);
    EXPECT_EQ(r.head.framing, response_framing::content_length);
    EXPECT_EQ(r.head.content_length, 9u);
    EXPECT_TRUE(r.head.keep_alive);
    EXPECT_EQ(r.head.fields.value_or("content-type", ""), "text/plain");
    EXPECT_EQ(r.head.fields.value_or("x-empty", "?"), "");
    EXPECT_EQ(r.head.head_size, input.size() - 9);
}

TEST(ResponseParserTest, AcceptsEmptyOrMissingReason)
{
    EXPECT_EQ(parse_response("HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n").head.reason, "");
    auto const bare = parse_response("HTTP/1.1 204\r\n\r\n");
    ASSERT_EQ(bare.result, parse_status::complete) << bare.error.reason;
    EXPECT_EQ(bare.head.status, 204u);
    EXPECT_EQ(parse_response("HTTP/1.1 200 OK \t fine\r\nContent-Length: 0\r\n\r\n").head.reason,
              "OK \t fine");
}

// The client looks up cookies and the content coding only when the parser saw the field:
// a miss here would drop a cookie or hand out a still-compressed body.
TEST(ResponseParserTest, NotesSetCookieAndContentEncodingInAnyCase)
{
    auto const plain = parse_response("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\n"
                                      "Content-Length: 0\r\n\r\n");
    ASSERT_EQ(plain.result, parse_status::complete) << plain.error.reason;
    EXPECT_FALSE(plain.head.has_set_cookie);
    EXPECT_FALSE(plain.head.has_content_encoding);

    auto const both = parse_response("HTTP/1.1 200 OK\r\nSET-COOKIE: a=1\r\n"
                                     "content-Encoding: gzip\r\nContent-Length: 0\r\n\r\n");
    ASSERT_EQ(both.result, parse_status::complete) << both.error.reason;
    EXPECT_TRUE(both.head.has_set_cookie);
    EXPECT_TRUE(both.head.has_content_encoding);

    // Reused for the next response (as the client does), the notes start over.
    response_head head = both.head;
    parse_error error;
    std::string const next = "HTTP/1.1 204 No Content\r\n\r\n";
    ASSERT_EQ(response_parser{}.parse(next, head, error), parse_status::complete);
    EXPECT_FALSE(head.has_set_cookie);
    EXPECT_FALSE(head.has_content_encoding);
}

struct framing_case {
    char const* name;
    std::string input;
    request_facts request;
    response_framing framing;
    bool keep_alive;
};

class ResponseFramingTest : public ::testing::TestWithParam<framing_case> {};

TEST_P(ResponseFramingTest, DelimitsTheBody)
{
    auto const& c = GetParam();
    auto const r = parse_response(c.input, c.request);
    ASSERT_EQ(r.result, parse_status::complete) << r.error.reason;
    EXPECT_EQ(r.head.framing, c.framing);
    EXPECT_EQ(r.head.keep_alive, c.keep_alive);
}

INSTANTIATE_TEST_SUITE_P(
    Framing, ResponseFramingTest,
    ::testing::Values(
        framing_case{"Length",
                     "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n",
                     {},
                     response_framing::content_length,
                     true},
        framing_case{"IdenticalDuplicateLength",
                     "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n",
                     {},
                     response_framing::content_length,
                     true},
        framing_case{"Chunked",
                     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                     {},
                     response_framing::chunked,
                     true},
        framing_case{"ChunkedAnyCase",
                     "HTTP/1.1 200 OK\r\ntransfer-encoding: CHUNKED\r\n\r\n",
                     {},
                     response_framing::chunked,
                     true},
        framing_case{
            "UntilClose", "HTTP/1.1 200 OK\r\n\r\n", {}, response_framing::until_close, false},
        framing_case{"Http10UntilClose",
                     "HTTP/1.0 200 OK\r\n\r\n",
                     {},
                     response_framing::until_close,
                     false},
        framing_case{"Http10LengthClosesByDefault",
                     "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\n",
                     {},
                     response_framing::content_length,
                     false},
        framing_case{"Http10KeepAlive",
                     "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\n",
                     {},
                     response_framing::content_length,
                     true},
        framing_case{"ConnectionClose",
                     "HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 1\r\n\r\n",
                     {},
                     response_framing::content_length,
                     false},
        framing_case{"NoContent",
                     "HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\n",
                     {},
                     response_framing::none,
                     true},
        framing_case{"NotModifiedKeepsLengthOfRepresentation",
                     "HTTP/1.1 304 Not Modified\r\nContent-Length: 7000\r\n\r\n",
                     {},
                     response_framing::none,
                     true},
        framing_case{"Continue", "HTTP/1.1 100 Continue\r\n\r\n", {}, response_framing::none, true},
        framing_case{"SwitchingProtocols",
                     "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\n\r\n",
                     {},
                     response_framing::none,
                     true},
        framing_case{"HeadResponse", "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n",
                     request_facts{.head = true}, response_framing::none, true},
        framing_case{"HeadResponseChunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                     request_facts{.head = true}, response_framing::none, true},
        framing_case{"ConnectTunnel", "HTTP/1.1 200 Connection established\r\n\r\n",
                     request_facts{.connect = true}, response_framing::none, true},
        framing_case{"ConnectRefused", "HTTP/1.1 407 Proxy Auth\r\nContent-Length: 0\r\n\r\n",
                     request_facts{.connect = true}, response_framing::content_length, true}),
    [](auto const& test_info) { return std::string{test_info.param.name}; });

struct response_reject_case {
    char const* name;
    std::string input;
    std::string_view reason;
};

class ResponseRejectTest : public ::testing::TestWithParam<response_reject_case> {};

TEST_P(ResponseRejectTest, Refuses)
{
    auto const& c = GetParam();
    auto const r = parse_response(c.input);
    ASSERT_EQ(r.result, parse_status::error);
    EXPECT_EQ(r.error.reason, c.reason);
}

INSTANTIATE_TEST_SUITE_P(
    Refusals, ResponseRejectTest,
    ::testing::Values(
        response_reject_case{"NotHttp", "SSH-2.0-OpenSSH\r\n\r\n", "invalid status line"},
        response_reject_case{"LowerCaseVersion", "http/1.1 200 OK\r\n\r\n", "invalid status line"},
        response_reject_case{"Http2", "HTTP/2.0 200 OK\r\n\r\n", "unsupported HTTP version"},
        response_reject_case{"Http09", "HTTP/0.9 200 OK\r\n\r\n", "unsupported HTTP version"},
        response_reject_case{"TwoDigitStatus", "HTTP/1.1 20 OK\r\n\r\n", "invalid status line"},
        response_reject_case{"FourDigitStatus", "HTTP/1.1 2000 OK\r\n\r\n", "invalid status line"},
        response_reject_case{"StatusBelow100", "HTTP/1.1 099 Odd\r\n\r\n", "invalid status code"},
        response_reject_case{"BareLfAfterStatus", "HTTP/1.1 200 OK\n\r\n", "bare LF"},
        response_reject_case{"BareCrAfterStatus", "HTTP/1.1 200 OK\rX\r\n\r\n", "bare CR"},
        response_reject_case{"NulInReason", std::string{"HTTP/1.1 200 O\0K\r\n\r\n", 19},
                             "NUL byte"},
        response_reject_case{"ObsFold", "HTTP/1.1 200 OK\r\nA: b\r\n c\r\n\r\n",
                             "obsolete line folding"},
        response_reject_case{"SpaceBeforeColon", "HTTP/1.1 200 OK\r\nA : b\r\n\r\n",
                             "whitespace before colon"},
        response_reject_case{
            "LengthAndChunked",
            "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
            "both Transfer-Encoding and Content-Length"},
        response_reject_case{"DifferentLengths",
                             "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
                             "invalid Content-Length"},
        response_reject_case{"LengthList", "HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\n\r\n",
                             "invalid Content-Length"},
        response_reject_case{"NegativeLength", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
                             "invalid Content-Length"},
        response_reject_case{"HugeLength",
                             "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
                             "invalid Content-Length"},
        response_reject_case{"GzipTransferCoding",
                             "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
                             "unsupported transfer coding"},
        response_reject_case{"ChunkedTwice",
                             "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
                             "invalid Transfer-Encoding"},
        response_reject_case{"TransferEncodingIn10",
                             "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                             "Transfer-Encoding in HTTP/1.0"}),
    [](auto const& test_info) { return std::string{test_info.param.name}; });

// The field scanners take 16 bytes at a time: every byte value at every position of a long
// name or value must get the verdict the grammar gives it (RFC 9110 §5.1, §5.5).
bool is_tchar_byte(unsigned char c)
{
    bool const alnum = c < 0x80 && std::isalnum(c) != 0;
    return alnum ||
           std::string_view{"!#$%&'*+-.^_`|~"}.find(static_cast<char>(c)) != std::string_view::npos;
}

TEST(ResponseParserTest, JudgesEveryByteOfALongNameWherePutInIt)
{
    for (std::size_t at = 0; at < 40; ++at) {
        for (int b = 0; b < 256; ++b) {
            auto const c = static_cast<unsigned char>(b);
            if (c == ':' || (at == 0 && (c == '\r' || c == ' ' || c == '\t'))) {
                continue; // ends the name early, or the head, or is a fold: other verdicts
            }
            std::string name(40, 'n');
            name[at] = static_cast<char>(c);
            auto const r = parse_response("HTTP/1.1 200 OK\r\n" + name + ": v\r\n\r\n");
            if (is_tchar_byte(c)) {
                ASSERT_EQ(r.result, parse_status::complete) << at << ' ' << b << r.error.reason;
                ASSERT_EQ(r.head.fields.entries().at(0).first, name) << at << ' ' << b;
            } else {
                ASSERT_EQ(r.result, parse_status::error) << at << ' ' << b;
            }
        }
    }
}

TEST(ResponseParserTest, JudgesEveryByteOfALongValueWherePutInIt)
{
    for (std::size_t at = 0; at < 40; ++at) {
        for (int b = 0; b < 256; ++b) {
            auto const c = static_cast<unsigned char>(b);
            std::string value(40, 'v');
            value[at] = static_cast<char>(c);
            auto const r = parse_response("HTTP/1.1 200 OK\r\nX-Long: " + value +
                                          "\r\nContent-Length: 0\r\n\r\n");
            bool const allowed = c == '\t' || (c >= 0x20 && c != 0x7f);
            if (allowed) {
                ASSERT_EQ(r.result, parse_status::complete) << at << ' ' << b << r.error.reason;
                // Whitespace at either end is not part of the value (OWS).
                bool const edge = (at == 0 || at == 39) && (c == ' ' || c == '\t');
                std::string expected = value;
                if (edge) {
                    expected.erase(at, 1);
                }
                ASSERT_EQ(r.head.fields.value_or("x-long", "?"), expected) << at << ' ' << b;
                ASSERT_EQ(r.head.content_length, 0u);
            } else {
                ASSERT_EQ(r.result, parse_status::error) << at << ' ' << b;
            }
        }
    }
}

TEST(ResponseParserTest, NeedsMoreAtEveryPrefix)
{
    std::string const input = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                              "Transfer-Encoding: chunked\r\n\r\n";
    for (std::size_t n = 0; n < input.size(); ++n) {
        auto const r = parse_response(std::string_view{input}.substr(0, n));
        EXPECT_EQ(r.result, parse_status::need_more) << n;
    }
    EXPECT_EQ(parse_response(input).result, parse_status::complete);
}

TEST(ResponseParserTest, EnforcesLimits)
{
    parser_limits limits;
    limits.max_line_size = 32;
    limits.max_field_size = 32;
    limits.max_fields = 2;
    EXPECT_EQ(parse_response("HTTP/1.1 200 " + std::string(40, 'x') + "\r\n\r\n", {}, limits)
                  .error.reason,
              "status line too long");
    // Decided before the line ends: a server cannot make us buffer an endless status line.
    EXPECT_EQ(parse_response("HTTP/1.1 200 " + std::string(40, 'x'), {}, limits).result,
              parse_status::error);
    EXPECT_EQ(
        parse_response("HTTP/1.1 200 OK\r\nA: " + std::string(40, 'x') + "\r\n\r\n", {}, limits)
            .error.reason,
        "header field too long");
    EXPECT_EQ(
        parse_response("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", {}, limits).error.reason,
        "too many header fields");
}

} // namespace
