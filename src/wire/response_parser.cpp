// SPDX-License-Identifier: BSL-1.0
// HTTP/1.1 status line, fields and body framing of a response (RFC 9112 §4, §6.3).
#include "hot_path.hpp"
#include "wire/message_fields.hpp"
#include "wire/response_parser.hpp"
#include "wire/syntax.hpp"

#include <cstddef>
#include <cstring>

namespace ahttp::wire {
namespace {

using http::status;
using namespace syntax;

AHTTP_HOT_PATH void note_response_field(framing_facts& facts, response_head& head,
                                        std::string_view name, std::string_view value) noexcept
{
    switch (name.size()) {
    case 10:
        if (token_equals(name, "connection")) {
            note_connection(facts, value);
        } else if (token_equals(name, "set-cookie")) {
            head.has_set_cookie = true;
        }
        break;
    case 14:
        if (token_equals(name, "content-length")) {
            note_content_length(facts, value);
        }
        break;
    case 16:
        if (token_equals(name, "content-encoding")) {
            head.has_content_encoding = true;
        }
        break;
    case 17:
        if (token_equals(name, "transfer-encoding")) {
            note_transfer_encoding(facts, value);
        }
        break;
    default:
        break;
    }
}

void reset_head(response_head& head) noexcept
{
    head.status = 0;
    head.reason = {};
    head.version_minor = 1;
    head.fields.clear();
    head.framing = response_framing::none;
    head.content_length = 0;
    head.keep_alive = true;
    head.head_size = 0;
    head.has_set_cookie = false;
    head.has_content_encoding = false;
}

} // namespace

AHTTP_HOT_PATH parse_status response_parser::parse(std::string_view input, response_head& head,
                                                   parse_error& error, request_facts request) const
{
    reset_head(head);
    char const* const begin = input.data();
    char const* const end = begin + input.size();
    char const* p = begin;
    auto const fail = [&error](std::string_view reason) {
        error = {status::bad_gateway, reason};
        return parse_status::error;
    };

    // status-line = HTTP-version SP status-code SP [ reason-phrase ] CRLF (RFC 9112 §4).
    bool const line_capped = input.size() > limits_.max_line_size;
    char const* const line_end = line_capped ? p + limits_.max_line_size + 1 : end;
    auto const line_incomplete = [&]() {
        return line_capped ? fail("status line too long") : parse_status::need_more;
    };
    constexpr std::string_view shape = "HTTP/#.# ###";
    // The usual "HTTP/1.1 200" at once; anything else (short, odd, wrong) byte by byte below,
    // which says what is wrong.
    if (line_end - p >= static_cast<std::ptrdiff_t>(shape.size()) &&
        std::memcmp(p, "HTTP/1.", 7) == 0 && is_digit(p[7]) && p[8] == ' ' && is_digit(p[9]) &&
        is_digit(p[10]) && is_digit(p[11])) {
        p += shape.size();
    }
    for (char const expected : shape.substr(static_cast<std::size_t>(p - begin))) {
        if (p == line_end) {
            return line_incomplete();
        }
        bool const ok = expected == '#' ? is_digit(*p) : *p == expected;
        if (!ok) {
            return fail(reason_for(*p, "invalid status line"));
        }
        ++p;
    }
    if (begin[5] != '1' || begin[7] > '1') {
        return fail("unsupported HTTP version");
    }
    head.version_minor = begin[7] - '0';
    head.status =
        static_cast<unsigned>((begin[9] - '0') * 100 + (begin[10] - '0') * 10 + (begin[11] - '0'));
    if (head.status < 100) {
        return fail("invalid status code");
    }
    if (p == line_end) {
        return line_incomplete();
    }
    if (*p == ' ') {
        ++p;
        char const* const reason_begin = p;
        while (p != line_end && has_class(*p, cc_value)) {
            ++p;
        }
        if (p == line_end) {
            return line_incomplete();
        }
        head.reason = {reason_begin, static_cast<std::size_t>(p - reason_begin)};
    }
    if (*p != '\r') {
        return fail(reason_for(*p, "invalid status line"));
    }
    if (p + 1 == end) {
        return parse_status::need_more;
    }
    if (p[1] != '\n') {
        return fail("bare CR");
    }
    p += 2;

    framing_facts facts;
    parse_status const fields_status =
        parse_field_lines(p, end, limits_, head.fields, error,
                          [&facts, &head](std::string_view name, std::string_view value) {
                              note_response_field(facts, head, name, value);
                          });
    if (fields_status != parse_status::complete) {
        if (fields_status == parse_status::error) {
            error.status = status::bad_gateway;
        }
        return fields_status;
    }
    head.head_size = static_cast<std::size_t>(p - begin);
    head.keep_alive =
        !facts.connection_close && (head.version_minor == 1 || facts.connection_keep_alive);

    // RFC 9112 §6.3 items 1 and 2: these never have content, whatever their fields say (a
    // 304's or a HEAD response's Content-Length describes the representation, not this body).
    bool const tunnel = request.connect && head.status >= 200 && head.status < 300;
    if (request.head || head.status < 200 || head.status == 204 || head.status == 304 || tunnel) {
        head.framing = response_framing::none;
        return parse_status::complete;
    }
    if (facts.has_transfer_encoding) {
        if (head.version_minor == 0) {
            return fail("Transfer-Encoding in HTTP/1.0");
        }
        if (facts.content_length_count != 0) {
            return fail("both Transfer-Encoding and Content-Length");
        }
        if (facts.transfer_encoding_invalid || facts.coding_count == 0 || facts.chunked_count > 1) {
            return fail("invalid Transfer-Encoding");
        }
        if (facts.other_coding) {
            // gzip or deflate as a transfer coding: no server we know sends it, and reading
            // it as chunked (or not) would misframe the body.
            return fail("unsupported transfer coding");
        }
        head.framing = response_framing::chunked;
        return parse_status::complete;
    }
    if (facts.content_length_count != 0) {
        if (facts.content_length_invalid || facts.content_length_differs) {
            return fail("invalid Content-Length");
        }
        head.framing = response_framing::content_length;
        head.content_length = facts.content_length;
        return parse_status::complete;
    }
    // §6.3 item 8: no length at all: the body ends when the server closes.
    head.framing = response_framing::until_close;
    head.keep_alive = false;
    return parse_status::complete;
}

} // namespace ahttp::wire
