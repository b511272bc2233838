// SPDX-License-Identifier: BSL-1.0
// Response compression: gzip/deflate (and br) of a complete body when the handler asked for
// it with response::enable_compression() and the request's Accept-Encoding allows it.
#pragma once

namespace ahttp::web {
class request;
class response;
} // namespace ahttp::web

namespace ahttp::web::detail {

/// Compresses `r`'s body in place (setting Content-Encoding and Vary) when it asked for
/// compression, the request accepts a coding we have, and the body is worth it.
void compress_response(request const& req, response& r);

} // namespace ahttp::web::detail
