// SPDX-License-Identifier: BSL-1.0
// What the wire parsers share: limits, outcomes and errors.
#pragma once

#include <ahttp/http/status.hpp>

#include <cstddef>
#include <string_view>

namespace ahttp::wire {

/// Limits applied while parsing a message head (aiohttp's defaults).
struct parser_limits {
    std::size_t max_line_size = 8190;  ///< request or status line → 414 (request) when exceeded
    std::size_t max_field_size = 8190; ///< one "name: value" line → 431 when exceeded
    std::size_t max_fields = 128;      ///< number of header fields → 431 when exceeded
};

/// How the body of a request is delimited (RFC 9112 §6.3).
enum class body_framing : unsigned char { none, content_length, chunked };

/// Why a head was refused: for a request, the status to answer with before closing; and a
/// short reason.
struct parse_error {
    http::status status = http::status::bad_request; ///< 400, 414, 431, 501 or 505
    std::string_view reason;                         ///< static text, e.g. "invalid header name"
};

enum class parse_status : unsigned char { complete, need_more, error };

} // namespace ahttp::wire
