// SPDX-License-Identifier: BSL-1.0
// Sans-I/O, zero-copy HTTP/1.1 request-head parser and chunked-body decoder (RFC 9112).
// Strict by design: anything whose framing could be read two ways is refused, so that no
// proxy in front of us and no parser behind us can see a different request (smuggling).
#pragma once

#include "wire/parse_result.hpp"

#include <ahttp/http/headers.hpp>
#include <ahttp/http/method.hpp>
#include <ahttp/http/status.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ahttp::wire {

/// A parsed request head. Every view points into the buffer handed to parse().
struct request_head {
    http::method method = http::method::unknown;
    std::string_view method_token; ///< as sent, e.g. "GET" or an extension method
    std::string_view target;       ///< request-target, undecoded
    int version_minor = 1;         ///< 0 or 1 (HTTP/1.0 or HTTP/1.1)
    http::headers_view fields;     ///< in order; names and values as sent (values trimmed)
    body_framing framing = body_framing::none;
    std::uint64_t content_length = 0; ///< when framing == content_length
    bool keep_alive = true;           ///< from version + Connection (close / keep-alive)
    bool expect_continue = false;     ///< "Expect: 100-continue" present
    bool upgrade = false;             ///< "Connection: upgrade" + Upgrade field present
    std::size_t head_size = 0;        ///< bytes of the head, including the final CRLF CRLF
};

/// Parses request heads from the front of a buffer. Stateless between calls: call parse()
/// again with the (grown) buffer after need_more; it rescans, which is cheap because heads
/// are small, and the caller enforces the size limits through `limits`.
class request_parser {
public:
    explicit request_parser(parser_limits limits = {}) noexcept : limits_(limits) {}

    /// Parses the head at the start of `input` into `head` (its fields are cleared first).
    /// Leading empty lines (CRLF) before the request line are skipped, as RFC 9112 §2.2 allows;
    /// they count in head_size. Returns need_more if the head is incomplete and no limit is yet
    /// exceeded; error with `error` filled when the head is invalid or over a limit.
    ///
    /// Line endings must be CRLF: a bare LF or CR is an error, although §2.2 lets a recipient
    /// accept a bare LF, because lenience is what lets two parsers disagree. Leading empty
    /// lines share the request line's `max_line_size` budget. Syntax errors and limits are
    /// reported as soon as the offending byte arrives; framing conflicts (Content-Length,
    /// Transfer-Encoding, Host) once the whole head is there. Bytes after head_size are never
    /// read.
    parse_status parse(std::string_view input, request_head& head, parse_error& error) const;

    parser_limits const& limits() const noexcept { return limits_; }

private:
    parser_limits limits_;
};

/// Decodes a chunked body (RFC 9112 §7.1) incrementally, without copying chunk data.
class chunked_decoder {
public:
    struct result {
        std::size_t consumed = 0; ///< bytes of input used by this call
        std::string_view data;    ///< decoded bytes (a view into input), possibly empty
        bool done = false;        ///< the last chunk and the trailer section have been read
        bool failed = false;      ///< invalid chunked syntax; `reason` says what
        std::string_view reason;
    };

    /// Consumes as much of `input` as possible and returns at most one span of chunk data.
    /// Call again with the unconsumed rest (plus any new bytes) until done or failed.
    /// Chunk extensions are skipped (bounded); trailer fields are validated and discarded.
    /// Every byte fed is consumed except those after the body, or after a second span would
    /// begin, so feeding one byte per call works too. A call may return a span and `done`
    /// together; when `failed`, `data` is empty.
    result decode(std::string_view input) noexcept;

    bool done() const noexcept { return state_ == state::done; }
    void reset() noexcept { *this = chunked_decoder{}; }

private:
    // One state per position in the grammar, so that any split of the input (down to one byte
    // per call) is consumed completely and never rescanned.
    enum class state : unsigned char {
        size,          // chunk-size digits
        extension,     // after ';' up to CR: chunk extensions, skipped
        size_lf,       // CR of the chunk-size line seen, LF expected
        data,          // inside chunk data
        data_cr,       // chunk data done, CR expected
        data_lf,       // LF expected after chunk data
        trailer,       // start of a trailer field line, or of the final empty line
        trailer_name,  // inside a trailer field name
        trailer_value, // after the colon of a trailer field
        trailer_lf,    // CR of a trailer field line seen, LF expected
        final_lf,      // CR of the empty line ending the trailer section seen, LF expected
        done,
        failed,
    };
    // Where a chunk extension is, while state_ is extension (see extension_step).
    enum class ext : unsigned char {
        before_name,
        name,
        after_name,
        before_value,
        token_value,
        quoted,
        quoted_escape,
        after_value,
    };
    /// Checks the next byte of a chunk extension against its grammar; '\r' ends it (valid
    /// only where an extension may end).
    bool extension_step(char c) noexcept;

    state state_ = state::size;
    ext extension_ = ext::before_name;
    unsigned char size_digits_ = 0; ///< hex digits read in the current chunk-size
    std::uint64_t remaining_ = 0;   ///< bytes left in the current chunk (or its size so far)
    std::size_t line_bytes_ = 0;    ///< bytes of the current chunk-size line, CRLF excluded
    std::size_t trailer_bytes_ = 0; ///< bytes of trailer field lines, CRLFs included
    std::string_view reason_;       ///< why decoding failed, repeated by later calls
};

} // namespace ahttp::wire
