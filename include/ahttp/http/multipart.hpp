// SPDX-License-Identifier: BSL-1.0
// multipart bodies (RFC 2046 §5.1, RFC 7578): the boundary parameter, Content-Disposition, and
// an incremental, sans-I/O parser whose memory is bounded whatever the input.
#pragma once

#include <ahttp/error.hpp>
#include <ahttp/http/headers.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ahttp::http {

/// The longest boundary RFC 2046 §5.1.1 allows.
inline constexpr std::size_t max_multipart_boundary = 70;

/// Returns the boundary parameter of a multipart Content-Type value, e.g.
/// `multipart/form-data; boundary="abc 123"` gives `abc 123`.
///
/// The type must be `multipart/<subtype>` and the boundary 1 to 70 characters from RFC 2046's
/// `bchars` (letters, digits, `'()+_,-./:=?` and space, not last), quoted or not.
/// @return the boundary, or `errc::bad_request` if the value is not such a Content-Type.
result<std::string> multipart_boundary(std::string_view content_type);

/// A parsed Content-Disposition field value (RFC 6266, RFC 7578 §4.2).
struct content_disposition {
    std::string type;                    ///< lower-cased: "form-data", "attachment", "inline"…
    std::string name;                    ///< the `name` parameter; empty if absent
    std::optional<std::string> filename; ///< `filename*` (RFC 5987) if usable, else `filename`
};

/// Parses a Content-Disposition value such as `form-data; name="file"; filename="a.txt"`.
///
/// Parameter names ignore case; values are tokens or quoted strings (a backslash escapes only
/// `"` and `\`, so Windows paths survive). `filename*=UTF-8''%E2%82%AC.txt` is decoded when its
/// charset is UTF-8, US-ASCII or ISO-8859-1 (converted to UTF-8) and preferred over `filename`;
/// other charsets are ignored. Browsers' `%22` escapes in plain `filename` are kept as sent.
/// @return the parsed value, or `errc::bad_request` for a malformed or duplicated parameter.
result<content_disposition> parse_content_disposition(std::string_view value);

/// Bounds for multipart_parser; each one exceeded is an error, so memory stays bounded.
struct multipart_parser_options {
    /// Bytes in one part's header block, CRLFs and the blank line included.
    std::size_t max_header_size = 8192;
    /// Header fields in one part.
    std::size_t max_headers = 32;
    /// Body parts in one body (Go's default since CVE-2023-24536).
    std::size_t max_parts = 1000;
};

/// An incremental multipart body parser: feed it bytes as they arrive, in pieces of any size,
/// and it reports part boundaries, each part's headers and its content in pieces.
///
/// It never copies content: data pieces point into the input (or, for a few bytes that looked
/// like the start of a boundary and were not, into the parser), and it never holds more than
/// one part's header block. The preamble before the first boundary and the epilogue after the
/// last are skipped. Delimiter lines must end in CRLF; a body without the closing boundary is
/// an error (see finish()).
///
/// @par Example
///   http::multipart_parser parser{boundary};
///   while (!input.empty()) {
///       auto step = parser.parse(input);            // result<step>
///       if (!step) { return fail(parser.error_message()); }
///       input.remove_prefix(step->consumed);
///       switch (step->what) {                       // part_begin, data, part_end, done…
///       case event::data: sink(step->data); break;
///       …
///       }
///   }
class multipart_parser {
public:
    enum class event {
        need_more,  ///< all input consumed; feed more
        part_begin, ///< a part's headers are complete: see headers()
        data,       ///< a piece of the current part's content in `data`
        part_end,   ///< the current part's content is complete
        done,       ///< the closing boundary was seen; the rest (epilogue) is ignored
    };

    /// What one call to parse() found.
    struct step {
        event what = event::need_more;
        std::size_t consumed = 0; ///< bytes of the input used; pass the rest to the next call
        std::string_view data;    ///< the content piece for event::data
    };

    /// Prepares to parse a body delimited by `boundary` (as multipart_boundary() returns it).
    /// @throws ahttp::error (invalid_argument) if the boundary is empty or too long.
    explicit multipart_parser(std::string_view boundary, multipart_parser_options options = {});

    /// Parses from the start of `input` up to the next event, or through the end of `input`.
    ///
    /// A data piece stays valid until the next call and until `input` changes. Once done, every
    /// call consumes its whole input and returns `done` again.
    /// @return the step; or, for malformed input, `errc::bad_request`, `errc::header_too_large`,
    ///   `errc::too_many_headers` or `errc::payload_too_large` (too many parts), after which the
    ///   parser stays failed and error_message() tells why.
    result<step> parse(std::string_view input);

    /// Reports the end of the input: an error unless the closing boundary was seen.
    result<void> finish();

    /// The current part's header fields, valid from its `part_begin` until the parse() call
    /// after its `part_end`.
    headers_view const& headers() const noexcept { return headers_; }
    /// How many parts have begun so far.
    std::size_t part_count() const noexcept { return parts_; }
    bool done() const noexcept { return state_ == state::done; }
    bool failed() const noexcept { return state_ == state::failed; }
    /// The error parse() or finish() returned; empty if none.
    error_code error() const noexcept { return error_; }
    /// Why the parser failed, e.g. "part header block too large"; empty if it did not.
    std::string_view error_message() const noexcept { return message_; }
    std::string_view boundary() const noexcept { return std::string_view{delimiter_}.substr(4); }

private:
    enum class state {
        preamble,   // before the first delimiter: skipped
        after_dash, // just after a delimiter: "--", padding or CRLF
        close_dash, // after a delimiter and one '-'
        padding,    // transport padding (spaces, tabs) before CRLF
        expect_lf,  // after the CR ending a delimiter line
        headers,    // collecting a part's header block
        body,       // a part's content
        done,
        failed,
    };

    error_code fail(errc code, char const* message) noexcept;
    bool parse_header_block();

    std::string delimiter_; // "\r\n--" + boundary
    std::string header_block_;
    headers_view headers_;
    multipart_parser_options options_;
    std::size_t matched_ = 0;   // delimiter bytes matched at the end of the previous input
    bool virtual_crlf_ = false; // the first two of them are assumed, not received
    std::size_t parts_ = 0;
    state state_ = state::preamble;
    error_code error_;
    char const* message_ = "";
};

} // namespace ahttp::http
