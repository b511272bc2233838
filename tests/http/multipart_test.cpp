// SPDX-License-Identifier: BSL-1.0
// Tests for the multipart boundary and Content-Disposition parsers and the incremental
// multipart parser: every split of the input, CRLF rules, limits, binary content.
#include <ahttp/http/multipart.hpp>

#include <gtest/gtest.h>

#include <cstddef>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace http = ahttp::http;
using event = http::multipart_parser::event;

// ---- multipart_boundary -------------------------------------------------------------------

struct boundary_case {
    std::string_view content_type;
    std::string_view boundary; // empty: an error is expected
};

TEST(MultipartBoundaryTest, AcceptsValidAndRejectsInvalidBoundaries)
{
    std::string const seventy(70, 'b');
    std::string const seventy_one(71, 'b');
    std::string const at_limit = "multipart/form-data; boundary=" + seventy;
    std::string const over_limit = "multipart/form-data; boundary=" + seventy_one;
    boundary_case const cases[] = {
        {"multipart/form-data; boundary=abc", "abc"},
        {"multipart/form-data;boundary=abc", "abc"},
        {"multipart/form-data; boundary=\"abc\"", "abc"},
        {"multipart/form-data; boundary=\"a b:c/d=e?f\"", "a b:c/d=e?f"},
        {"Multipart/Form-Data; charset=utf-8; BOUNDARY=----WebKitFormBoundaryx7Y",
         "----WebKitFormBoundaryx7Y"},
        {"multipart/mixed; boundary=gc0p4Jq0M2Yt08jU534c0p", "gc0p4Jq0M2Yt08jU534c0p"},
        {"multipart/form-data; boundary=abc ; charset=utf-8", "abc"},
        // "\b" stays verbatim (a backslash escapes only the quote and itself); "\" is no bchar.
        {"multipart/form-data; boundary=\"a\\bc\"", ""},
        {at_limit, seventy},
        {over_limit, ""},
        {"multipart/form-data", ""},
        {"multipart/form-data; boundary=", ""},
        {"multipart/form-data; boundary=\"\"", ""},
        {"multipart/form-data; boundary=\"abc \"", ""}, // a space may not end it
        {"multipart/form-data; boundary=\"a@b\"", ""},  // '@' is not a bchar
        {"multipart/form-data; boundary=\"abc", ""},    // unterminated quote
        {"multipart/form-data; boundary=a; boundary=b", ""},
        {"text/plain; boundary=abc", ""},
        {"multipart; boundary=abc", ""},
        {"", ""},
    };
    for (auto const& c : cases) {
        auto const got = http::multipart_boundary(c.content_type);
        if (c.boundary.empty()) {
            EXPECT_FALSE(got) << c.content_type;
        } else {
            ASSERT_TRUE(got) << c.content_type;
            EXPECT_EQ(*got, c.boundary) << c.content_type;
        }
    }
}

// ---- parse_content_disposition -----------------------------------------------------------

TEST(ContentDispositionTest, ParsesNameAndFilename)
{
    auto const d = http::parse_content_disposition(R"(form-data; name="file"; filename="a b.txt")");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->type, "form-data");
    EXPECT_EQ(d->name, "file");
    EXPECT_EQ(d->filename, "a b.txt");

    auto const plain = http::parse_content_disposition("Form-Data; NAME=field");
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->type, "form-data");
    EXPECT_EQ(plain->name, "field");
    EXPECT_FALSE(plain->filename);

    auto const empty = http::parse_content_disposition(R"(form-data; name="f"; filename="")");
    ASSERT_TRUE(empty);
    EXPECT_EQ(empty->filename, "");
}

TEST(ContentDispositionTest, HandlesQuotingAndBackslashes)
{
    auto const quote =
        http::parse_content_disposition(R"(form-data; name="a\"b"; filename="x\\y")");
    ASSERT_TRUE(quote);
    EXPECT_EQ(quote->name, "a\"b");
    EXPECT_EQ(quote->filename, "x\\y");
    // Old browsers send Windows paths unescaped: a backslash before other characters stays.
    auto const windows =
        http::parse_content_disposition(R"(form-data; name=f; filename="C:\dir\new.txt")");
    ASSERT_TRUE(windows);
    EXPECT_EQ(windows->filename, R"(C:\dir\new.txt)");
    // Browsers percent-encode quotes in names (WHATWG); we keep what was sent.
    auto const browser =
        http::parse_content_disposition(R"(form-data; name="a%22b"; filename="q%22.txt")");
    ASSERT_TRUE(browser);
    EXPECT_EQ(browser->name, "a%22b");
    EXPECT_EQ(browser->filename, "q%22.txt");
    auto const semicolon =
        http::parse_content_disposition(R"(form-data; name="a;b" ; filename="c;d")");
    ASSERT_TRUE(semicolon);
    EXPECT_EQ(semicolon->name, "a;b");
    EXPECT_EQ(semicolon->filename, "c;d");
}

TEST(ContentDispositionTest, PrefersUsableExtendedFilename)
{
    auto const utf8 = http::parse_content_disposition(
        "form-data; name=f; filename=\"euro.txt\"; filename*=UTF-8''%E2%82%AC%20rates.txt");
    ASSERT_TRUE(utf8);
    EXPECT_EQ(utf8->filename, "\xE2\x82\xAC rates.txt");
    auto const latin1 =
        http::parse_content_disposition("attachment; filename*=iso-8859-1'en'%A3%20rates");
    ASSERT_TRUE(latin1);
    EXPECT_EQ(latin1->type, "attachment");
    EXPECT_EQ(latin1->filename, "\xC2\xA3 rates");
    auto const unknown = http::parse_content_disposition(
        "form-data; name=f; filename=plain.txt; filename*=koi8-r''%C1");
    ASSERT_TRUE(unknown);
    EXPECT_EQ(unknown->filename, "plain.txt");
    auto const broken = http::parse_content_disposition(
        "form-data; name=f; filename=p.txt; filename*=UTF-8''%E2%8");
    ASSERT_TRUE(broken);
    EXPECT_EQ(broken->filename, "p.txt");
}

TEST(ContentDispositionTest, RejectsMalformedValues)
{
    for (std::string_view const bad : {
             "",
             "; name=a",
             "form-data; name",
             "form-data; name=\"unterminated",
             "form-data; name=a; name=b",
             "form-data; filename=a; filename=b",
             "form-data; name=a b",
             "form-data; name=\"a\rb\"",
             "form-data name=a",
         }) {
        EXPECT_FALSE(http::parse_content_disposition(bad)) << bad;
    }
}

// ---- multipart_parser ---------------------------------------------------------------------

struct part {
    std::string headers; // "Name: value\n" per field
    std::string content;
    bool ended = false;
    bool operator==(part const&) const = default;
};

struct outcome {
    std::vector<part> parts;
    bool done = false;
    std::string error; // the parser's message; empty on success
    bool operator==(outcome const&) const = default;
};

std::ostream& operator<<(std::ostream& os, outcome const& o)
{
    os << "{done=" << o.done << " error='" << o.error << "' parts=[";
    for (auto const& p : o.parts) {
        os << "{" << p.headers << "|" << p.content.size() << " bytes|" << p.ended << "}";
    }
    return os << "]}";
}

/// Feeds `pieces` in order, then reports the end of input; records every event.
outcome run_pieces(std::string_view boundary, std::vector<std::string_view> const& pieces,
                   http::multipart_parser_options options = {})
{
    http::multipart_parser parser{boundary, options};
    outcome out;
    for (std::string_view input : pieces) {
        do {
            auto const step = parser.parse(input);
            if (!step) {
                out.error = parser.error_message();
                return out;
            }
            EXPECT_LE(step->consumed, input.size());
            input.remove_prefix(step->consumed);
            switch (step->what) {
            case event::part_begin: {
                part p;
                for (auto const& [name, value] : parser.headers()) {
                    p.headers.append(name).append(": ").append(value).append("\n");
                }
                out.parts.push_back(std::move(p));
                break;
            }
            case event::data:
                EXPECT_FALSE(step->data.empty());
                EXPECT_FALSE(out.parts.empty());
                if (!out.parts.empty()) {
                    out.parts.back().content.append(step->data);
                }
                break;
            case event::part_end:
                if (!out.parts.empty()) {
                    out.parts.back().ended = true;
                }
                break;
            case event::done:
                out.done = true;
                break;
            case event::need_more:
                EXPECT_TRUE(input.empty());
                break;
            }
        } while (!input.empty());
    }
    if (!parser.finish()) {
        out.error = parser.error_message();
    }
    return out;
}

outcome run_whole(std::string_view boundary, std::string_view body,
                  http::multipart_parser_options options = {})
{
    return run_pieces(boundary, {body}, options);
}

/// The same body split in two at every offset, and fed one byte at a time, must give the
/// same outcome as in one piece.
void expect_split_invariant(std::string_view boundary, std::string_view body,
                            http::multipart_parser_options options = {})
{
    outcome const whole = run_whole(boundary, body, options);
    for (std::size_t i = 0; i <= body.size(); ++i) {
        EXPECT_EQ(run_pieces(boundary, {body.substr(0, i), body.substr(i)}, options), whole)
            << "split at " << i;
    }
    std::vector<std::string_view> bytes;
    for (std::size_t i = 0; i < body.size(); ++i) {
        bytes.push_back(body.substr(i, 1));
    }
    EXPECT_EQ(run_pieces(boundary, bytes, options), whole) << "byte by byte";
}

struct parser_case {
    char const* label;
    std::string body;
    outcome expected;
};

std::vector<parser_case> valid_cases()
{
    return {
        {"two fields",
         "--XyZ\r\n"
         "Content-Disposition: form-data; name=\"a\"\r\n"
         "\r\n"
         "one\r\n"
         "--XyZ\r\n"
         "Content-Disposition: form-data; name=\"b\"; filename=\"b.txt\"\r\n"
         "Content-Type: text/plain\r\n"
         "\r\n"
         "two\r\nlines\r\n"
         "--XyZ--\r\n",
         {{{"Content-Disposition: form-data; name=\"a\"\n", "one", true},
           {"Content-Disposition: form-data; name=\"b\"; filename=\"b.txt\"\n"
            "Content-Type: text/plain\n",
            "two\r\nlines", true}},
          true,
          ""}},
        {"preamble, padding and epilogue",
         "This is the preamble.\r\nIt has --XyZ inside a line.\r\n"
         "--XyZ \t\r\n"
         "X-A:  spaced value \t\r\n"
         "\r\n"
         "body\r\n"
         "--XyZ--  \r\n"
         "epilogue \r\n--XyZ\r\n ignored",
         {{{"X-A: spaced value\n", "body", true}}, true, ""}},
        {"preamble starting with CRLF",
         "\r\n--XyZ\r\n\r\nc\r\n--XyZ--",
         {{{"", "c", true}}, true, ""}},
        {"empty content and no headers",
         "--XyZ\r\n"
         "\r\n"
         "\r\n"
         "--XyZ\r\n"
         "A: 1\r\n"
         "\r\n"
         "\r\n"
         "--XyZ--",
         {{{"", "", true}, {"A: 1\n", "", true}}, true, ""}},
        {"content that looks like boundaries",
         "--XyZ\r\n"
         "\r\n"
         "--XyX at the start, --XyZ without CRLF before, \r\n--XyX, \r\n--Xy, \r\r\n--Xy\r\n-"
         "\n--XyZ (bare LF), \r\n-\r\n--\r\n--Xy\r\r\n\r\n"
         "\r\n--XyZ--",
         {{{"",
            "--XyX at the start, --XyZ without CRLF before, \r\n--XyX, \r\n--Xy, \r\r\n--Xy\r\n-"
            "\n--XyZ (bare LF), \r\n-\r\n--\r\n--Xy\r\r\n\r\n",
            true}},
          true,
          ""}},
        {"content starting with a dash or CRLF",
         "--XyZ\r\n\r\n-x\r\n--XyZ\r\n\r\n\r\nx\r\n--XyZ\r\n\r\n\r\n\r\n--XyZ--",
         {{{"", "-x", true}, {"", "\r\nx", true}, {"", "\r\n", true}}, true, ""}},
        {"headers right before the delimiter (RFC 2046: [CRLF *OCTET] is optional)",
         "--XyZ\r\nA: 1\r\n\r\n--XyZ\r\n\r\n--XyZ--",
         {{{"A: 1\n", "", true}, {"", "", true}}, true, ""}},
        {"zero parts", "--XyZ--\r\n", {{}, true, ""}},
        {"close delimiter without trailing CRLF",
         "--XyZ\r\nA: b\r\n\r\nx\r\n--XyZ--",
         {{{"A: b\n", "x", true}}, true, ""}},
        {"obs-text in values",
         "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"\xC3\xA9.txt\"\r\n\r\n"
         "\xC3\xA9\r\n--XyZ--",
         {{{"Content-Disposition: form-data; name=\"f\"; filename=\"\xC3\xA9.txt\"\n", "\xC3\xA9",
            true}},
          true,
          ""}},
    };
}

TEST(MultipartParserTest, ParsesValidBodiesAtEverySplit)
{
    for (auto const& c : valid_cases()) {
        SCOPED_TRACE(c.label);
        EXPECT_EQ(run_whole("XyZ", c.body), c.expected);
        expect_split_invariant("XyZ", c.body);
    }
}

std::vector<parser_case> invalid_cases()
{
    return {
        {"no boundary at all",
         "just text, no boundary\r\n",
         {{}, false, "body ended before the closing boundary"}},
        {"empty body", "", {{}, false, "body ended before the closing boundary"}},
        {"missing closing boundary",
         "--XyZ\r\n\r\ncontent\r\n",
         {{{"", "content", false}}, false, "body ended before the closing boundary"}},
        {"ends in the headers",
         "--XyZ\r\nA: b\r\n",
         {{}, false, "body ended before the closing boundary"}},
        {"ends after a delimiter",
         "--XyZ\r\n\r\nc\r\n--XyZ",
         {{{"", "c", true}}, false, "body ended before the closing boundary"}},
        {"bare LF after the boundary",
         "--XyZ\nA: b\r\n\r\nc\r\n--XyZ--",
         {{}, false, "invalid characters after a boundary"}},
        {"CR without LF after the boundary",
         "--XyZ\rA: b\r\n\r\nc\r\n--XyZ--",
         {{}, false, "boundary line not ended by CRLF"}},
        {"longer boundary in the content",
         "--XyZ\r\n\r\nc\r\n--XyZW\r\n\r\n--XyZ--",
         {{{"", "c", true}}, false, "invalid characters after a boundary"}},
        {"single dash after the boundary",
         "--XyZ\r\n\r\nc\r\n--XyZ-x",
         {{{"", "c", true}}, false, "invalid characters after a boundary"}},
        {"folded header",
         "--XyZ\r\nA: b\r\n c\r\n\r\nx\r\n--XyZ--",
         {{}, false, "folded part header line"}},
        {"header without colon",
         "--XyZ\r\nno colon here\r\n\r\nx\r\n--XyZ--",
         {{}, false, "malformed part header line"}},
        {"empty header name",
         "--XyZ\r\n: v\r\n\r\nx\r\n--XyZ--",
         {{}, false, "malformed part header line"}},
        {"space in header name",
         "--XyZ\r\nA B: v\r\n\r\nx\r\n--XyZ--",
         {{}, false, "invalid part header name"}},
        {"bare LF inside headers",
         "--XyZ\r\nA: b\nC: d\r\n\r\nx\r\n--XyZ--",
         {{}, false, "control character in a part header"}},
        {"NUL in a header value",
         std::string{"--XyZ\r\nA: b\0c\r\n\r\nx\r\n--XyZ--", 27},
         {{}, false, "control character in a part header"}},
    };
}

TEST(MultipartParserTest, RejectsMalformedBodiesAtEverySplit)
{
    for (auto const& c : invalid_cases()) {
        SCOPED_TRACE(c.label);
        EXPECT_EQ(run_whole("XyZ", c.body), c.expected);
        expect_split_invariant("XyZ", c.body);
    }
}

TEST(MultipartParserTest, StaysFailedAfterAnError)
{
    http::multipart_parser parser{"b"};
    auto const first = parser.parse("--b\n");
    ASSERT_FALSE(first);
    EXPECT_EQ(first.error(), ahttp::make_error_code(ahttp::errc::bad_request));
    EXPECT_TRUE(parser.failed());
    EXPECT_FALSE(parser.parse("--b\r\n\r\n\r\n--b--"));
    EXPECT_FALSE(parser.finish());
}

TEST(MultipartParserTest, ConsumesEverythingOnceDone)
{
    http::multipart_parser parser{"b"};
    auto const step = parser.parse("--b--\r\nepilogue");
    ASSERT_TRUE(step);
    EXPECT_EQ(step->what, event::done);
    EXPECT_EQ(step->consumed, 15u);
    auto const again = parser.parse("more epilogue");
    ASSERT_TRUE(again);
    EXPECT_EQ(again->what, event::done);
    EXPECT_EQ(again->consumed, 13u);
    EXPECT_TRUE(parser.finish());
}

TEST(MultipartParserTest, BoundsTheHeaderBlock)
{
    http::multipart_parser_options const options{.max_header_size = 64};
    std::string const fits = "--b\r\nA: " + std::string(64 - 3 - 4, 'x') + "\r\n\r\n\r\n--b--";
    EXPECT_EQ(run_whole("b", fits, options).error, "");
    std::string const too_long =
        "--b\r\nA: " + std::string(64 - 3 - 4 + 1, 'x') + "\r\n\r\n\r\n--b--";
    EXPECT_EQ(run_whole("b", too_long, options).error, "part header block too large");
    expect_split_invariant("b", too_long, options);

    // A huge header with the default limit: refused once 8 KiB have arrived, not at the end.
    std::string const huge = "--b\r\nA: " + std::string(1 << 20, 'h');
    http::multipart_parser parser{"b"};
    auto const step = parser.parse(huge);
    ASSERT_FALSE(step);
    EXPECT_EQ(step.error(), ahttp::make_error_code(ahttp::errc::header_too_large));
}

TEST(MultipartParserTest, BoundsHeaderCountAndPartCount)
{
    http::multipart_parser_options const options{.max_headers = 3, .max_parts = 4};
    std::string three = "--b\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\nx\r\n--b--";
    EXPECT_EQ(run_whole("b", three, options).error, "");
    std::string four = "--b\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\nx\r\n--b--";
    EXPECT_EQ(run_whole("b", four, options).error, "too many part header fields");

    auto body_with = [](int parts) {
        std::string body;
        for (int i = 0; i < parts; ++i) {
            body += "--b\r\n\r\n" + std::to_string(i) + "\r\n";
        }
        return body + "--b--";
    };
    EXPECT_EQ(run_whole("b", body_with(4), options).parts.size(), 4u);
    EXPECT_EQ(run_whole("b", body_with(4), options).error, "");
    outcome const many = run_whole("b", body_with(5), options);
    EXPECT_EQ(many.error, "too many parts");
    EXPECT_EQ(many.parts.size(), 4u);
    expect_split_invariant("b", body_with(5), options);

    http::multipart_parser parser{"b", options};
    std::string const body = body_with(5);
    std::string_view input = body;
    ahttp::error_code last;
    while (!input.empty()) {
        auto const step = parser.parse(input);
        if (!step) {
            last = step.error();
            break;
        }
        input.remove_prefix(step->consumed);
    }
    EXPECT_EQ(last, ahttp::make_error_code(ahttp::errc::payload_too_large));
}

TEST(MultipartParserTest, RejectsBadBoundaryArgument)
{
    EXPECT_THROW(http::multipart_parser{""}, ahttp::error);
    EXPECT_THROW(http::multipart_parser{std::string(71, 'b')}, ahttp::error);
    EXPECT_NO_THROW(http::multipart_parser{std::string(70, 'b')});
}

TEST(MultipartParserTest, PassesBinaryContentThroughUnchanged)
{
    // Every byte value, CR/LF runs, dashes and prefixes of the delimiter, in random order.
    std::string const boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW";
    std::string const delimiter = "\r\n--" + boundary;
    std::mt19937 rng{20240531};
    std::vector<std::string> const atoms = {
        "\r",
        "\n",
        "\r\n",
        "-",
        "--",
        "\r\n--",
        "\r\n-",
        delimiter.substr(0, delimiter.size() - 1),
        delimiter.substr(0, 10),
        "\r\n--" + boundary.substr(0, 20) + "X",
        std::string(1, '\0'),
        "----WebKitFormBoundary7MA4YWxkTrZu0gW", // the boundary without CRLF before it
    };
    for (int round = 0; round < 20; ++round) {
        std::string content;
        for (int i = 0; i < 256; ++i) {
            content.push_back(static_cast<char>(i));
        }
        while (content.size() < 4096) {
            if (rng() % 3 == 0) {
                content += atoms[rng() % atoms.size()];
            } else {
                content.push_back(static_cast<char>(rng() % 256));
            }
        }
        std::shuffle(content.begin(), content.begin() + 256, rng);
        for (auto at = content.find(delimiter); at != std::string::npos;
             at = content.find(delimiter)) {
            content[at + delimiter.size() - 1] = 'Q'; // the boundary must not occur in content
        }
        std::string const body = "--" + boundary +
                                 "\r\nContent-Type: application/octet-stream\r\n\r\n" + content +
                                 delimiter + "\r\n\r\n" + content + delimiter + "--\r\n";
        outcome const whole = run_whole(boundary, body);
        ASSERT_EQ(whole.error, "");
        ASSERT_EQ(whole.parts.size(), 2u);
        EXPECT_EQ(whole.parts[0].content, content);
        EXPECT_EQ(whole.parts[1].content, content);
        // Random piece sizes, from 1 byte to larger than the delimiter.
        std::vector<std::string_view> pieces;
        std::string_view rest = body;
        while (!rest.empty()) {
            std::size_t const n = std::min<std::size_t>(rest.size(), 1 + rng() % 97);
            pieces.push_back(rest.substr(0, n));
            rest.remove_prefix(n);
        }
        EXPECT_EQ(run_pieces(boundary, pieces), whole);
    }
}

TEST(MultipartParserTest, EveryPieceOfContentPointsIntoInputOrIsAHeldPrefix)
{
    // A large part fed in 64 KiB reads comes out in few pieces: no copying, no per-byte work.
    std::string const content(1 << 20, 'z');
    std::string const body = "--b\r\n\r\n" + content + "\r\n--b--";
    http::multipart_parser parser{"b"};
    std::size_t data_events = 0;
    std::string got;
    for (std::size_t off = 0; off < body.size(); off += 65536) {
        std::string_view input = std::string_view{body}.substr(off, 65536);
        while (!input.empty()) {
            auto const step = parser.parse(input);
            ASSERT_TRUE(step);
            if (step->what == event::data) {
                ++data_events;
                got.append(step->data);
            }
            input.remove_prefix(step->consumed);
        }
    }
    EXPECT_TRUE(parser.done());
    EXPECT_EQ(got, content);
    EXPECT_LE(data_events, body.size() / 65536 + 2);
}

} // namespace
