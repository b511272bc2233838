// SPDX-License-Identifier: BSL-1.0
// permessage-deflate negotiation and the codec (websocket/deflate.hpp).
#include "websocket/deflate.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace ahttp::websocket::detail;

TEST(WebSocketDeflate, ServerAcceptsTheFirstOfferItCanHonour)
{
    struct row {
        char const* offer;
        char const* answer; // nullptr: declined
    };
    row const table[] = {
        {"permessage-deflate", "permessage-deflate"},
        {"permessage-deflate; client_max_window_bits", "permessage-deflate"},
        {"permessage-deflate; server_no_context_takeover",
         "permessage-deflate; server_no_context_takeover"},
        {"permessage-deflate; client_no_context_takeover",
         "permessage-deflate; client_no_context_takeover"},
        {"permessage-deflate; server_max_window_bits=10",
         "permessage-deflate; server_max_window_bits=10"},
        {"permessage-deflate; server_max_window_bits=\"12\"",
         "permessage-deflate; server_max_window_bits=12"},
        {"permessage-deflate; server_max_window_bits=8", nullptr}, // zlib cannot
        {"permessage-deflate; server_max_window_bits=8, permessage-deflate", "permessage-deflate"},
        {"permessage-deflate; server_max_window_bits=16", nullptr},
        {"permessage-deflate; server_max_window_bits=010", nullptr},
        {"permessage-deflate; server_max_window_bits", nullptr}, // needs a value
        {"permessage-deflate; client_max_window_bits=7", nullptr},
        {"permessage-deflate; unknown_parameter", nullptr},
        {"permessage-deflate; server_no_context_takeover; server_no_context_takeover", nullptr},
        {"x-webkit-deflate-frame", nullptr},
        {"x-webkit-deflate-frame, permessage-deflate; client_max_window_bits",
         "permessage-deflate"},
        {"PerMessage-Deflate", "permessage-deflate"},
    };
    for (row const& r : table) {
        std::optional<deflate_agreement> a = accept_deflate_offer(r.offer);
        if (r.answer == nullptr) {
            EXPECT_FALSE(a) << r.offer;
        } else {
            ASSERT_TRUE(a) << r.offer;
            EXPECT_EQ(a->response_field, r.answer) << r.offer;
        }
    }
}

TEST(WebSocketDeflate, ClientChecksTheServersAnswer)
{
    EXPECT_TRUE(parse_deflate_response("permessage-deflate"));
    std::optional<deflate_params> p = parse_deflate_response(
        "permessage-deflate; client_no_context_takeover; client_max_window_bits=12");
    ASSERT_TRUE(p);
    EXPECT_TRUE(p->our_no_context_takeover);
    EXPECT_EQ(p->our_max_window_bits, 12);
    EXPECT_FALSE(parse_deflate_response("permessage-deflate, permessage-deflate"));
    EXPECT_FALSE(parse_deflate_response("permessage-deflate; client_max_window_bits"));
    EXPECT_FALSE(parse_deflate_response("permessage-deflate; client_max_window_bits=8"));
    EXPECT_FALSE(parse_deflate_response("something-else"));
}

std::string round_trip(deflate_codec& sender, deflate_codec& receiver, std::string const& text)
{
    std::string const compressed = sender.compress(text);
    std::string out;
    bool too_big = false;
    EXPECT_TRUE(receiver.inflate(compressed, out, 0, too_big));
    EXPECT_TRUE(receiver.finish_message(out, 0, too_big));
    return out;
}

TEST(WebSocketDeflate, RoundTripsWithAndWithoutContextTakeover)
{
    std::string const text(2000, 'q');
    for (bool takeover : {true, false}) {
        deflate_params params;
        params.our_no_context_takeover = !takeover;
        params.their_no_context_takeover = !takeover;
        deflate_codec a{params};
        deflate_codec b{params};
        std::size_t first = a.compress(text).size();
        std::size_t second = a.compress(text).size();
        if (takeover) {
            EXPECT_LT(second, first); // the window remembers the first message
        } else {
            EXPECT_EQ(second, first);
        }
        deflate_codec fresh_a{params};
        for (int i = 0; i < 5; ++i) {
            EXPECT_EQ(round_trip(fresh_a, b, text + std::to_string(i)), text + std::to_string(i));
        }
        EXPECT_EQ(round_trip(fresh_a, b, ""), "");
    }
}

TEST(WebSocketDeflate, InflationStopsAtTheLimit)
{
    deflate_codec sender{{}};
    std::string const bomb = sender.compress(std::string(10'000'000, 'a'));
    EXPECT_LT(bomb.size(), 20'000u);
    deflate_codec receiver{{}};
    std::string out;
    bool too_big = false;
    bool const ok = receiver.inflate(bomb, out, 100'000, too_big) &&
                    receiver.finish_message(out, 100'000, too_big);
    EXPECT_FALSE(ok);
    EXPECT_TRUE(too_big);
    EXPECT_LE(out.size(), 100'001u); // never more than the limit (plus the byte that told)
}

TEST(WebSocketDeflate, CorruptDataIsAnError)
{
    deflate_codec receiver{{}};
    std::string out;
    bool too_big = false;
    EXPECT_FALSE(receiver.inflate("\xff\xff\xff\xff\xff", out, 0, too_big));
    EXPECT_FALSE(too_big);
}

} // namespace
