// SPDX-License-Identifier: BSL-1.0
// Response compression: gzip, deflate or br of a response body when the handler asked for it
// with response::enable_compression() and the request's Accept-Encoding allows it.
#pragma once

#include "compression/coding.hpp"

#include <cstddef>

namespace ahttp::web {
class request;
class response;
} // namespace ahttp::web

namespace ahttp::web::detail {

/// Bodies shorter than this are sent as they are: the coding's framing (18 bytes for gzip)
/// would eat the gain. A request that refuses identity, or a forced coding, overrides it.
inline constexpr std::size_t min_compress_size = 64;

/// What compression a response gets.
struct compression_plan {
    compression::coding coding = compression::coding::identity; ///< identity: none
    bool vary = false;     ///< the choice depended on Accept-Encoding: add Vary
    bool required = false; ///< forced, or identity refused: ignore the size rules
};

/// Decides how `r` (with compression enabled) is coded for `req`: nothing when it already has
/// a Content-Encoding or its status carries no (or partial) content; the forced coding if
/// any; else the negotiated one (compression::negotiate over br, gzip, deflate).
compression_plan plan_compression(request const& req, response const& r);

/// Sets Content-Encoding for `coding` and weakens a strong ETag (a coded body is another
/// representation, RFC 9110 §8.8.3).
void mark_encoded(response& r, compression::coding coding);

/// Adds Accept-Encoding to Vary unless it is already there or Vary is "*".
void add_vary_accept_encoding(response& r);

/// Compresses `r`'s body in place (setting Content-Encoding and Vary) when it asked for
/// compression, the request accepts a coding we have, and the body is worth it.
void compress_response(request const& req, response& r);

} // namespace ahttp::web::detail
