// SPDX-License-Identifier: BSL-1.0
// The field section of a request or response head (RFC 9112 §5) and the framing facts read
// from it (§6). Shared by both parsers; internal to the wire module.
#pragma once

#include "wire/parse_result.hpp"
#include "wire/syntax.hpp"

#include <ahttp/http/headers.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ahttp::wire {

// What the framing-related fields said, gathered while scanning and judged once the whole
// head is there (a conflict may only show in a later field).
struct framing_facts {
    std::size_t content_length_count = 0;
    bool content_length_invalid = false;
    bool content_length_differs = false; ///< two Content-Length lines with different values
    std::uint64_t content_length = 0;

    bool has_transfer_encoding = false;
    bool transfer_encoding_invalid = false;
    bool other_coding = false;
    bool chunked_last = false;
    std::size_t chunked_count = 0;
    std::size_t coding_count = 0;

    std::size_t host_count = 0;
    bool host_invalid = false;

    bool connection_close = false;
    bool connection_keep_alive = false;
    bool connection_upgrade = false;
    bool connection_invalid = false; ///< an element of Connection is not a token
    bool has_upgrade = false;
    bool expect_continue = false;
};

/// Content-Length = 1*DIGIT (RFC 9110 §8.6).
void note_content_length(framing_facts& facts, std::string_view value) noexcept;
/// Transfer-Encoding = #transfer-coding (RFC 9112 §6.1); several field lines form one list.
void note_transfer_encoding(framing_facts& facts, std::string_view value) noexcept;
/// Connection options (RFC 9110 §7.6.1): close, keep-alive, upgrade.
void note_connection(framing_facts& facts, std::string_view value) noexcept;

/// Names the problem with a byte that ended a scan where it should not have.
constexpr std::string_view reason_for(char c, std::string_view otherwise) noexcept
{
    if (c == '\n') {
        return "bare LF";
    }
    if (c == '\0') {
        return "NUL byte";
    }
    return otherwise;
}

/// Parses field lines from `p` up to and including the empty line that ends the head
/// (field-line = field-name ":" OWS field-value OWS, RFC 9112 §5), adding each to `fields`
/// and passing it to `on_field(name, value)`. On complete, `p` points past the empty line.
/// Line endings are strictly CRLF; obs-fold and whitespace before a colon are refused.
template <class OnField>
parse_status parse_field_lines(char const*& p, char const* end, parser_limits const& limits,
                               http::headers_view& fields, parse_error& error, OnField&& on_field)
{
    using syntax::is_ows;
    auto const fail = [&error](http::status code, std::string_view reason) {
        error = {code, reason};
        return parse_status::error;
    };
    for (;;) {
        if (p == end) {
            return parse_status::need_more;
        }
        if (*p == '\r') {
            if (p + 1 == end) {
                return parse_status::need_more;
            }
            if (p[1] != '\n') {
                return fail(http::status::bad_request, "bare CR");
            }
            p += 2;
            return parse_status::complete;
        }
        if (is_ows(*p)) {
            // RFC 9112 §5.2 lets a recipient refuse obs-fold, and §2.2 whitespace before the
            // first field; both have been used to hide fields from one parser but not another.
            return fail(http::status::bad_request, fields.empty()
                                                       ? "whitespace before first header field"
                                                       : "obsolete line folding");
        }
        if (fields.size() == limits.max_fields) {
            return fail(http::status::request_header_fields_too_large, "too many header fields");
        }

        bool const field_capped = static_cast<std::size_t>(end - p) > limits.max_field_size;
        char const* const field_end = field_capped ? p + limits.max_field_size + 1 : end;
        auto const field_incomplete = [&]() {
            return field_capped ? fail(http::status::request_header_fields_too_large,
                                       "header field too long")
                                : parse_status::need_more;
        };

        char const* q = syntax::skip_token(p, field_end);
        if (q == field_end) {
            return field_incomplete();
        }
        if (*q != ':') {
            // RFC 9112 §5.1: whitespace between name and colon MUST be rejected with 400.
            std::string_view reason = "invalid header name";
            if (is_ows(*q)) {
                reason = "whitespace before colon";
            } else if (*q == '\r') {
                reason = "missing colon in header field";
            }
            return fail(http::status::bad_request, reason_for(*q, reason));
        }
        if (q == p) {
            return fail(http::status::bad_request, "empty header name");
        }
        std::string_view const name{p, static_cast<std::size_t>(q - p)};

        char const* const value_begin = q + 1;
        q = syntax::skip_value(value_begin, field_end);
        if (q == field_end) {
            return field_incomplete();
        }
        if (*q != '\r') {
            return fail(http::status::bad_request, reason_for(*q, "invalid header value"));
        }
        if (q + 1 == end) {
            return parse_status::need_more;
        }
        if (q[1] != '\n') {
            return fail(http::status::bad_request, "bare CR");
        }
        std::string_view const value =
            syntax::trim_ows({value_begin, static_cast<std::size_t>(q - value_begin)});
        fields.add(name, value);
        on_field(name, value);
        p = q + 2;
    }
}

} // namespace ahttp::wire
