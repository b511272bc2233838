// SPDX-License-Identifier: BSL-1.0
// Accept-Encoding parsing (RFC 9110 §12.5.3) and the choice of a response coding.
#include "compression/accept_encoding.hpp"

#include <gtest/gtest.h>

namespace {

using ahttp::compression::accept_encoding;
using ahttp::compression::coding;
using ahttp::compression::negotiate;

coding choose(std::string_view field)
{
    return negotiate(accept_encoding{field});
}

TEST(AcceptEncodingTest, ReadsQualitiesInThousandths)
{
    accept_encoding const a{"gzip;q=0.5, br;q=0.8, deflate"};
    EXPECT_EQ(a.quality(coding::gzip), 500);
    EXPECT_EQ(a.quality(coding::br), 800);
    EXPECT_EQ(a.quality(coding::deflate), 1000);
    EXPECT_EQ(a.quality(coding::identity), 1000);
}

TEST(AcceptEncodingTest, IgnoresCaseAndWhitespace)
{
    accept_encoding const a{" GZip ; Q=0.3 ,\tBR\t,DEFLATE;q = 0.25 "};
    EXPECT_EQ(a.quality(coding::gzip), 300);
    EXPECT_EQ(a.quality(coding::br), 1000);
    EXPECT_EQ(a.quality(coding::deflate), 250);
}

TEST(AcceptEncodingTest, ParsesQValueForms)
{
    EXPECT_EQ(accept_encoding{"gzip;q=0"}.quality(coding::gzip), 0);
    EXPECT_EQ(accept_encoding{"gzip;q=0."}.quality(coding::gzip), 0);
    EXPECT_EQ(accept_encoding{"gzip;q=0.001"}.quality(coding::gzip), 1);
    EXPECT_EQ(accept_encoding{"gzip;q=0.1234"}.quality(coding::gzip), 123);
    EXPECT_EQ(accept_encoding{"gzip;q=1"}.quality(coding::gzip), 1000);
    EXPECT_EQ(accept_encoding{"gzip;q=1.000"}.quality(coding::gzip), 1000);
}

TEST(AcceptEncodingTest, TreatsMalformedQualityAsRefusal)
{
    for (auto const* field : {"gzip;q=abc", "gzip;q=1.5", "gzip;q=2", "gzip;q=", "gzip;q=-1",
                              "gzip;q=0.5x", "gzip;q=.5"}) {
        EXPECT_EQ(accept_encoding{field}.quality(coding::gzip), 0) << field;
        EXPECT_EQ(choose(field), coding::identity) << field;
    }
}

TEST(AcceptEncodingTest, IgnoresOtherParametersAndEmptyElements)
{
    accept_encoding const a{", ,gzip;level=9;q=0.7,, br;foo"};
    EXPECT_EQ(a.quality(coding::gzip), 700);
    EXPECT_EQ(a.quality(coding::br), 1000);
    EXPECT_EQ(a.quality(coding::deflate), 0);
}

TEST(AcceptEncodingTest, TreatsXGzipAsGzip)
{
    EXPECT_EQ(accept_encoding{"x-gzip"}.quality(coding::gzip), 1000);
    EXPECT_EQ(choose("x-gzip"), coding::gzip);
}

TEST(AcceptEncodingTest, KeepsFirstOccurrence)
{
    EXPECT_EQ(accept_encoding{"gzip;q=0, gzip"}.quality(coding::gzip), 0);
    EXPECT_EQ(accept_encoding{"gzip;q=0.4, x-gzip;q=0.9"}.quality(coding::gzip), 400);
}

TEST(AcceptEncodingTest, IgnoresCodingsWeDoNotImplement)
{
    accept_encoding const a{"zstd, compress, exi"};
    EXPECT_EQ(a.quality(coding::gzip), 0);
    EXPECT_EQ(choose("zstd, compress, exi"), coding::identity);
}

TEST(AcceptEncodingTest, AppliesStarToUnlistedCodings)
{
    accept_encoding const a{"*;q=0.2, gzip;q=0.9"};
    EXPECT_EQ(a.quality(coding::gzip), 900);
    EXPECT_EQ(a.quality(coding::br), 200);
    EXPECT_EQ(a.quality(coding::identity), 1000);
    EXPECT_EQ(negotiate(a), coding::gzip);
}

TEST(AcceptEncodingTest, IdentityIsAcceptableUnlessExcluded)
{
    EXPECT_EQ(accept_encoding{"gzip"}.quality(coding::identity), 1000);
    EXPECT_EQ(accept_encoding{"gzip, identity;q=0"}.quality(coding::identity), 0);
    EXPECT_EQ(accept_encoding{"*;q=0"}.quality(coding::identity), 0);
    EXPECT_EQ(accept_encoding{"*;q=0, identity"}.quality(coding::identity), 1000);
    EXPECT_EQ(accept_encoding{"*;q=0.5"}.quality(coding::identity), 1000);
}

TEST(AcceptEncodingTest, CombinesSeveralFields)
{
    accept_encoding a{"gzip;q=0.3"};
    a.add("br;q=0.2");
    EXPECT_EQ(a.quality(coding::gzip), 300);
    EXPECT_EQ(a.quality(coding::br), 200);
    EXPECT_EQ(negotiate(a), coding::gzip);
}

TEST(NegotiateTest, PrefersBrThenGzipThenDeflateAtEqualQuality)
{
    EXPECT_EQ(choose("gzip, deflate, br"), coding::br);
    EXPECT_EQ(choose("deflate, gzip"), coding::gzip);
    EXPECT_EQ(choose("deflate"), coding::deflate);
    EXPECT_EQ(choose("gzip;q=0.5, br;q=0.5, deflate;q=0.5"), coding::br);
    EXPECT_EQ(choose("*"), coding::br);
}

TEST(NegotiateTest, FollowsTheClientsQualities)
{
    EXPECT_EQ(choose("br;q=0.5, gzip"), coding::gzip);
    EXPECT_EQ(choose("br;q=0.1, gzip;q=0.2, deflate;q=0.3"), coding::deflate);
    EXPECT_EQ(choose("gzip;q=0, *"), coding::br);
    EXPECT_EQ(choose("br;q=0, *;q=0.5"), coding::gzip);
}

TEST(NegotiateTest, RespectsRefusals)
{
    EXPECT_EQ(choose("br;q=0, gzip;q=0, deflate;q=0"), coding::identity);
    EXPECT_EQ(choose("*;q=0"), coding::identity);
    EXPECT_EQ(choose("identity"), coding::identity);
    EXPECT_EQ(choose("br;q=0"), coding::identity);
}

TEST(NegotiateTest, SendsIdentityWhenTheClientRatesItHigher)
{
    EXPECT_EQ(choose("gzip;q=0.2, identity"), coding::identity);
    EXPECT_EQ(choose("gzip;q=0.2, identity;q=0.1"), coding::gzip);
    EXPECT_EQ(choose("gzip, identity"), coding::gzip); // a tie goes to compression
}

TEST(NegotiateTest, CompressesNothingWithoutTheFieldOrWithAnEmptyOne)
{
    EXPECT_EQ(negotiate(accept_encoding{}), coding::identity);
    EXPECT_EQ(choose(""), coding::identity); // RFC 9110 §12.5.3: empty = no coding wanted
    EXPECT_TRUE(accept_encoding{""}.is_present());
    EXPECT_EQ(accept_encoding{}.quality(coding::gzip), 1000); // absent: anything goes
}

TEST(NegotiateTest, ChoosesOnlyAmongOfferedCodings)
{
    coding const offered[] = {coding::gzip, coding::deflate};
    EXPECT_EQ(negotiate(accept_encoding{"br, deflate"}, offered), coding::deflate);
    EXPECT_EQ(negotiate(accept_encoding{"br"}, offered), coding::identity);
}

TEST(CodingTest, NamesAndParsesTokens)
{
    using ahttp::compression::coding_name;
    using ahttp::compression::parse_coding;
    EXPECT_EQ(coding_name(coding::br), "br");
    EXPECT_EQ(coding_name(coding::gzip), "gzip");
    EXPECT_EQ(coding_name(coding::deflate), "deflate");
    EXPECT_EQ(coding_name(coding::identity), "identity");
    EXPECT_EQ(parse_coding("GZIP"), coding::gzip);
    EXPECT_EQ(parse_coding("X-Gzip"), coding::gzip);
    EXPECT_EQ(parse_coding("Br"), coding::br);
    EXPECT_EQ(parse_coding("zstd"), std::nullopt);
    EXPECT_EQ(parse_coding("*"), std::nullopt);
}

} // namespace
