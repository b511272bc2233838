// SPDX-License-Identifier: BSL-1.0
// Sans-I/O, zero-copy HTTP/1.1 response-head parser (RFC 9112), for the client. It shares the
// field grammar and framing rules with the request parser; bodies use the same chunked_decoder.
#pragma once

#include "wire/parse_result.hpp"

#include <ahttp/http/headers.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ahttp::wire {

/// How the body of a response is delimited (RFC 9112 §6.3).
enum class response_framing : unsigned char {
    none,           ///< no body: HEAD, 1xx, 204, 304, or a CONNECT tunnel's 2xx
    content_length, ///< exactly content_length bytes
    chunked,        ///< chunked transfer coding
    until_close,    ///< everything until the server closes the connection
};

/// A parsed response head. Every view points into the buffer handed to parse().
struct response_head {
    unsigned status = 0;       ///< 100..999
    std::string_view reason;   ///< reason phrase as sent (may be empty)
    int version_minor = 1;     ///< 0 or 1
    http::headers_view fields; ///< in order; values trimmed
    response_framing framing = response_framing::none;
    std::uint64_t content_length = 0; ///< when framing == content_length
    bool keep_alive = true;           ///< the connection may carry another request
    std::size_t head_size = 0;        ///< bytes of the head, including the final CRLF CRLF
    // Noted while parsing, so that the client looks these up only in responses that have
    // them (most have neither).
    bool has_set_cookie = false;       ///< a Set-Cookie field is present
    bool has_content_encoding = false; ///< a Content-Encoding field is present
};

/// What the request was, which decides whether its response has a body (RFC 9112 §6.3).
struct request_facts {
    bool head = false;    ///< a HEAD request: the response never has content
    bool connect = false; ///< a CONNECT request: a 2xx response starts a tunnel
};

/// Parses response heads from the front of a buffer. Stateless between calls, like
/// request_parser: call again with the grown buffer after need_more.
///
/// Strict where framing is at stake (a client that reads a body two ways can be fed a
/// forged response): Transfer-Encoding with Content-Length, differing Content-Lengths, an
/// unknown transfer coding, Transfer-Encoding in HTTP/1.0, bare CR/LF, obs-fold and versions
/// other than 1.0/1.1 are errors. Lenient where nothing depends on it: a missing space after
/// the status code, identical duplicate Content-Lengths (RFC 9110 §8.6 allows it).
class response_parser {
public:
    explicit response_parser(parser_limits limits = {}) noexcept : limits_(limits) {}

    parse_status parse(std::string_view input, response_head& head, parse_error& error,
                       request_facts request = {}) const;

private:
    parser_limits limits_;
};

} // namespace ahttp::wire
