// SPDX-License-Identifier: BSL-1.0
// What a client::response holds: the head, its connection while the body is unread, and the
// body's framing and decoder.
#pragma once

#include "client/connector.hpp"
#include "compression/decoder.hpp"
#include "wire/request_parser.hpp"
#include "wire/response_parser.hpp"

#include <ahttp/client/response.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ahttp::client::detail {

/// reset() lists every member: add a new one there too.
struct response_state {
    http::method method = http::method::get;
    std::string url;
    http::status status = http::status::ok;
    std::string reason;
    int version_minor = 1;
    /// The head as received, and its fields as views into it. Most callers never look at a
    /// response's fields, so they are copied as one block; the owned strings of headers()
    /// are made only when asked for (copying each field cost a tenth of a request's work).
    std::string head_bytes;
    http::headers_view fields;
    bool has_set_cookie = false;       ///< fields has a Set-Cookie (noted by the parser)
    bool has_content_encoding = false; ///< fields has a Content-Encoding
    std::vector<response> history;

    lease conn; ///< held while the body is unread
    /// Keeps the buffer of a connection released at the end of the body alive until the next
    /// read: the last piece handed out is a view into it (and force_close would free it).
    std::shared_ptr<connection> piece_owner;
    bool keep_alive = true;
    wire::response_framing framing = wire::response_framing::none;
    std::uint64_t remaining = 0;       ///< content_length framing: bytes left
    std::uint64_t declared_length = 0; ///< content_length framing: as sent
    wire::chunked_decoder chunked;
    bool body_done = false;
    std::optional<compression::decoder> decoder; ///< set when decoding a Content-Encoding
    /// The body's framing ended cleanly but the decoder has not yet accepted its end: the
    /// connection goes back to the pool only then (a body that does not decode is a server
    /// not to trust with the next request).
    bool release_when_decoded = false;
    std::string decoded;             ///< decoded bytes not yet handed out
    std::size_t decoded_offset = 0;  ///< where the next piece of them starts
    std::optional<std::string> body; ///< read()'s result, kept
    std::string line_pending;        ///< read_line(): bytes after the last line

    deadline total;              ///< the request's total deadline
    clock::duration sock_read{}; ///< no_timeout: off
    std::size_t max_body_size = 0;

    /// Copies a parsed head's fields (views into `raw`, the head's bytes) into head_bytes.
    void adopt_fields(std::string_view raw, http::headers_view const& parsed);
    /// The fields as owned strings (response::headers()), made from `fields` on first use.
    http::headers const& headers();

    /// Back to a default-constructed state, keeping the capacity of url, reason, head_bytes
    /// and fields (an unread connection is closed). The owned headers keep their strings too,
    /// for the next headers() to assign() over.
    void reset() noexcept;

    /// Reads the next raw (still coded) piece of the body; empty at its end. Releases the
    /// connection when the body ends.
    awaitable<std::string_view> read_raw(std::size_t max_size);
    /// The next decoded piece; empty at the end.
    awaitable<std::string_view> read_piece(std::size_t max_size);
    /// read_piece() through the decoder.
    awaitable<std::string_view> read_decoded(std::size_t max_size);
    /// Reads the rest of the body and drops it (redirects); false if it was too long to
    /// be worth it, and the connection was closed instead.
    awaitable<bool> discard(std::size_t limit);
    /// The body ended: give the connection back.
    void finish_body();

    [[noreturn]] void fail_io(error_code ec, char const* what);

    http::headers owned_headers; ///< headers(), once made
    bool headers_made = false;
};

/// A response_state, recycled from one of this thread's destroyed responses if any.
std::unique_ptr<response_state> new_response_state();

} // namespace ahttp::client::detail
