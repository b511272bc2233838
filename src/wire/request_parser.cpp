// SPDX-License-Identifier: BSL-1.0
// Strict HTTP/1.1 request-head parser and chunked-body decoder (RFC 9112), without I/O or copies.
#include "wire/message_fields.hpp"
#include "wire/request_parser.hpp"
#include "wire/syntax.hpp"

#include <algorithm>
#include <array>
#include <limits>

namespace ahttp::wire {

namespace {

using http::status;
using namespace syntax;

// uri-host [ ":" port ] (RFC 9110 §7.2, RFC 3986 §3.2.2-3). Userinfo is refused (RFC 9110
// §4.2.4). With `require_port` this is the authority-form of CONNECT (RFC 9112 §3.2.3):
// both a host and a port are mandatory.
bool is_valid_authority(std::string_view s, bool require_port) noexcept
{
    std::size_t i = 0;
    if (!s.empty() && s.front() == '[') {
        // IP-literal: a loose check (hex, ':' and '.') that keeps delimiters out.
        auto const close = s.find(']');
        if (close == std::string_view::npos || close == 1) {
            return false;
        }
        for (i = 1; i < close; ++i) {
            if (!has_class(s[i], cc_hex) && s[i] != ':' && s[i] != '.') {
                return false;
            }
        }
        i = close + 1;
    } else {
        while (i < s.size() && has_class(s[i], cc_regname)) {
            if (s[i] == '%' && (i + 2 >= s.size() || !has_class(s[i + 1], cc_hex) ||
                                !has_class(s[i + 2], cc_hex))) {
                return false;
            }
            ++i;
        }
    }
    std::size_t const host_size = i;
    if (i == s.size()) {
        return !require_port;
    }
    if (s[i] != ':' || host_size == 0) {
        return false;
    }
    std::string_view const port = s.substr(i + 1);
    if (port.empty()) {
        return !require_port; // port = *DIGIT, so "host:" is valid in Host
    }
    return std::all_of(port.begin(), port.end(), is_digit);
}

// absolute-form (RFC 9112 §3.2.2): scheme "://" authority [ path-abempty [ "?" query ] ].
// Only hierarchical URIs with an authority can name an HTTP resource (RFC 9110 §4.2).
bool is_absolute_form(std::string_view target) noexcept
{
    auto const is_alpha = [](char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; };
    if (target.empty() || !is_alpha(target.front())) {
        return false;
    }
    std::size_t i = 1;
    while (i < target.size() && (is_alpha(target[i]) || is_digit(target[i]) || target[i] == '+' ||
                                 target[i] == '-' || target[i] == '.')) {
        ++i;
    }
    if (target.substr(i, 3) != "://") {
        return false;
    }
    target.remove_prefix(i + 3);
    auto const authority = target.substr(0, target.find_first_of("/?#"));
    return !authority.empty() && is_valid_authority(authority, false);
}

bool is_valid_target(std::string_view target, http::method m) noexcept
{
    // RFC 9112 §3.2: the form must suit the method.
    if (m == http::method::connect) {
        return is_valid_authority(target, true); // §3.2.3: CONNECT uses authority-form only
    }
    if (target.front() == '/') {
        return true; // §3.2.1 origin-form
    }
    if (target == "*") {
        return m == http::method::options; // §3.2.4 asterisk-form
    }
    return is_absolute_form(target);
}

// Dispatches on the few fields that shape the connection; length first keeps the common
// miss (User-Agent, Accept, …) to one switch.
void note_field(framing_facts& facts, std::string_view name, std::string_view value) noexcept
{
    switch (name.size()) {
    case 4:
        if (token_equals(name, "host")) {
            ++facts.host_count;
            facts.host_invalid = facts.host_invalid || !is_valid_authority(value, false);
        }
        break;
    case 6:
        if (token_equals(name, "expect") && ascii_iequals(value, "100-continue")) {
            facts.expect_continue = true;
        }
        break;
    case 7:
        if (token_equals(name, "upgrade")) {
            facts.has_upgrade = true;
        }
        break;
    case 10:
        if (token_equals(name, "connection")) {
            note_connection(facts, value);
        }
        break;
    case 14:
        if (token_equals(name, "content-length")) {
            note_content_length(facts, value);
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

void reset_head(request_head& head) noexcept
{
    head.method = http::method::unknown;
    head.method_token = {};
    head.target = {};
    head.version_minor = 1;
    head.fields.clear(); // keeps capacity: steady state allocates nothing
    head.framing = body_framing::none;
    head.content_length = 0;
    head.keep_alive = true;
    head.expect_continue = false;
    head.upgrade = false;
    head.head_size = 0;
}

} // namespace

parse_status request_parser::parse(std::string_view input, request_head& head,
                                   parse_error& error) const
{
    reset_head(head);
    char const* const begin = input.data();
    char const* const end = begin + input.size();
    char const* p = begin;

    auto const fail = [&error](status code, std::string_view reason) {
        error = {code, reason};
        return parse_status::error;
    };

    // RFC 9112 §2.2: ignore empty lines before the request line. They share the request line's
    // budget, so a peer cannot make us wait forever on a stream of CRLFs.
    // Line endings are strictly CRLF everywhere: §2.2 allows a recipient to accept a bare LF,
    // but a parser that does while a proxy does not is how requests get smuggled.
    for (;;) {
        if (p == end) {
            return parse_status::need_more;
        }
        if (*p != '\r') {
            break;
        }
        if (p + 1 == end) {
            return parse_status::need_more;
        }
        if (p[1] != '\n') {
            return fail(status::bad_request, "bare CR");
        }
        p += 2;
        if (static_cast<std::size_t>(p - begin) > limits_.max_line_size) {
            return fail(status::bad_request, "too many empty lines before request line");
        }
    }

    // request-line = method SP request-target SP HTTP-version CRLF (RFC 9112 §3). Scans stop at
    // `line_end`, one byte past the budget: reaching it without a CR means the line is too long,
    // which is decided now rather than after the peer has sent the rest.
    std::size_t const line_budget = limits_.max_line_size - static_cast<std::size_t>(p - begin);
    bool const line_capped = static_cast<std::size_t>(end - p) > line_budget;
    char const* const line_end = line_capped ? p + line_budget + 1 : end;
    auto const line_incomplete = [&]() {
        return line_capped ? fail(status::uri_too_long, "request line too long")
                           : parse_status::need_more;
    };

    char const* q = p;
    while (q != line_end && is_tchar(*q)) {
        ++q;
    }
    if (q == line_end) {
        return line_incomplete();
    }
    if (*q != ' ' || q == p) {
        return fail(status::bad_request, reason_for(*q, "invalid method"));
    }
    head.method_token = {p, static_cast<std::size_t>(q - p)};
    head.method = http::method_from_string(head.method_token);

    p = q + 1;
    q = p;
    while (q != line_end && has_class(*q, cc_target)) {
        ++q;
    }
    if (q == line_end) {
        return line_incomplete();
    }
    if (q == p) {
        return fail(status::bad_request, reason_for(*q, "empty request target"));
    }
    if (*q != ' ') {
        // "GET /\r\n" is an HTTP/0.9 simple request, which no current client sends.
        return fail(status::bad_request,
                    reason_for(*q, *q == '\r' ? "missing HTTP version" : "invalid request target"));
    }
    head.target = {p, static_cast<std::size_t>(q - p)};

    // HTTP-version = "HTTP/" DIGIT "." DIGIT, case-sensitive (RFC 9112 §2.3). Checked byte by
    // byte so that garbage is refused as soon as it arrives.
    p = q + 1;
    constexpr std::string_view version_shape = "HTTP/#.#";
    q = p;
    for (char const expected : version_shape) {
        if (q == line_end) {
            return line_incomplete();
        }
        if (expected == '#' ? !is_digit(*q) : *q != expected) {
            return fail(status::bad_request, reason_for(*q, "invalid HTTP version"));
        }
        ++q;
    }
    if (q == line_end) {
        return line_incomplete();
    }
    if (*q != '\r') {
        return fail(status::bad_request, reason_for(*q, "invalid HTTP version"));
    }
    if (q + 1 == end) {
        return parse_status::need_more;
    }
    if (q[1] != '\n') {
        return fail(status::bad_request, "bare CR");
    }
    // A well-formed version we do not speak is not malformed: RFC 9110 §15.6.6.
    if (p[5] != '1' || p[7] > '1') {
        return fail(status::http_version_not_supported, "unsupported HTTP version");
    }
    head.version_minor = p[7] - '0';
    if (!is_valid_target(head.target, head.method)) {
        return fail(status::bad_request, "invalid request target");
    }
    p = q + 2;

    // field-line = field-name ":" OWS field-value OWS (RFC 9112 §5).
    framing_facts facts;
    parse_status const fields_status =
        parse_field_lines(p, end, limits_, head.fields, error,
                          [&facts](std::string_view name, std::string_view value) {
                              note_field(facts, name, value);
                          });
    if (fields_status != parse_status::complete) {
        return fields_status;
    }

    // The head is complete: judge what the fields say together (RFC 9112 §6.3).
    if (facts.content_length_count > 1) {
        // Even identical copies: §6.3 allows merging them, but refusing is never misread.
        return fail(status::bad_request, "duplicate Content-Length");
    }
    if (facts.content_length_invalid) {
        return fail(status::bad_request, "invalid Content-Length");
    }
    // RFC 9112 §3.2: exactly one valid Host, which HTTP/1.1 requires.
    if (facts.host_count > 1) {
        return fail(status::bad_request, "duplicate Host");
    }
    if (facts.host_invalid) {
        return fail(status::bad_request, "invalid Host");
    }
    if (facts.connection_invalid) {
        return fail(status::bad_request, "invalid Connection");
    }
    if (facts.host_count == 0 && head.version_minor == 1) {
        return fail(status::bad_request, "missing Host");
    }
    if (facts.has_transfer_encoding) {
        // §6.1: an HTTP/1.0 peer cannot have meant chunked, so the framing is faulty.
        if (head.version_minor == 0) {
            return fail(status::bad_request, "Transfer-Encoding in HTTP/1.0");
        }
        // §6.3 item 3: the classic smuggling pair; refuse instead of letting chunked win.
        if (facts.content_length_count != 0) {
            return fail(status::bad_request, "both Transfer-Encoding and Content-Length");
        }
        if (facts.transfer_encoding_invalid || facts.coding_count == 0) {
            return fail(status::bad_request, "invalid Transfer-Encoding");
        }
        // §7: chunked MUST NOT be applied more than once.
        if (facts.chunked_count > 1) {
            return fail(status::bad_request, "chunked applied more than once");
        }
        // §6.3 item 4: a request whose final coding is not chunked has no knowable length.
        if (facts.chunked_count == 1 && !facts.chunked_last) {
            return fail(status::bad_request, "chunked is not the final coding");
        }
        // §6.1: a coding we do not implement (gzip, compress, deflate, identity, …).
        if (facts.other_coding) {
            return fail(status::not_implemented, "unsupported transfer coding");
        }
        head.framing = body_framing::chunked;
    } else if (facts.content_length_count == 1) {
        head.framing = body_framing::content_length;
        head.content_length = facts.content_length;
    }

    // RFC 9112 §9.3: 1.1 persists unless "close"; 1.0 only with "keep-alive".
    head.keep_alive =
        !facts.connection_close && (head.version_minor == 1 || facts.connection_keep_alive);
    // RFC 9110 §7.8 and §10.1.1: Upgrade and 100-continue in an HTTP/1.0 request are ignored.
    head.upgrade = head.version_minor == 1 && facts.connection_upgrade && facts.has_upgrade;
    head.expect_continue = head.version_minor == 1 && facts.expect_continue;
    head.head_size = static_cast<std::size_t>(p - begin);
    return parse_status::complete;
}

namespace {

// Bounds that keep a peer from streaming unbounded non-data bytes at us.
constexpr std::size_t max_chunk_line_size = 4096; // chunk-size plus extensions, CRLF excluded
constexpr std::size_t max_trailer_size = 8190;    // trailer field lines, CRLFs included
constexpr unsigned char max_size_digits = 16;     // 16 hex digits fill a uint64_t exactly

} // namespace

bool chunked_decoder::extension_step(char c) noexcept
{
    bool const space = c == ' ' || c == '\t';
    bool const tchar = has_class(c, cc_tchar);
    auto const byte = static_cast<unsigned char>(c);
    switch (extension_) {
    case ext::before_name:
        if (tchar) {
            extension_ = ext::name;
        }
        return space || tchar;
    case ext::name:
    case ext::after_name:
        if (c == '=') {
            extension_ = ext::before_value;
            return true;
        }
        if (c == ';') {
            extension_ = ext::before_name;
            return true;
        }
        if (space) {
            extension_ = ext::after_name;
            return true;
        }
        return c == '\r' || (tchar && extension_ == ext::name);
    case ext::before_value:
        if (c == '"') {
            extension_ = ext::quoted;
        } else if (tchar) {
            extension_ = ext::token_value;
        }
        return space || tchar || c == '"';
    case ext::token_value:
    case ext::after_value:
        if (c == ';') {
            extension_ = ext::before_name;
            return true;
        }
        if (space) {
            extension_ = ext::after_value;
            return true;
        }
        return c == '\r' || (tchar && extension_ == ext::token_value);
    case ext::quoted:
        // qdtext: HTAB, SP, 0x21, 0x23-0x5B, 0x5D-0x7E, obs-text
        if (c == '"') {
            extension_ = ext::after_value;
            return true;
        }
        if (c == '\\') {
            extension_ = ext::quoted_escape;
            return true;
        }
        return space || (byte >= 0x21 && byte != 0x7F);
    case ext::quoted_escape:
        extension_ = ext::quoted;
        return space || (byte >= 0x21 && byte != 0x7F);
    }
    return false;
}

chunked_decoder::result chunked_decoder::decode(std::string_view input) noexcept
{
    result r;
    if (state_ == state::done) {
        r.done = true;
        return r;
    }
    if (state_ == state::failed) {
        r.failed = true;
        r.reason = reason_;
        return r;
    }

    char const* const begin = input.data();
    char const* const end = begin + input.size();
    char const* p = begin;

    auto const fail = [&](std::string_view reason) {
        state_ = state::failed;
        reason_ = reason;
        r.consumed = static_cast<std::size_t>(p - begin);
        r.data = {}; // nothing from a broken body is delivered
        r.failed = true;
        r.reason = reason;
        return r;
    };

    while (p != end) {
        char const c = *p;
        switch (state_) {
        case state::size:
            // chunk-size = 1*HEXDIG (RFC 9112 §7.1); no sign, prefix or whitespace.
            if (has_class(c, cc_hex)) {
                if (size_digits_ == max_size_digits) {
                    return fail("chunk size too large");
                }
                remaining_ = remaining_ * 16 + static_cast<std::uint64_t>(hex_value(c));
                ++size_digits_;
            } else if (size_digits_ != 0 && c == ';') {
                state_ = state::extension;
                extension_ = ext::before_name;
            } else if (size_digits_ != 0 && c == '\r') {
                state_ = state::size_lf;
            } else {
                return fail(reason_for(c, "invalid chunk size"));
            }
            break;
        case state::extension:
            // RFC 9112 §7.1.1: extensions we do not understand are ignored, but they must
            // follow the grammar, *( BWS ";" BWS name [ BWS "=" BWS token / quoted-string ] ),
            // as Beast requires too (found by the differential fuzz target): a line that only
            // one of two parsers accepts is where they start to disagree.
            if (!extension_step(c)) {
                return fail(reason_for(c, "invalid chunk extension"));
            }
            if (c == '\r') {
                state_ = state::size_lf;
            }
            break;
        case state::size_lf:
            if (c != '\n') {
                return fail("bare CR");
            }
            line_bytes_ = 0;
            size_digits_ = 0;
            state_ = remaining_ == 0 ? state::trailer : state::data;
            ++p;
            continue;
        case state::data: {
            if (!r.data.empty()) {
                r.consumed = static_cast<std::size_t>(p - begin);
                return r; // one span per call: the caller consumes it before the next
            }
            auto const n = static_cast<std::size_t>(
                std::min<std::uint64_t>(remaining_, static_cast<std::uint64_t>(end - p)));
            r.data = {p, n};
            remaining_ -= n;
            p += n;
            if (remaining_ == 0) {
                state_ = state::data_cr;
            }
            continue;
        }
        case state::data_cr:
            if (c != '\r') {
                return fail(reason_for(c, "missing CRLF after chunk data"));
            }
            state_ = state::data_lf;
            break;
        case state::data_lf:
            if (c != '\n') {
                return fail("bare CR");
            }
            state_ = state::size;
            ++p;
            continue;
        case state::trailer:
            // trailer-section = *( field-line CRLF ), validated like the head (RFC 9112 §7.1.2)
            // and then dropped: no caller asks for trailers yet.
            if (c == '\r') {
                state_ = state::final_lf;
                ++p;
                continue;
            }
            if (is_ows(c)) {
                return fail("obsolete line folding in trailer");
            }
            if (!is_tchar(c)) {
                return fail(reason_for(c, "invalid trailer field name"));
            }
            state_ = state::trailer_name;
            break;
        case state::trailer_name:
            if (c == ':') {
                state_ = state::trailer_value;
            } else if (is_ows(c)) {
                return fail("whitespace before colon in trailer");
            } else if (!is_tchar(c)) {
                return fail(reason_for(c, "invalid trailer field name"));
            }
            break;
        case state::trailer_value:
            if (c == '\r') {
                state_ = state::trailer_lf;
            } else if (!has_class(c, cc_value)) {
                return fail(reason_for(c, "invalid trailer field value"));
            }
            break;
        case state::trailer_lf:
            if (c != '\n') {
                return fail("bare CR");
            }
            state_ = state::trailer;
            break;
        case state::final_lf:
            if (c != '\n') {
                return fail("bare CR");
            }
            state_ = state::done;
            ++p;
            r.consumed = static_cast<std::size_t>(p - begin);
            r.done = true;
            return r;
        case state::done:
        case state::failed:
            break; // handled before the loop
        }

        // Only the non-data states that stay on their line reach here: bound the line.
        switch (state_) {
        case state::size:
        case state::extension:
        case state::size_lf:
            if (++line_bytes_ > max_chunk_line_size && c != '\r') {
                return fail("chunk line too long");
            }
            break;
        case state::trailer_name:
        case state::trailer_value:
        case state::trailer_lf:
        case state::trailer:
            if (++trailer_bytes_ > max_trailer_size) {
                return fail("trailer section too large");
            }
            break;
        default:
            break;
        }
        ++p;
    }
    r.consumed = static_cast<std::size_t>(p - begin);
    return r;
}

} // namespace ahttp::wire
