// SPDX-License-Identifier: BSL-1.0
// Tests for the chunked-body decoder: any split of the input, extensions, trailers, refusals.
#include "wire/request_parser.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <limits>
#include <ostream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace std::string_literals;
using ahttp::wire::chunked_decoder;

// Bounds of the decoder, repeated here so that the boundary tests say what they test.
constexpr std::size_t max_chunk_line_size = 4096;
constexpr std::size_t max_trailer_size = 8190;

struct decoded {
    std::string body;
    bool done = false;
    bool failed = false;
    std::string_view reason;
    std::size_t leftover = 0; ///< bytes of input not consumed when decoding stopped
    std::size_t calls = 0;
};

constexpr std::size_t all_at_once = std::numeric_limits<std::size_t>::max();

// Plays a connection: `step` new bytes arrive at a time and are appended to what the decoder
// left unconsumed; decode() is called until it makes no progress.
decoded decode(std::string_view input, std::size_t step)
{
    chunked_decoder decoder;
    decoded out;
    std::string buffer;
    std::size_t fed = 0;
    for (;;) {
        auto const n = std::min(step, input.size() - fed);
        buffer.append(input.substr(fed, n));
        fed += n;
        for (;;) {
            auto const r = decoder.decode(buffer);
            ++out.calls;
            out.body.append(r.data);
            buffer.erase(0, r.consumed);
            if (r.failed) {
                out.failed = true;
                out.reason = r.reason;
                out.leftover = buffer.size() + input.size() - fed;
                return out;
            }
            if (r.done) {
                EXPECT_TRUE(decoder.done());
                out.done = true;
                out.leftover = buffer.size() + input.size() - fed;
                return out;
            }
            if (r.consumed == 0) {
                break;
            }
        }
        if (fed == input.size()) {
            out.leftover = buffer.size();
            return out;
        }
    }
}

// Every way of feeding must agree; returns the all-at-once result.
decoded decode_every_way(std::string_view input)
{
    decoded const whole = decode(input, all_at_once);
    for (std::size_t step : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{7}}) {
        decoded const split = decode(input, step);
        if (!whole.failed) {
            // Data delivered before a failure depends on where the input was split.
            EXPECT_EQ(split.body, whole.body) << "step " << step;
        }
        EXPECT_EQ(split.done, whole.done) << "step " << step;
        EXPECT_EQ(split.failed, whole.failed) << "step " << step;
        EXPECT_EQ(split.reason, whole.reason) << "step " << step;
    }
    return whole;
}

// ---------------------------------------------------------------------------------------------
// Valid bodies.

struct valid_case {
    char const* name;
    std::string input;
    std::string body;
};

void PrintTo(valid_case const& c, std::ostream* os)
{
    *os << c.name;
}

std::vector<valid_case> const valid_cases = {
    {"Empty", "0\r\n\r\n", ""},
    {"OneChunk", "5\r\nhello\r\n0\r\n\r\n", "hello"},
    {"TwoChunks", "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world"},
    {"LowerHex", "a\r\n0123456789\r\n0\r\n\r\n", "0123456789"},
    {"UpperHex", "A\r\n0123456789\r\n0\r\n\r\n", "0123456789"},
    {"LeadingZeros", "0005\r\nhello\r\n000\r\n\r\n", "hello"},
    {"SixteenDigitSize", "0000000000000003\r\nabc\r\n0\r\n\r\n", "abc"},
    {"BinaryData", "4\r\n\r\n\0\xff\r\n0\r\n\r\n"s, "\r\n\0\xff"s},
    {"Extension", "5;name=value\r\nhello\r\n0\r\n\r\n", "hello"},
    {"ExtensionWithoutValue", "5;flag\r\nhello\r\n0\r\n\r\n", "hello"},
    {"SeveralExtensions", "5;a=1;b=2\r\nhello\r\n0;last\r\n\r\n", "hello"},
    {"QuotedExtension", "5;a=\"b c;d\"\r\nhello\r\n0\r\n\r\n", "hello"},
    {"ExtensionWithSpacesAndTab", "5; a = 1\t\r\nhello\r\n0\r\n\r\n", "hello"},
    {"QuotedExtensionWithObsText", "5;a=\"caf\xC3\xA9\"\r\nhello\r\n0\r\n\r\n", "hello"},
    {"QuotedExtensionWithEscape", "5;a=\"x\\\"y\" ; b\r\nhello\r\n0\r\n\r\n", "hello"},
    {"Trailer", "5\r\nhello\r\n0\r\nX-Checksum: abc\r\n\r\n", "hello"},
    {"SeveralTrailers", "0\r\nA: 1\r\nB:\r\nC:  spaced value \t\r\n\r\n", ""},
    {"TrailerWithObsText", "0\r\nA: caf\xC3\xA9\r\n\r\n", ""},
};

class ChunkedDecoderValidTest : public ::testing::TestWithParam<valid_case> {};

TEST_P(ChunkedDecoderValidTest, DecodesWhateverTheSplit)
{
    valid_case const& c = GetParam();
    decoded const out = decode_every_way(c.input);
    EXPECT_TRUE(out.done);
    EXPECT_FALSE(out.failed) << out.reason;
    EXPECT_EQ(out.body, c.body);
    EXPECT_EQ(out.leftover, 0u);
}

TEST_P(ChunkedDecoderValidTest, ConsumesEveryByteFedAlone)
{
    // A caller that hands over only the new byte each time (nothing left unconsumed).
    valid_case const& c = GetParam();
    chunked_decoder decoder;
    std::string body;
    for (std::size_t i = 0; i < c.input.size(); ++i) {
        auto const r = decoder.decode(std::string_view{c.input}.substr(i, 1));
        ASSERT_FALSE(r.failed) << r.reason;
        ASSERT_EQ(r.consumed, 1u) << "byte " << i;
        ASSERT_EQ(r.done, i + 1 == c.input.size()) << "byte " << i;
        body.append(r.data);
    }
    EXPECT_TRUE(decoder.done());
    EXPECT_EQ(body, c.body);
}

INSTANTIATE_TEST_SUITE_P(Bodies, ChunkedDecoderValidTest, ::testing::ValuesIn(valid_cases),
                         [](::testing::TestParamInfo<valid_case> const& case_info) {
                             return std::string{case_info.param.name};
                         });

TEST(ChunkedDecoderTest, ReturnsAtMostOneSpanPerCall)
{
    std::string const input = "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
    chunked_decoder decoder;
    std::string_view rest = input;

    auto r = decoder.decode(rest);
    EXPECT_EQ(r.data, "abc");
    EXPECT_FALSE(r.done);
    EXPECT_EQ(r.consumed, 11u); // "3\r\nabc\r\n2\r\n": stops where the second span would begin
    rest.remove_prefix(r.consumed);

    r = decoder.decode(rest);
    EXPECT_EQ(r.data, "de");
    EXPECT_TRUE(r.done); // the rest of the body needs no further call
    EXPECT_EQ(r.consumed, rest.size());
}

TEST(ChunkedDecoderTest, DataIsAViewIntoInput)
{
    std::string const input = "5\r\nhello\r\n0\r\n\r\n";
    chunked_decoder decoder;
    auto const r = decoder.decode(input);
    EXPECT_EQ(r.data.data(), input.data() + 3);
    EXPECT_EQ(r.data.size(), 5u);
}

TEST(ChunkedDecoderTest, ReturnsPartialChunkData)
{
    chunked_decoder decoder;
    auto r = decoder.decode("a\r\n0123");
    EXPECT_EQ(r.data, "0123");
    EXPECT_EQ(r.consumed, 7u);
    r = decoder.decode("456789\r\n0\r\n\r\n");
    EXPECT_EQ(r.data, "456789");
    EXPECT_TRUE(r.done);
}

TEST(ChunkedDecoderTest, LeavesBytesAfterTheBody)
{
    // The next pipelined request starts right after the trailer section.
    std::string const input = "1\r\nx\r\n0\r\nA: b\r\n\r\nGET / HTTP/1.1\r\n";
    chunked_decoder decoder;
    auto const r = decoder.decode(input);
    EXPECT_EQ(r.data, "x");
    ASSERT_TRUE(r.done);
    EXPECT_EQ(std::string_view{input}.substr(r.consumed), "GET / HTTP/1.1\r\n");
}

TEST(ChunkedDecoderTest, StaysDoneUntilReset)
{
    chunked_decoder decoder;
    ASSERT_TRUE(decoder.decode("0\r\n\r\n").done);
    auto const r = decoder.decode("5\r\nhello");
    EXPECT_TRUE(r.done);
    EXPECT_EQ(r.consumed, 0u);
    EXPECT_TRUE(r.data.empty());

    decoder.reset();
    EXPECT_FALSE(decoder.done());
    EXPECT_EQ(decoder.decode("5\r\nhello").data, "hello");
}

TEST(ChunkedDecoderTest, AcceptsLargestChunkSize)
{
    chunked_decoder decoder;
    auto const r = decoder.decode("ffffffffffffffff\r\nabc");
    EXPECT_FALSE(r.failed) << r.reason;
    EXPECT_EQ(r.data, "abc");
}

TEST(ChunkedDecoderTest, AcceptsChunkLineAtLimit)
{
    std::string const line = "5;" + std::string(max_chunk_line_size - 2, 'x');
    decoded const out = decode(line + "\r\nhello\r\n0\r\n\r\n", all_at_once);
    EXPECT_TRUE(out.done);
    EXPECT_EQ(out.body, "hello");
}

TEST(ChunkedDecoderTest, RefusesChunkLineOverLimit)
{
    std::string const line = "5;" + std::string(max_chunk_line_size - 1, 'x');
    decoded const out = decode_every_way(line + "\r\nhello\r\n0\r\n\r\n");
    EXPECT_TRUE(out.failed);
    EXPECT_EQ(out.reason, "chunk line too long");
}

TEST(ChunkedDecoderTest, RefusesLongChunkLineWithoutWaitingForItsEnd)
{
    chunked_decoder decoder;
    auto const r = decoder.decode("1;" + std::string(max_chunk_line_size, 'x'));
    EXPECT_TRUE(r.failed);
    EXPECT_EQ(r.reason, "chunk line too long");
}

std::string trailer_section_of_size(std::size_t size)
{
    // One field line "X: vvv…\r\n" of `size` bytes, then the empty line.
    return "X: " + std::string(size - 5, 'v') + "\r\n\r\n";
}

TEST(ChunkedDecoderTest, AcceptsTrailerSectionAtLimit)
{
    decoded const out = decode("0\r\n" + trailer_section_of_size(max_trailer_size), all_at_once);
    EXPECT_TRUE(out.done);
    EXPECT_FALSE(out.failed) << out.reason;
}

TEST(ChunkedDecoderTest, RefusesTrailerSectionOverLimit)
{
    decoded const out = decode_every_way("0\r\n" + trailer_section_of_size(max_trailer_size + 1));
    EXPECT_TRUE(out.failed);
    EXPECT_EQ(out.reason, "trailer section too large");
}

TEST(ChunkedDecoderTest, CountsEveryTrailerLineTowardsTheLimit)
{
    std::string trailers;
    while (trailers.size() < max_trailer_size + 1) {
        trailers += "A: b\r\n"; // many small lines add up
    }
    decoded const out = decode("0\r\n" + trailers + "\r\n", all_at_once);
    EXPECT_TRUE(out.failed);
    EXPECT_EQ(out.reason, "trailer section too large");
}

// ---------------------------------------------------------------------------------------------
// Refusals.

struct invalid_case {
    char const* name;
    std::string input;
    std::string_view reason;
};

void PrintTo(invalid_case const& c, std::ostream* os)
{
    *os << c.name;
}

std::vector<invalid_case> const invalid_cases = {
    // chunk-size
    {"EmptySize", "\r\nhello\r\n0\r\n\r\n", "invalid chunk size"},
    {"ExtensionWithoutSize", ";a=b\r\nhello\r\n0\r\n\r\n", "invalid chunk size"},
    {"LeadingSpace", " 5\r\nhello\r\n0\r\n\r\n", "invalid chunk size"},
    {"TrailingSpace", "5 \r\nhello\r\n0\r\n\r\n", "invalid chunk size"},
    {"TrailingTab", "5\t\r\nhello\r\n0\r\n\r\n", "invalid chunk size"},
    {"SpaceBeforeExtension", "5 ;a\r\nhello\r\n0\r\n\r\n", "invalid chunk size"},
    {"PlusSign", "+5\r\nhello\r\n0\r\n\r\n", "invalid chunk size"},
    {"MinusSign", "-5\r\nhello\r\n0\r\n\r\n", "invalid chunk size"},
    {"HexPrefix", "0x5\r\nhello\r\n0\r\n\r\n", "invalid chunk size"},
    {"NotHex", "g\r\nhello\r\n0\r\n\r\n", "invalid chunk size"},
    {"NulInSize", "5\0\r\nhello\r\n0\r\n\r\n"s, "NUL byte"},
    {"SeventeenDigits", "00000000000000005\r\nhello\r\n0\r\n\r\n", "chunk size too large"},
    {"Overflow", "10000000000000000\r\nhello\r\n0\r\n\r\n", "chunk size too large"},
    {"HugeOverflow", "ffffffffffffffffffffffff\r\n", "chunk size too large"},
    // line endings
    {"BareLfAfterSize", "5\nhello\r\n0\r\n\r\n", "bare LF"},
    {"BareCrAfterSize", "5\rhello\r\n0\r\n\r\n", "bare CR"},
    {"BareLfAfterExtension", "5;a\nhello\r\n0\r\n\r\n", "bare LF"},
    {"BareLfAfterData", "5\r\nhello\n0\r\n\r\n", "bare LF"},
    {"BareCrAfterData", "5\r\nhello\r0\r\n\r\n", "bare CR"},
    {"DataLongerThanSize", "5\r\nhello!\r\n0\r\n\r\n", "missing CRLF after chunk data"},
    {"DataShorterThanSize", "7\r\nhello\r\n0\r\n\r\n", "missing CRLF after chunk data"},
    {"BareLfAfterLastChunk", "0\n\r\n", "bare LF"},
    {"BareLfEndsBody", "0\r\n\n", "bare LF"},
    {"BareCrEndsBody", "0\r\n\rX", "bare CR"},
    // extensions
    {"CtlInExtension", "5;a\x01\r\nhello\r\n0\r\n\r\n", "invalid chunk extension"},
    // Outside the extension grammar (Beast refuses these too; the differential fuzz target
    // found the first): obs-text in a token, a space inside a name, a value without a name.
    {"ExtensionTokenWithObsText", "5;a=caf\xC3\xA9\r\nhello\r\n0\r\n\r\n",
     "invalid chunk extension"},
    {"ExtensionNameWithSpace", "0;e keConnection: x\r\n\r\n", "invalid chunk extension"},
    {"ExtensionWithoutName", "5;=1\r\nhello\r\n0\r\n\r\n", "invalid chunk extension"},
    {"ExtensionUnclosedQuote", "5;a=\"b\r\nhello\r\n0\r\n\r\n", "invalid chunk extension"},
    {"DelInExtension", "5;a\x7f\r\nhello\r\n0\r\n\r\n", "invalid chunk extension"},
    {"NulInExtension", "5;a\0\r\nhello\r\n0\r\n\r\n"s, "NUL byte"},
    // trailers
    {"TrailerObsFold", "0\r\nA: b\r\n c\r\n\r\n", "obsolete line folding in trailer"},
    {"TrailerLeadingSpace", "0\r\n A: b\r\n\r\n", "obsolete line folding in trailer"},
    {"TrailerSpaceBeforeColon", "0\r\nA : b\r\n\r\n", "whitespace before colon in trailer"},
    {"TrailerEmptyName", "0\r\n: b\r\n\r\n", "invalid trailer field name"},
    {"TrailerWithoutColon", "0\r\nAb\r\n\r\n", "invalid trailer field name"},
    {"TrailerNameWithObsText", "0\r\nA\xC3\xA9: b\r\n\r\n", "invalid trailer field name"},
    {"TrailerCtlInValue", "0\r\nA: b\x01\r\n\r\n", "invalid trailer field value"},
    {"TrailerNulInValue", "0\r\nA: b\0\r\n\r\n"s, "NUL byte"},
    {"TrailerBareLf", "0\r\nA: b\n\r\n", "bare LF"},
    {"TrailerBareCr", "0\r\nA: b\rc\r\n\r\n", "bare CR"},
};

class ChunkedDecoderInvalidTest : public ::testing::TestWithParam<invalid_case> {};

TEST_P(ChunkedDecoderInvalidTest, FailsWhateverTheSplit)
{
    invalid_case const& c = GetParam();
    decoded const out = decode_every_way(c.input);
    EXPECT_TRUE(out.failed);
    EXPECT_FALSE(out.done);
    EXPECT_EQ(out.reason, c.reason);
}

TEST_P(ChunkedDecoderInvalidTest, StaysFailed)
{
    invalid_case const& c = GetParam();
    chunked_decoder decoder;
    std::string_view rest = c.input;
    chunked_decoder::result r;
    do {
        r = decoder.decode(rest);
        rest.remove_prefix(r.consumed);
    } while (!r.failed && r.consumed != 0);
    ASSERT_TRUE(r.failed);
    EXPECT_TRUE(r.data.empty()); // nothing from a broken body is handed on
    r = decoder.decode("0\r\n\r\n");
    EXPECT_TRUE(r.failed);
    EXPECT_EQ(r.reason, c.reason);
    EXPECT_EQ(r.consumed, 0u);
    EXPECT_FALSE(decoder.done());
}

INSTANTIATE_TEST_SUITE_P(Bodies, ChunkedDecoderInvalidTest, ::testing::ValuesIn(invalid_cases),
                         [](::testing::TestParamInfo<invalid_case> const& case_info) {
                             return std::string{case_info.param.name};
                         });

TEST(ChunkedDecoderTest, NeedsMoreOnTruncatedBody)
{
    std::string const input = "5;x=y\r\nhello\r\n0\r\nA: b\r\n\r\n";
    for (std::size_t n = 0; n < input.size(); ++n) {
        decoded const out = decode(std::string_view{input}.substr(0, n), all_at_once);
        ASSERT_FALSE(out.done) << "prefix of " << n << " bytes";
        ASSERT_FALSE(out.failed) << "prefix of " << n << " bytes: " << out.reason;
    }
}

TEST(ChunkedDecoderTest, AgreesWithItselfOnRandomDamage)
{
    // Whatever the damage, byte-at-a-time and all-at-once must reach the same verdict.
    std::mt19937 rng{20240229};
    static constexpr char alphabet_chars[] = "\r\n\t ;=:\"\0\x7f\x80\xff"
                                             "0159afAFgx";
    std::string_view const alphabet{alphabet_chars, sizeof alphabet_chars - 1};
    for (int i = 0; i < 5000; ++i) {
        std::string input = valid_cases[rng() % valid_cases.size()].input;
        for (unsigned edits = 1 + rng() % 3; edits != 0; --edits) {
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
                input.push_back('0');
            }
        }
        decoded const whole = decode(input, all_at_once);
        decoded const bytes = decode(input, 1);
        ASSERT_EQ(whole.done, bytes.done) << input;
        ASSERT_EQ(whole.failed, bytes.failed) << input;
        ASSERT_EQ(whole.reason, bytes.reason) << input;
        if (whole.done) {
            ASSERT_EQ(whole.body, bytes.body) << input;
            ASSERT_EQ(whole.leftover, bytes.leftover) << input;
        }
    }
}

} // namespace
