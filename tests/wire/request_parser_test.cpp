// SPDX-License-Identifier: BSL-1.0
// Tests for the strict HTTP/1.1 request-head parser: every refusal rule, valid heads, limits.
#include "wire/request_parser.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace std::string_literals;
using ahttp::http::method;
using ahttp::http::status;
using ahttp::wire::body_framing;
using ahttp::wire::parse_error;
using ahttp::wire::parse_status;
using ahttp::wire::parser_limits;
using ahttp::wire::request_head;
using ahttp::wire::request_parser;

struct outcome {
    std::unique_ptr<char[]> storage; ///< the parsed bytes; the head's views point here
    parse_status result = parse_status::need_more;
    request_head head;
    parse_error error;
};

// Parses a copy of `input` held in a heap block of exactly its size, so that the views stay
// valid after a temporary input is gone and a sanitizer build catches any read past the end
// (a std::string would hide one behind its terminator).
outcome parse(std::string_view input, parser_limits limits = {})
{
    outcome out;
    out.storage = std::make_unique<char[]>(input.size());
    std::copy(input.begin(), input.end(), out.storage.get());
    out.result =
        request_parser{limits}.parse({out.storage.get(), input.size()}, out.head, out.error);
    return out;
}

// A valid head around one extra field line, so each case shows only what it is about.
std::string with_field(std::string_view field_line)
{
    return "GET / HTTP/1.1\r\nHost: example.com\r\n" + std::string{field_line} + "\r\n\r\n";
}

// ---------------------------------------------------------------------------------------------
// Refusals: every rule, with the status the server must answer.

struct reject_case {
    char const* name;
    std::string input;
    status expected_status;
    std::string_view expected_reason;
};

void PrintTo(reject_case const& c, std::ostream* os)
{
    *os << c.name;
}

std::vector<reject_case> const reject_cases = {
    // Request line: method.
    {"EmptyMethod", " / HTTP/1.1\r\nHost: a\r\n\r\n", status::bad_request, "invalid method"},
    {"MethodWithSeparator", "GE(T / HTTP/1.1\r\nHost: a\r\n\r\n", status::bad_request,
     "invalid method"},
    {"MethodWithCtl", "GE\x01T / HTTP/1.1\r\nHost: a\r\n\r\n", status::bad_request,
     "invalid method"},
    {"MethodWithObsText", "G\xC3\x89T / HTTP/1.1\r\nHost: a\r\n\r\n", status::bad_request,
     "invalid method"},
    {"MethodWithNul", "GE\0T / HTTP/1.1\r\nHost: a\r\n\r\n"s, status::bad_request, "NUL byte"},
    {"TabAfterMethod", "GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n", status::bad_request, "invalid method"},
    {"MethodOnly", "GET\r\n\r\n", status::bad_request, "invalid method"},
    {"LeadingSpace", " GET / HTTP/1.1\r\nHost: a\r\n\r\n", status::bad_request, "invalid method"},
    // Request line: separators and target.
    {"DoubleSpaceAfterMethod", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", status::bad_request,
     "empty request target"},
    {"DoubleSpaceBeforeVersion", "GET /  HTTP/1.1\r\nHost: a\r\n\r\n", status::bad_request,
     "invalid HTTP version"},
    {"TrailingSpaceAfterVersion", "GET / HTTP/1.1 \r\nHost: a\r\n\r\n", status::bad_request,
     "invalid HTTP version"},
    {"SpaceInTarget", "GET /a b HTTP/1.1\r\nHost: a\r\n\r\n", status::bad_request,
     "invalid HTTP version"},
    {"TabInTarget", "GET /a\tb HTTP/1.1\r\nHost: a\r\n\r\n", status::bad_request,
     "invalid request target"},
    {"CtlInTarget", "GET /a\x01 HTTP/1.1\r\nHost: a\r\n\r\n", status::bad_request,
     "invalid request target"},
    {"DelInTarget", "GET /a\x7f HTTP/1.1\r\nHost: a\r\n\r\n", status::bad_request,
     "invalid request target"},
    {"NulInTarget", "GET /a\0 HTTP/1.1\r\nHost: a\r\n\r\n"s, status::bad_request, "NUL byte"},
    {"BareLfInTarget", "GET /a\n HTTP/1.1\r\nHost: a\r\n\r\n", status::bad_request, "bare LF"},
    {"RelativeTarget", "GET a/b HTTP/1.1\r\nHost: a\r\n\r\n", status::bad_request,
     "invalid request target"},
    {"AsteriskFormForGet", "GET * HTTP/1.1\r\nHost: a\r\n\r\n", status::bad_request,
     "invalid request target"},
    {"AuthorityFormForGet", "GET example.com:80 HTTP/1.1\r\nHost: a\r\n\r\n", status::bad_request,
     "invalid request target"},
    {"AbsoluteFormWithoutSlashes", "GET http:example.com HTTP/1.1\r\nHost: a\r\n\r\n",
     status::bad_request, "invalid request target"},
    {"AbsoluteFormWithoutAuthority", "GET http:///path HTTP/1.1\r\nHost: a\r\n\r\n",
     status::bad_request, "invalid request target"},
    {"AbsoluteFormWithUserinfo", "GET http://user@example.com/ HTTP/1.1\r\nHost: a\r\n\r\n",
     status::bad_request, "invalid request target"},
    {"AbsoluteFormWithBadScheme", "GET 1http://example.com/ HTTP/1.1\r\nHost: a\r\n\r\n",
     status::bad_request, "invalid request target"},
    {"OriginFormForConnect", "CONNECT / HTTP/1.1\r\nHost: a\r\n\r\n", status::bad_request,
     "invalid request target"},
    {"AbsoluteFormForConnect", "CONNECT http://a:443 HTTP/1.1\r\nHost: a\r\n\r\n",
     status::bad_request, "invalid request target"},
    {"ConnectWithoutPort", "CONNECT example.com HTTP/1.1\r\nHost: a\r\n\r\n", status::bad_request,
     "invalid request target"},
    {"ConnectWithEmptyPort", "CONNECT example.com: HTTP/1.1\r\nHost: a\r\n\r\n",
     status::bad_request, "invalid request target"},
    {"ConnectWithoutHost", "CONNECT :443 HTTP/1.1\r\nHost: a\r\n\r\n", status::bad_request,
     "invalid request target"},
    {"ConnectWithUserinfo", "CONNECT user@example.com:443 HTTP/1.1\r\nHost: a\r\n\r\n",
     status::bad_request, "invalid request target"},
    {"ConnectWithPath", "CONNECT example.com:443/x HTTP/1.1\r\nHost: a\r\n\r\n",
     status::bad_request, "invalid request target"},
    {"AsteriskFormForConnect", "CONNECT * HTTP/1.1\r\nHost: a\r\n\r\n", status::bad_request,
     "invalid request target"},
    // Request line: version.
    {"MissingVersion", "GET /\r\n\r\n", status::bad_request, "missing HTTP version"},
    {"LowerCaseVersion", "GET / http/1.1\r\nHost: a\r\n\r\n", status::bad_request,
     "invalid HTTP version"},
    {"VersionWithoutMinor", "GET / HTTP/1\r\nHost: a\r\n\r\n", status::bad_request,
     "invalid HTTP version"},
    {"VersionTwoWithoutMinor", "GET / HTTP/2\r\nHost: a\r\n\r\n", status::bad_request,
     "invalid HTTP version"},
    {"VersionTwoDigitMinor", "GET / HTTP/1.10\r\nHost: a\r\n\r\n", status::bad_request,
     "invalid HTTP version"},
    {"VersionTwoDigitMajor", "GET / HTTP/11.1\r\nHost: a\r\n\r\n", status::bad_request,
     "invalid HTTP version"},
    {"VersionWrongName", "GET / HTTPS/1.1\r\nHost: a\r\n\r\n", status::bad_request,
     "invalid HTTP version"},
    {"VersionHttp20", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", status::http_version_not_supported,
     "unsupported HTTP version"},
    {"VersionHttp12", "GET / HTTP/1.2\r\nHost: a\r\n\r\n", status::http_version_not_supported,
     "unsupported HTTP version"},
    {"VersionHttp30", "GET / HTTP/3.0\r\nHost: a\r\n\r\n", status::http_version_not_supported,
     "unsupported HTTP version"},
    {"VersionHttp09", "GET / HTTP/0.9\r\nHost: a\r\n\r\n", status::http_version_not_supported,
     "unsupported HTTP version"},
    // Line endings.
    {"BareLfAfterRequestLine", "GET / HTTP/1.1\nHost: a\r\n\r\n", status::bad_request, "bare LF"},
    {"BareCrAfterRequestLine", "GET / HTTP/1.1\rHost: a\r\n\r\n", status::bad_request, "bare CR"},
    {"LeadingBareLf", "\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", status::bad_request, "bare LF"},
    {"LeadingBareCr", "\rGET / HTTP/1.1\r\nHost: a\r\n\r\n", status::bad_request, "bare CR"},
    {"BareLfAfterField", "GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n", status::bad_request, "bare LF"},
    {"BareCrInFieldValue", with_field("X: a\rb"), status::bad_request, "bare CR"},
    {"BareLfEndsHead", "GET / HTTP/1.1\r\nHost: a\r\n\n", status::bad_request, "bare LF"},
    {"BareCrEndsHead", "GET / HTTP/1.1\r\nHost: a\r\n\rX", status::bad_request, "bare CR"},
    {"BareLfOnlyHead", "GET / HTTP/1.1\nHost: a\n\n", status::bad_request, "bare LF"},
    // Field lines.
    {"ObsFold", with_field("X: a\r\n b"), status::bad_request, "obsolete line folding"},
    {"ObsFoldWithTab", with_field("X: a\r\n\tb"), status::bad_request, "obsolete line folding"},
    {"WhitespaceBeforeFirstField", "GET / HTTP/1.1\r\n Host: a\r\n\r\n", status::bad_request,
     "whitespace before first header field"},
    {"SpaceBeforeColon", with_field("X : a"), status::bad_request, "whitespace before colon"},
    {"TabBeforeColon", with_field("X\t: a"), status::bad_request, "whitespace before colon"},
    {"EmptyFieldName", with_field(": a"), status::bad_request, "empty header name"},
    {"FieldNameWithObsText", with_field("X\xC3\x89: a"), status::bad_request,
     "invalid header name"},
    {"FieldNameWithSeparator", with_field("X/Y: a"), status::bad_request, "invalid header name"},
    {"FieldNameWithNul", with_field(std::string_view{"X\0Y: a", 6}), status::bad_request,
     "NUL byte"},
    {"FieldWithoutColon", with_field("NoColon"), status::bad_request,
     "missing colon in header field"},
    {"NulInFieldValue", with_field(std::string_view{"X: a\0b", 6}), status::bad_request,
     "NUL byte"},
    {"CtlInFieldValue",
     with_field("X: a\x01"
                "b"),
     status::bad_request, "invalid header value"},
    {"VerticalTabInFieldValue", with_field("X: a\x0b"), status::bad_request,
     "invalid header value"},
    {"DelInFieldValue", with_field("X: a\x7f"), status::bad_request, "invalid header value"},
    {"EscapeInFieldValue", with_field("X: \x1b[31m"), status::bad_request, "invalid header value"},
    // Content-Length (RFC 9110 §8.6, RFC 9112 §6.3).
    {"DuplicateContentLength", with_field("Content-Length: 5\r\nContent-Length: 6"),
     status::bad_request, "duplicate Content-Length"},
    {"DuplicateIdenticalContentLength", with_field("Content-Length: 5\r\ncontent-length: 5"),
     status::bad_request, "duplicate Content-Length"},
    {"ContentLengthList", with_field("Content-Length: 5, 5"), status::bad_request,
     "invalid Content-Length"},
    {"ContentLengthPlusSign", with_field("Content-Length: +5"), status::bad_request,
     "invalid Content-Length"},
    {"ContentLengthNegative", with_field("Content-Length: -1"), status::bad_request,
     "invalid Content-Length"},
    {"ContentLengthInnerSpace", with_field("Content-Length: 1 2"), status::bad_request,
     "invalid Content-Length"},
    {"ContentLengthEmpty", with_field("Content-Length: "), status::bad_request,
     "invalid Content-Length"},
    {"ContentLengthHex", with_field("Content-Length: 0x10"), status::bad_request,
     "invalid Content-Length"},
    {"ContentLengthDecimalPoint", with_field("Content-Length: 1.0"), status::bad_request,
     "invalid Content-Length"},
    {"ContentLengthTwoToThe63", with_field("Content-Length: 9223372036854775808"),
     status::bad_request, "invalid Content-Length"},
    {"ContentLengthTwoToThe64", with_field("Content-Length: 18446744073709551616"),
     status::bad_request, "invalid Content-Length"},
    {"ContentLengthHuge", with_field("Content-Length: 99999999999999999999999999"),
     status::bad_request, "invalid Content-Length"},
    // Transfer-Encoding (RFC 9112 §6.1, §6.3, §7).
    {"TransferEncodingAndContentLength",
     with_field("Transfer-Encoding: chunked\r\nContent-Length: 5"), status::bad_request,
     "both Transfer-Encoding and Content-Length"},
    {"ContentLengthAndTransferEncoding",
     with_field("Content-Length: 5\r\nTransfer-Encoding: chunked"), status::bad_request,
     "both Transfer-Encoding and Content-Length"},
    {"TransferEncodingGzip", with_field("Transfer-Encoding: gzip"), status::not_implemented,
     "unsupported transfer coding"},
    {"TransferEncodingCompress", with_field("Transfer-Encoding: compress"), status::not_implemented,
     "unsupported transfer coding"},
    {"TransferEncodingIdentity", with_field("Transfer-Encoding: identity"), status::not_implemented,
     "unsupported transfer coding"},
    {"TransferEncodingUnknown", with_field("Transfer-Encoding: x-custom"), status::not_implemented,
     "unsupported transfer coding"},
    {"TransferEncodingGzipChunked", with_field("Transfer-Encoding: gzip, chunked"),
     status::not_implemented, "unsupported transfer coding"},
    {"TransferEncodingGzipThenChunkedLines",
     with_field("Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked"), status::not_implemented,
     "unsupported transfer coding"},
    {"TransferEncodingChunkedNotFinal", with_field("Transfer-Encoding: chunked, gzip"),
     status::bad_request, "chunked is not the final coding"},
    {"TransferEncodingChunkedNotFinalAcrossLines",
     with_field("Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip"), status::bad_request,
     "chunked is not the final coding"},
    {"TransferEncodingChunkedTwice", with_field("Transfer-Encoding: chunked, chunked"),
     status::bad_request, "chunked applied more than once"},
    {"TransferEncodingChunkedTwiceAcrossLines",
     with_field("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked"), status::bad_request,
     "chunked applied more than once"},
    {"TransferEncodingEmpty", with_field("Transfer-Encoding: "), status::bad_request,
     "invalid Transfer-Encoding"},
    {"TransferEncodingOnlyCommas", with_field("Transfer-Encoding: , ,"), status::bad_request,
     "invalid Transfer-Encoding"},
    {"TransferEncodingWithParameter", with_field("Transfer-Encoding: chunked;q=1"),
     status::bad_request, "invalid Transfer-Encoding"},
    {"TransferEncodingQuoted", with_field("Transfer-Encoding: \"chunked\""), status::bad_request,
     "invalid Transfer-Encoding"},
    {"TransferEncodingInnerSpace", with_field("Transfer-Encoding: chun ked"), status::bad_request,
     "invalid Transfer-Encoding"},
    {"TransferEncodingInHttp10", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
     status::bad_request, "Transfer-Encoding in HTTP/1.0"},
    // Host (RFC 9112 §3.2).
    {"MissingHost", "GET / HTTP/1.1\r\n\r\n", status::bad_request, "missing Host"},
    {"MissingHostAbsoluteForm", "GET http://example.com/ HTTP/1.1\r\n\r\n", status::bad_request,
     "missing Host"},
    {"DuplicateHost", "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", status::bad_request,
     "duplicate Host"},
    {"DuplicateHostHttp10", "GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n", status::bad_request,
     "duplicate Host"},
    {"HostWithSpace", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", status::bad_request, "invalid Host"},
    {"HostWithPath", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", status::bad_request, "invalid Host"},
    {"HostWithUserinfo", "GET / HTTP/1.1\r\nHost: u@a\r\n\r\n", status::bad_request,
     "invalid Host"},
    {"HostWithBadPort", "GET / HTTP/1.1\r\nHost: a:8x\r\n\r\n", status::bad_request,
     "invalid Host"},
    {"HostWithoutName", "GET / HTTP/1.1\r\nHost: :80\r\n\r\n", status::bad_request, "invalid Host"},
    {"HostWithUnclosedLiteral", "GET / HTTP/1.1\r\nHost: [::1\r\n\r\n", status::bad_request,
     "invalid Host"},
    {"HostWithBadPercent", "GET / HTTP/1.1\r\nHost: a%zz\r\n\r\n", status::bad_request,
     "invalid Host"},
    {"HostList", "GET / HTTP/1.1\r\nHost: a, b\r\n\r\n", status::bad_request, "invalid Host"},
    // Found by the differential fuzz target: Beast refuses these, and so do we now.
    {"ConnectionNotATokenList", "GET / HTTP/1.1\r\nHost: a\r\nConnection: ti socket\r\n\r\n",
     status::bad_request, "invalid Connection"},
    {"ConnectionWithObsText",
     "GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\xff\r\nUpgrade: websocket\r\n\r\n",
     status::bad_request, "invalid Connection"},
};

class RequestParserRejectTest : public ::testing::TestWithParam<reject_case> {};

TEST_P(RequestParserRejectTest, RefusesWithExpectedStatus)
{
    reject_case const& c = GetParam();
    outcome const out = parse(c.input);
    ASSERT_EQ(out.result, parse_status::error);
    EXPECT_EQ(out.error.status, c.expected_status);
    EXPECT_EQ(out.error.reason, c.expected_reason);
}

// A prefix sees fewer bytes, so it may need more but must never accept, or refuse for
// another reason.
TEST_P(RequestParserRejectTest, NoPrefixIsAccepted)
{
    reject_case const& c = GetParam();
    for (std::size_t n = 0; n < c.input.size(); ++n) {
        outcome const out = parse(std::string_view{c.input}.substr(0, n));
        ASSERT_NE(out.result, parse_status::complete) << "prefix of " << n << " bytes";
        if (out.result == parse_status::error) {
            ASSERT_EQ(out.error.reason, c.expected_reason) << "prefix of " << n << " bytes";
            ASSERT_EQ(out.error.status, c.expected_status) << "prefix of " << n << " bytes";
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Rules, RequestParserRejectTest, ::testing::ValuesIn(reject_cases),
                         [](::testing::TestParamInfo<reject_case> const& case_info) {
                             return std::string{case_info.param.name};
                         });

// ---------------------------------------------------------------------------------------------
// Valid heads.

TEST(RequestParserTest, ParsesSimpleGet)
{
    std::string const input = "GET /index.html?q=1 HTTP/1.1\r\nHost: example.com\r\n"
                              "User-Agent: curl/8.0\r\nAccept: */*\r\n\r\n";
    outcome const out = parse(input);
    ASSERT_EQ(out.result, parse_status::complete);
    EXPECT_EQ(out.head.method, method::get);
    EXPECT_EQ(out.head.method_token, "GET");
    EXPECT_EQ(out.head.target, "/index.html?q=1");
    EXPECT_EQ(out.head.version_minor, 1);
    EXPECT_EQ(out.head.framing, body_framing::none);
    EXPECT_EQ(out.head.content_length, 0u);
    EXPECT_TRUE(out.head.keep_alive);
    EXPECT_FALSE(out.head.expect_continue);
    EXPECT_FALSE(out.head.upgrade);
    EXPECT_EQ(out.head.head_size, input.size());
    ASSERT_EQ(out.head.fields.size(), 3u);
    auto const& entries = out.head.fields.entries();
    EXPECT_EQ(entries[0].first, "Host");
    EXPECT_EQ(entries[0].second, "example.com");
    EXPECT_EQ(entries[1].first, "User-Agent");
    EXPECT_EQ(entries[1].second, "curl/8.0");
    EXPECT_EQ(entries[2].first, "Accept");
    EXPECT_EQ(entries[2].second, "*/*");
}

TEST(RequestParserTest, ViewsPointIntoInput)
{
    std::string const input = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    request_head head;
    parse_error error;
    ASSERT_EQ(request_parser{}.parse(input, head, error), parse_status::complete);
    EXPECT_EQ(head.method_token.data(), input.data());
    EXPECT_EQ(head.target.data(), input.data() + 4);
    EXPECT_EQ(head.fields.entries()[0].first.data(), input.data() + 16);
    EXPECT_EQ(head.fields.entries()[0].second.data(), input.data() + 22);
}

TEST(RequestParserTest, MapsMethods)
{
    struct sample {
        std::string_view token;
        method expected;
    };
    for (auto const& [token, expected] :
         {sample{"GET", method::get}, sample{"HEAD", method::head}, sample{"POST", method::post},
          sample{"PUT", method::put}, sample{"DELETE", method::delete_},
          sample{"OPTIONS", method::options}, sample{"TRACE", method::trace},
          sample{"PATCH", method::patch}, sample{"PURGE", method::unknown},
          sample{"get", method::unknown}}) {
        std::string const input = std::string{token} + " / HTTP/1.1\r\nHost: a\r\n\r\n";
        outcome const out = parse(input);
        ASSERT_EQ(out.result, parse_status::complete) << token;
        EXPECT_EQ(out.head.method, expected) << token;
        EXPECT_EQ(out.head.method_token, token);
    }
}

TEST(RequestParserTest, AcceptsEveryTokenCharacterInMethod)
{
    outcome const out = parse("!#$%&'*+-.^_`|~09azAZ / HTTP/1.1\r\nHost: a\r\n\r\n");
    ASSERT_EQ(out.result, parse_status::complete);
    EXPECT_EQ(out.head.method, method::unknown);
    EXPECT_EQ(out.head.method_token, "!#$%&'*+-.^_`|~09azAZ");
}

TEST(RequestParserTest, AcceptsTargetForms)
{
    struct sample {
        std::string_view method;
        std::string_view target;
    };
    for (auto const& [m, target] : {
             sample{"GET", "/"},
             sample{"GET", "//double/slash"},
             sample{"GET", "/p?q=a&b=%20c#frag"},
             sample{"GET", "/caf\xC3\xA9"}, // raw UTF-8, as nginx, Go and h11 accept
             sample{"GET", "http://example.com"},
             sample{"GET", "http://example.com/a?b"},
             sample{"GET", "https://example.com:8443/"},
             sample{"GET", "http://[::1]:8080/"},
             sample{"GET", "HTTP://EXAMPLE.COM/"},
             sample{"OPTIONS", "*"},
             sample{"OPTIONS", "/"},
             sample{"CONNECT", "example.com:443"},
             sample{"CONNECT", "[2001:db8::1]:443"},
             sample{"CONNECT", "127.0.0.1:80"},
         }) {
        std::string const input =
            std::string{m} + " " + std::string{target} + " HTTP/1.1\r\nHost: a\r\n\r\n";
        outcome const out = parse(input);
        ASSERT_EQ(out.result, parse_status::complete) << m << ' ' << target;
        EXPECT_EQ(out.head.target, target);
    }
}

TEST(RequestParserTest, ParsesHttp10WithoutHost)
{
    outcome const out = parse("GET / HTTP/1.0\r\n\r\n");
    ASSERT_EQ(out.result, parse_status::complete);
    EXPECT_EQ(out.head.version_minor, 0);
    EXPECT_FALSE(out.head.keep_alive);
    EXPECT_TRUE(out.head.fields.empty());
}

TEST(RequestParserTest, AcceptsEmptyHost)
{
    // RFC 9112 §3.2: an empty Host is what a client sends when the URI has no authority.
    outcome const out = parse("GET / HTTP/1.1\r\nHost:\r\n\r\n");
    ASSERT_EQ(out.result, parse_status::complete);
    EXPECT_EQ(out.head.fields.value_or("host", "x"), "");
}

TEST(RequestParserTest, AcceptsHostForms)
{
    for (std::string_view host :
         {"example.com", "example.com:8080", "example.com:", "127.0.0.1", "[::1]", "[::1]:443",
          "xn--caf-dma.example", "a%41b", "under_score.example"}) {
        outcome const out = parse("GET / HTTP/1.1\r\nHost: " + std::string{host} + "\r\n\r\n");
        ASSERT_EQ(out.result, parse_status::complete) << host;
    }
}

TEST(RequestParserTest, AcceptsConnectionListsWithEmptyElements)
{
    outcome const out = parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: ,close, , Foo\r\n\r\n");
    ASSERT_EQ(out.result, parse_status::complete);
    EXPECT_FALSE(out.head.keep_alive);
}

TEST(RequestParserTest, TrimsFieldValues)
{
    outcome const out = parse(with_field("X-A:   spaced value \t "));
    ASSERT_EQ(out.result, parse_status::complete);
    EXPECT_EQ(out.head.fields.value_or("x-a", ""), "spaced value");
}

TEST(RequestParserTest, AcceptsEmptyValueAndValueWithoutSpace)
{
    outcome const out = parse(with_field("X-Empty:\r\nX-Blank:  \t \r\nX-Tight:v"));
    ASSERT_EQ(out.result, parse_status::complete);
    EXPECT_EQ(out.head.fields.value_or("x-empty", "?"), "");
    EXPECT_EQ(out.head.fields.value_or("x-blank", "?"), "");
    EXPECT_EQ(out.head.fields.value_or("x-tight", "?"), "v");
}

TEST(RequestParserTest, AcceptsObsTextAndInnerTabInValues)
{
    outcome const out = parse(with_field("X-Name: caf\xC3\xA9\tau lait\x80\xFF"));
    ASSERT_EQ(out.result, parse_status::complete);
    EXPECT_EQ(out.head.fields.value_or("x-name", ""), "caf\xC3\xA9\tau lait\x80\xFF");
}

TEST(RequestParserTest, KeepsRepeatedFieldsInOrder)
{
    outcome const out = parse(with_field("Accept: a\r\nX: 1\r\naccept: b"));
    ASSERT_EQ(out.result, parse_status::complete);
    auto const values = out.head.fields.values("Accept");
    ASSERT_EQ(values.size(), 2u);
    EXPECT_EQ(values[0], "a");
    EXPECT_EQ(values[1], "b");
    EXPECT_EQ(out.head.fields.entries()[3].first, "accept"); // names kept as sent
}

TEST(RequestParserTest, SkipsLeadingEmptyLines)
{
    std::string const input = "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n";
    outcome const out = parse(input);
    ASSERT_EQ(out.result, parse_status::complete);
    EXPECT_EQ(out.head.method_token, "GET");
    EXPECT_EQ(out.head.head_size, input.size());
}

TEST(RequestParserTest, ReadsContentLength)
{
    outcome const out = parse(with_field("Content-Length: 42"));
    ASSERT_EQ(out.result, parse_status::complete);
    EXPECT_EQ(out.head.framing, body_framing::content_length);
    EXPECT_EQ(out.head.content_length, 42u);
}

TEST(RequestParserTest, ReadsZeroAndLeadingZeroContentLength)
{
    outcome out = parse(with_field("content-length: 0"));
    ASSERT_EQ(out.result, parse_status::complete);
    EXPECT_EQ(out.head.framing, body_framing::content_length);
    EXPECT_EQ(out.head.content_length, 0u);

    out = parse(with_field("Content-Length: 007"));
    ASSERT_EQ(out.result, parse_status::complete);
    EXPECT_EQ(out.head.content_length, 7u);
}

TEST(RequestParserTest, ReadsLargestContentLength)
{
    outcome const out = parse(with_field("Content-Length: 9223372036854775807"));
    ASSERT_EQ(out.result, parse_status::complete);
    EXPECT_EQ(out.head.content_length, 9223372036854775807u);
}

TEST(RequestParserTest, ReadsChunkedTransferEncoding)
{
    for (std::string_view field :
         {"Transfer-Encoding: chunked", "transfer-encoding: Chunked", "Transfer-Encoding: CHUNKED",
          "Transfer-Encoding: , chunked ,", "Transfer-Encoding:\tchunked\t"}) {
        outcome const out = parse(with_field(field));
        ASSERT_EQ(out.result, parse_status::complete) << field;
        EXPECT_EQ(out.head.framing, body_framing::chunked) << field;
        EXPECT_EQ(out.head.content_length, 0u);
    }
}

TEST(RequestParserTest, DefaultsKeepAliveByVersion)
{
    EXPECT_TRUE(parse("GET / HTTP/1.1\r\nHost: a\r\n\r\n").head.keep_alive);
    EXPECT_FALSE(parse("GET / HTTP/1.0\r\n\r\n").head.keep_alive);
}

TEST(RequestParserTest, HonoursConnectionOptions)
{
    struct sample {
        std::string_view request;
        bool keep_alive;
    };
    for (auto const& [request, keep_alive] : {
             sample{"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", false},
             sample{"GET / HTTP/1.1\r\nHost: a\r\nConnection: CLOSE\r\n\r\n", false},
             sample{"GET / HTTP/1.1\r\nHost: a\r\nConnection: foo, Close\r\n\r\n", false},
             sample{"GET / HTTP/1.1\r\nHost: a\r\nConnection: x\r\nConnection: close\r\n\r\n",
                    false},
             sample{"GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\n\r\n", true},
             sample{"GET / HTTP/1.1\r\nHost: a\r\nConnection: closed\r\n\r\n", true},
             sample{"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true},
             sample{"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true},
             sample{"GET / HTTP/1.0\r\nConnection: KEEP-aLIVE\r\n\r\n", true},
             sample{"GET / HTTP/1.0\r\nConnection: keep_alive\r\n\r\n", false},
             sample{"GET / HTTP/1.1\r\nHost: a\r\nConnection: clo-e\r\n\r\n", true},
             sample{"GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n", false},
             sample{"GET / HTTP/1.0\r\nConnection: upgrade\r\n\r\n", false},
         }) {
        outcome const out = parse(request);
        ASSERT_EQ(out.result, parse_status::complete) << request;
        EXPECT_EQ(out.head.keep_alive, keep_alive) << request;
    }
}

TEST(RequestParserTest, DetectsUpgrade)
{
    outcome out = parse(with_field("Connection: keep-alive, Upgrade\r\nUpgrade: websocket"));
    ASSERT_EQ(out.result, parse_status::complete);
    EXPECT_TRUE(out.head.upgrade);
    EXPECT_TRUE(out.head.keep_alive);

    out = parse(with_field("Connection: upgrade")); // no Upgrade field: nothing to switch to
    ASSERT_EQ(out.result, parse_status::complete);
    EXPECT_FALSE(out.head.upgrade);

    out = parse(with_field("Upgrade: websocket")); // not listed in Connection
    ASSERT_EQ(out.result, parse_status::complete);
    EXPECT_FALSE(out.head.upgrade);

    // RFC 9110 §7.8: an Upgrade in an HTTP/1.0 request is ignored.
    out = parse("GET / HTTP/1.0\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n");
    ASSERT_EQ(out.result, parse_status::complete);
    EXPECT_FALSE(out.head.upgrade);
}

TEST(RequestParserTest, DetectsExpectContinue)
{
    EXPECT_TRUE(parse(with_field("Expect: 100-continue")).head.expect_continue);
    EXPECT_TRUE(parse(with_field("expect: 100-Continue ")).head.expect_continue);
    EXPECT_FALSE(parse(with_field("Expect: 200-ok")).head.expect_continue);
    EXPECT_FALSE(parse(with_field("X-Expect: 100-continue")).head.expect_continue);
    // RFC 9110 §10.1.1: a 100-continue expectation in HTTP/1.0 is ignored.
    EXPECT_FALSE(parse("GET / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n").head.expect_continue);
}

TEST(RequestParserTest, ParsesPipelinedRequests)
{
    std::string const input = "GET /a HTTP/1.1\r\nHost: a\r\n\r\n"
                              "POST /b HTTP/1.1\r\nHost: b\r\nContent-Length: 5\r\n\r\nhello"
                              "GET /c HTTP/1.1\r\nHost: c\r\n\r\n";
    request_parser const parser;
    request_head head;
    parse_error error;
    std::string_view rest = input;

    ASSERT_EQ(parser.parse(rest, head, error), parse_status::complete);
    EXPECT_EQ(head.target, "/a");
    rest.remove_prefix(head.head_size);

    ASSERT_EQ(parser.parse(rest, head, error), parse_status::complete);
    EXPECT_EQ(head.target, "/b");
    EXPECT_EQ(head.fields.size(), 2u); // the first request's fields are gone
    ASSERT_EQ(head.framing, body_framing::content_length);
    EXPECT_EQ(rest.substr(head.head_size, head.content_length), "hello");
    rest.remove_prefix(head.head_size + head.content_length);

    ASSERT_EQ(parser.parse(rest, head, error), parse_status::complete);
    EXPECT_EQ(head.target, "/c");
    EXPECT_EQ(head.head_size, rest.size());
}

TEST(RequestParserTest, ResetsHeadBetweenParses)
{
    request_parser const parser;
    request_head head;
    parse_error error;
    ASSERT_EQ(parser.parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nExpect: "
                           "100-continue\r\nConnection: close, upgrade\r\nUpgrade: x\r\n\r\n",
                           head, error),
              parse_status::complete);
    ASSERT_TRUE(head.upgrade);
    ASSERT_EQ(parser.parse("GET / HTTP/1.1\r\nHost: a\r\n\r\n", head, error),
              parse_status::complete);
    EXPECT_EQ(head.method, method::get);
    EXPECT_EQ(head.framing, body_framing::none);
    EXPECT_EQ(head.content_length, 0u);
    EXPECT_TRUE(head.keep_alive);
    EXPECT_FALSE(head.expect_continue);
    EXPECT_FALSE(head.upgrade);
    EXPECT_EQ(head.fields.size(), 1u);
}

TEST(RequestParserTest, ReusesFieldStorage)
{
    // Zero allocation per request in steady state: the field vector keeps its buffer.
    std::string const input = with_field("A: 1\r\nB: 2\r\nC: 3");
    request_parser const parser;
    request_head head;
    parse_error error;
    ASSERT_EQ(parser.parse(input, head, error), parse_status::complete);
    auto const* const storage = head.fields.entries().data();
    auto const capacity = head.fields.entries().capacity();
    for (int i = 0; i < 100; ++i) {
        ASSERT_EQ(parser.parse(input, head, error), parse_status::complete);
        ASSERT_EQ(head.fields.entries().data(), storage);
        ASSERT_EQ(head.fields.entries().capacity(), capacity);
    }
}

// ---------------------------------------------------------------------------------------------
// Incremental input.

std::vector<std::string> const valid_requests = {
    "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
    "\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
    "GET /index.html HTTP/1.1\r\nHost: example.com\r\nUser-Agent: t\r\nAccept: */*\r\n\r\n",
    "POST /form HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\nConnection: close\r\n\r\n",
    "PUT /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n",
    "GET / HTTP/1.0\r\n\r\n",
    "OPTIONS * HTTP/1.1\r\nHost: a\r\nX:\r\n\r\n",
};

TEST(RequestParserTest, NeedsMoreForEveryPrefix)
{
    for (std::string const& input : valid_requests) {
        for (std::size_t n = 0; n < input.size(); ++n) {
            outcome const out = parse(std::string_view{input}.substr(0, n));
            ASSERT_EQ(out.result, parse_status::need_more)
                << "prefix of " << n << " bytes of " << input;
        }
        outcome const out = parse(input);
        ASSERT_EQ(out.result, parse_status::complete) << input;
        EXPECT_EQ(out.head.head_size, input.size());
    }
}

TEST(RequestParserTest, CompletesOnGrowingBuffer)
{
    // The way a connection uses it: append what arrives, parse again from the start.
    std::string const request = valid_requests[2];
    std::string buffer;
    request_parser const parser;
    request_head head;
    parse_error error;
    parse_status result = parse_status::need_more;
    for (char const c : request) {
        ASSERT_EQ(result, parse_status::need_more);
        buffer.push_back(c);
        result = parser.parse(buffer, head, error);
    }
    ASSERT_EQ(result, parse_status::complete);
    EXPECT_EQ(head.fields.size(), 3u);
    EXPECT_EQ(head.fields.value_or("Accept", ""), "*/*");
}

TEST(RequestParserTest, RefusesGarbageVersionBeforeLineEnds)
{
    // No need to wait for a CRLF to know "XTTP" is not a version.
    outcome const out = parse("GET / XTTP");
    ASSERT_EQ(out.result, parse_status::error);
    EXPECT_EQ(out.error.reason, "invalid HTTP version");
}

TEST(RequestParserTest, RefusesBadHeaderNameBeforeLineEnds)
{
    outcome const out = parse("GET / HTTP/1.1\r\nHost: a\r\nBad Name");
    ASSERT_EQ(out.result, parse_status::error);
    EXPECT_EQ(out.error.reason, "whitespace before colon");
}

// ---------------------------------------------------------------------------------------------
// Limits.

std::string request_line_of_size(std::size_t size)
{
    // "GET " + target + " HTTP/1.1" has size 13 + target size.
    return "GET /" + std::string(size - 14, 'a') + " HTTP/1.1";
}

TEST(RequestParserTest, AcceptsRequestLineAtLimit)
{
    std::string const line = request_line_of_size(8190);
    ASSERT_EQ(line.size(), 8190u);
    outcome const out = parse(line + "\r\nHost: a\r\n\r\n");
    ASSERT_EQ(out.result, parse_status::complete);
    EXPECT_EQ(out.head.target.size(), 8177u);
}

TEST(RequestParserTest, RefusesRequestLineOverLimit)
{
    outcome const out = parse(request_line_of_size(8191) + "\r\nHost: a\r\n\r\n");
    ASSERT_EQ(out.result, parse_status::error);
    EXPECT_EQ(out.error.status, status::uri_too_long);
    EXPECT_EQ(out.error.reason, "request line too long");
}

TEST(RequestParserTest, RefusesLongRequestLineWithoutWaitingForItsEnd)
{
    std::string const line = "GET /" + std::string(20000, 'a');
    // Up to the limit, the line may still end in time.
    EXPECT_EQ(parse(std::string_view{line}.substr(0, 8190)).result, parse_status::need_more);
    // One byte past it without a line end is enough to know.
    outcome const out = parse(std::string_view{line}.substr(0, 8191));
    ASSERT_EQ(out.result, parse_status::error);
    EXPECT_EQ(out.error.status, status::uri_too_long);
}

TEST(RequestParserTest, RefusesLongLineWhileInVersion)
{
    // The version straddles the limit: the line is too long even though it is well formed.
    std::string const line = request_line_of_size(8191);
    outcome const out = parse(std::string_view{line}.substr(0, 8191));
    ASSERT_EQ(out.result, parse_status::error);
    EXPECT_EQ(out.error.status, status::uri_too_long);
}

TEST(RequestParserTest, HonoursCustomLineLimit)
{
    parser_limits const limits{.max_line_size = 16};
    EXPECT_EQ(parse("GET /ab HTTP/1.1\r\nHost: a\r\n\r\n", limits).result,
              parse_status::complete); // 16 bytes
    outcome const out = parse("GET /abc HTTP/1.1\r\nHost: a\r\n\r\n", limits);
    ASSERT_EQ(out.result, parse_status::error);
    EXPECT_EQ(out.error.status, status::uri_too_long);
}

TEST(RequestParserTest, BoundsLeadingEmptyLines)
{
    parser_limits const limits{.max_line_size = 20};
    // Empty lines share the request line's budget: 4 + 16 = 20 is fine, 6 + 16 is not.
    EXPECT_EQ(parse("\r\n\r\nGET /ab HTTP/1.1\r\nHost: a\r\n\r\n", limits).result,
              parse_status::complete);
    outcome out = parse("\r\n\r\n\r\nGET /ab HTTP/1.1\r\nHost: a\r\n\r\n", limits);
    ASSERT_EQ(out.result, parse_status::error);
    EXPECT_EQ(out.error.status, status::uri_too_long);

    std::string flood;
    for (int i = 0; i < 11; ++i) {
        flood += "\r\n";
    }
    out = parse(flood, limits);
    ASSERT_EQ(out.result, parse_status::error);
    EXPECT_EQ(out.error.status, status::bad_request);
    EXPECT_EQ(out.error.reason, "too many empty lines before request line");
    EXPECT_EQ(parse(flood.substr(0, 20), limits).result, parse_status::need_more);
}

std::string field_line_of_size(std::size_t size)
{
    return "X-Long: " + std::string(size - 8, 'v');
}

TEST(RequestParserTest, AcceptsFieldLineAtLimit)
{
    std::string const field = field_line_of_size(8190);
    ASSERT_EQ(field.size(), 8190u);
    outcome const out = parse(with_field(field));
    ASSERT_EQ(out.result, parse_status::complete);
    EXPECT_EQ(out.head.fields.value_or("x-long", "").size(), 8182u);
}

TEST(RequestParserTest, RefusesFieldLineOverLimit)
{
    outcome const out = parse(with_field(field_line_of_size(8191)));
    ASSERT_EQ(out.result, parse_status::error);
    EXPECT_EQ(out.error.status, status::request_header_fields_too_large);
    EXPECT_EQ(out.error.reason, "header field too long");
}

TEST(RequestParserTest, RefusesLongFieldNameOverLimit)
{
    outcome const out = parse(with_field(std::string(8191, 'n') + ": v"));
    ASSERT_EQ(out.result, parse_status::error);
    EXPECT_EQ(out.error.status, status::request_header_fields_too_large);
}

TEST(RequestParserTest, RefusesLongFieldWithoutWaitingForItsEnd)
{
    std::string const head = "GET / HTTP/1.1\r\nHost: a\r\n";
    std::string const input = head + "X: " + std::string(20000, 'v');
    EXPECT_EQ(parse(std::string_view{input}.substr(0, head.size() + 8190)).result,
              parse_status::need_more);
    outcome const out = parse(std::string_view{input}.substr(0, head.size() + 8191));
    ASSERT_EQ(out.result, parse_status::error);
    EXPECT_EQ(out.error.status, status::request_header_fields_too_large);
}

std::string request_with_fields(std::size_t count)
{
    std::string input = "GET / HTTP/1.1\r\nHost: a\r\n";
    for (std::size_t i = 1; i < count; ++i) {
        input += "X-" + std::to_string(i) + ": v\r\n";
    }
    return input + "\r\n";
}

TEST(RequestParserTest, AcceptsFieldCountAtLimit)
{
    outcome const out = parse(request_with_fields(128));
    ASSERT_EQ(out.result, parse_status::complete);
    EXPECT_EQ(out.head.fields.size(), 128u);
}

TEST(RequestParserTest, RefusesFieldCountOverLimit)
{
    outcome const out = parse(request_with_fields(129));
    ASSERT_EQ(out.result, parse_status::error);
    EXPECT_EQ(out.error.status, status::request_header_fields_too_large);
    EXPECT_EQ(out.error.reason, "too many header fields");
}

TEST(RequestParserTest, RefusesExtraFieldOnItsFirstByte)
{
    std::string input = request_with_fields(128);
    input.resize(input.size() - 2); // drop the final CRLF: the head is still open
    EXPECT_EQ(parse(input).result, parse_status::need_more);
    outcome const out = parse(input + "X");
    ASSERT_EQ(out.result, parse_status::error);
    EXPECT_EQ(out.error.status, status::request_header_fields_too_large);
}

TEST(RequestParserTest, HonoursCustomFieldLimits)
{
    parser_limits const limits{.max_field_size = 8, .max_fields = 2};
    EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost: ab\r\nX: 12345\r\n\r\n", limits).result,
              parse_status::complete);
    outcome out = parse("GET / HTTP/1.1\r\nHost: ab\r\nX: 123456\r\n\r\n", limits);
    ASSERT_EQ(out.result, parse_status::error);
    EXPECT_EQ(out.error.status, status::request_header_fields_too_large);
    out = parse("GET / HTTP/1.1\r\nHost: ab\r\nX: 1\r\nY: 2\r\n\r\n", limits);
    ASSERT_EQ(out.result, parse_status::error);
    EXPECT_EQ(out.error.status, status::request_header_fields_too_large);
}

// ---------------------------------------------------------------------------------------------
// Robustness: random damage to valid heads must never crash, read out of bounds (under the
// sanitizer presets) or produce views outside the input.

TEST(RequestParserTest, SurvivesRandomMutations)
{
    std::mt19937 rng{20240229}; // fixed: failures must reproduce
    static constexpr char alphabet_chars[] = "\r\n\t :,;/?#*%@[]\0\x7f\x80\xff"
                                             "aZ09-chunked";
    std::string_view const alphabet{alphabet_chars, sizeof alphabet_chars - 1};
    request_parser const parser;
    request_head head;
    parse_error error;
    for (int i = 0; i < 20000; ++i) {
        std::string input = valid_requests[rng() % valid_requests.size()];
        for (unsigned edits = 1 + rng() % 4; edits != 0; --edits) {
            std::size_t const at = rng() % input.size();
            char const c = alphabet[rng() % alphabet.size()];
            switch (rng() % 3) {
            case 0:
                input[at] = c;
                break;
            case 1:
                input.insert(at, 1, c);
                break;
            default:
                input.erase(at, 1);
                break;
            }
            if (input.empty()) {
                input.push_back('G');
            }
        }
        auto const copy = std::make_unique<char[]>(input.size());
        std::copy(input.begin(), input.end(), copy.get());
        std::string_view const exact{copy.get(), input.size()};
        auto const inside = [&](std::string_view v) {
            return v.empty() ||
                   (v.data() >= exact.data() && v.data() + v.size() <= exact.data() + exact.size());
        };
        parse_status const result = parser.parse(exact, head, error);
        if (result == parse_status::complete) {
            ASSERT_LE(head.head_size, exact.size()) << input;
            ASSERT_TRUE(inside(head.method_token) && inside(head.target)) << input;
            for (auto const& [name, value] : head.fields) {
                ASSERT_TRUE(inside(name) && inside(value)) << input;
            }
            // The head alone is a complete request too: nothing after it was looked at.
            std::size_t const size = head.head_size;
            ASSERT_EQ(parser.parse(exact.substr(0, size), head, error), parse_status::complete);
            ASSERT_EQ(head.head_size, size);
        } else if (result == parse_status::error) {
            ASSERT_FALSE(error.reason.empty());
        }
    }
}

} // namespace
