// SPDX-License-Identifier: BSL-1.0
// web::multipart_reader: a multipart request body read part by part as it arrives
// (aiohttp's MultipartReader / BodyPartReader).
#pragma once

#include <ahttp/awaitable.hpp>
#include <ahttp/http/headers.hpp>
#include <ahttp/http/multipart.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ahttp::web {

class request;

/// Limits for reading a multipart body (request::multipart()).
struct multipart_options {
    /// Largest body accepted, in bytes, boundaries included; 0 means no limit. Streamed
    /// reading is not bound by client_max_size (request::post() is).
    std::uint64_t max_size = 0;
    /// Bytes in one part's header block.
    std::size_t max_header_size = http::multipart_parser_options{}.max_header_size;
    /// Header fields in one part.
    std::size_t max_headers = http::multipart_parser_options{}.max_headers;
    /// Parts in the body.
    std::size_t max_parts = http::multipart_parser_options{}.max_parts;
};

namespace detail {
struct multipart_state;
} // namespace detail

/// One part of a multipart body: its headers, and its content read in pieces.
///
/// @par Lifetime
/// Readable until the reader's next() is called (which skips what is left of it); after that
/// its reads return nothing. Reads need the request alive (that is, within the handler). The
/// headers and names it holds are its own copies and stay valid.
class body_part {
public:
    /// The `name` parameter of Content-Disposition; empty if none.
    std::string_view name() const noexcept { return name_; }
    /// The `filename` (or decoded `filename*`) parameter; empty if none.
    std::string_view filename() const noexcept { return filename_; }
    /// The part's Content-Type as sent; empty if none (RFC 7578 §4.4: then text/plain).
    std::string_view content_type() const noexcept
    {
        return headers_.value_or(http::field::content_type, "");
    }
    http::headers const& headers() const noexcept { return headers_; }

    /// Reads the next piece of the content (at most `max_size` bytes); empty at its end.
    /// The view is valid until the next read on the reader or any of its parts.
    /// @throws web::http_bad_request if the body is malformed or ends early;
    ///   web::http_request_entity_too_large past multipart_options::max_size.
    awaitable<std::string_view> read_chunk(std::size_t max_size = 65536);
    /// Reads the rest of the content. Honours the application's client_max_size.
    /// @throws as read_chunk(), and web::http_request_entity_too_large past client_max_size.
    awaitable<std::string> read();
    /// Reads the rest of the content as text (no charset conversion; same limits as read()).
    awaitable<std::string> text() { return read(); }
    /// True once the content has been read to its end.
    bool at_eof() const noexcept;

private:
    friend class multipart_reader;
    body_part(std::shared_ptr<detail::multipart_state> state, std::uint64_t index) noexcept;

    std::shared_ptr<detail::multipart_state> state_;
    std::uint64_t index_;
    std::string name_;
    std::string filename_;
    http::headers headers_;
};

/// Reads a multipart request body part by part, without holding the body in memory.
///
/// @par Example
///   web::multipart_reader reader = request.multipart();
///   while (std::optional<web::body_part> part = co_await reader.next()) {
///       while (true) {
///           std::string_view piece = co_await part->read_chunk();
///           if (piece.empty()) break;
///           sink(piece);
///       }
///   }
///
/// @par Lifetime
/// Valid while the request is (that is, within the handler).
class multipart_reader {
public:
    /// Starts reading the body of `request`; reads nothing yet.
    /// @throws web::http_bad_request unless Content-Type is multipart/* with a valid boundary.
    explicit multipart_reader(request& request, multipart_options options = {});
    multipart_reader(multipart_reader&&) noexcept;
    multipart_reader& operator=(multipart_reader&&) noexcept;
    ~multipart_reader();

    /// Skips what is left of the current part and returns the next one, or nullopt after the
    /// closing boundary.
    /// @throws web::http_bad_request for a malformed body (missing closing boundary, bad part
    ///   headers…); web::http_request_entity_too_large for too many parts or past max_size.
    awaitable<std::optional<body_part>> next();

    /// The boundary from Content-Type.
    std::string_view boundary() const noexcept;

private:
    std::shared_ptr<detail::multipart_state> state_; // shared with the parts it returned
};

} // namespace ahttp::web
