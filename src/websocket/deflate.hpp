// SPDX-License-Identifier: BSL-1.0
// permessage-deflate (RFC 7692): the negotiated parameters, their negotiation, and the
// per-message compressor and (size-bounded) decompressor over zlib's raw deflate.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ahttp::websocket::detail {

/// What both ends agreed on; "ours"/"theirs" are from the point of view of this end.
struct deflate_params {
    bool our_no_context_takeover = false;   // we reset our compressor after each message
    bool their_no_context_takeover = false; // the peer resets after each message
    int our_max_window_bits = 15;           // the LZ77 window our compressor may use
};

/// A server's choice among a client's Sec-WebSocket-Extensions offers: the parameters and
/// the value of the response's Sec-WebSocket-Extensions field. Offers it cannot honour
/// (unknown or malformed parameters, a window of 8 bits, which zlib's raw deflate lacks) are
/// skipped; nullopt if none is acceptable.
struct deflate_agreement {
    deflate_params params;
    std::string response_field;
};
std::optional<deflate_agreement> accept_deflate_offer(std::string_view extensions_field);

/// The client's offer.
inline constexpr std::string_view deflate_client_offer =
    "permessage-deflate; client_max_window_bits";

/// A client's reading of the server's Sec-WebSocket-Extensions field. nullopt if it is not
/// one valid permessage-deflate answer to our offer (the handshake then fails).
std::optional<deflate_params> parse_deflate_response(std::string_view extensions_field);

/// Compresses and decompresses whole messages with the negotiated parameters.
class deflate_codec {
public:
    explicit deflate_codec(deflate_params params);
    ~deflate_codec();
    deflate_codec(deflate_codec const&) = delete;
    deflate_codec& operator=(deflate_codec const&) = delete;

    /// Returns `message` compressed (without the 00 00 FF FF tail, §7.2.1).
    std::string compress(std::string_view message);

    /// Decompresses the next piece of a compressed message's payload, appending to `out`.
    /// False if the data is corrupt or `out` would pass `max_size` (0 = no limit);
    /// `too_big` says which.
    bool inflate(std::string_view piece, std::string& out, std::size_t max_size, bool& too_big);
    /// Ends a message (feeds the implied 00 00 FF FF tail). Same results as inflate().
    bool finish_message(std::string& out, std::size_t max_size, bool& too_big);

private:
    struct zstreams;
    std::unique_ptr<zstreams> z_;
    deflate_params params_;
};

} // namespace ahttp::websocket::detail
