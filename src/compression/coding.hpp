// SPDX-License-Identifier: BSL-1.0
// Content codings (RFC 9110 §8.4.1) that ahttp can encode and decode: gzip, deflate, br.
#pragma once

#include <optional>
#include <string_view>

namespace ahttp::compression {

/// A content coding. `deflate` is the zlib format (RFC 1950), as HTTP's "deflate" means and
/// as browsers, curl and aiohttp send and expect it; `br` is Brotli (RFC 7932).
enum class coding : unsigned char { identity, deflate, gzip, br };

/// Returns the coding's registered token: "identity", "deflate", "gzip" or "br".
std::string_view coding_name(coding c) noexcept;

/// Returns the coding named by `token` (ASCII case-insensitive; "x-gzip" is gzip, RFC 9110
/// §8.4.1.3), or nullopt for a coding we do not implement (compress, zstd…) and for "*".
std::optional<coding> parse_coding(std::string_view token) noexcept;

} // namespace ahttp::compression
