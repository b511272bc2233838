// SPDX-License-Identifier: BSL-1.0
// multipart bodies: boundary and Content-Disposition parsing, and the incremental parser.
#include "http/text.hpp"

#include <ahttp/http/multipart.hpp>

#include <algorithm>
#include <cstring>
#include <functional>

namespace ahttp::http {

namespace {

using detail::is_ows;
using detail::lower_ascii;
using detail::trim_ows;

constexpr bool is_tchar(char c) noexcept
{
    // RFC 9110 §5.6.2 token characters.
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        return true;
    }
    return std::string_view{"!#$%&'*+-.^_`|~"}.find(c) != std::string_view::npos;
}

constexpr bool is_bchar(char c) noexcept
{
    // RFC 2046 §5.1.1 bcharsnospace, plus space (never last).
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        return true;
    }
    return std::string_view{"'()+_,-./:=? "}.find(c) != std::string_view::npos;
}

std::string_view take_token(std::string_view& s) noexcept
{
    std::size_t n = 0;
    while (n < s.size() && is_tchar(s[n])) {
        ++n;
    }
    std::string_view const token = s.substr(0, n);
    s.remove_prefix(n);
    return token;
}

/// Walks the `; name=value` parameters after a media type or disposition type (RFC 9110 §5.6.6).
/// Calls `on_param(lower-cased name, unquoted value)` for each; false if the syntax is broken.
bool for_each_param(std::string_view rest,
                    std::function<bool(std::string const&, std::string&&)> const& on_param)
{
    for (;;) {
        rest = trim_ows(rest);
        if (rest.empty()) {
            return true;
        }
        if (rest.front() != ';') {
            return false;
        }
        rest.remove_prefix(1);
        rest = trim_ows(rest);
        if (rest.empty() || rest.front() == ';') {
            continue; // tolerate empty parameters ("a;;b", trailing ';')
        }
        std::string_view const name = take_token(rest);
        rest = trim_ows(rest);
        if (name.empty() || rest.empty() || rest.front() != '=') {
            return false;
        }
        rest.remove_prefix(1);
        rest = trim_ows(rest);
        std::string value;
        if (!rest.empty() && rest.front() == '"') {
            // quoted-string. A backslash escapes only '"' and '\': browsers do not escape at
            // all, and old clients send Windows paths such as "C:\dir\file.txt" verbatim.
            std::size_t i = 1;
            bool closed = false;
            for (; i < rest.size(); ++i) {
                char const c = rest[i];
                if (c == '"') {
                    closed = true;
                    break;
                }
                if (c == '\\' && i + 1 < rest.size() &&
                    (rest[i + 1] == '"' || rest[i + 1] == '\\')) {
                    value.push_back(rest[++i]);
                    continue;
                }
                if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) {
                    return false;
                }
                value.push_back(c);
            }
            if (!closed) {
                return false;
            }
            rest.remove_prefix(i + 1);
        } else {
            // A token, leniently: anything up to ';' or whitespace but quotes and controls.
            std::size_t n = 0;
            while (n < rest.size() && rest[n] != ';' && !is_ows(rest[n])) {
                auto const c = static_cast<unsigned char>(rest[n]);
                if (c < 0x20 || c == 0x7f || c == '"') {
                    return false;
                }
                ++n;
            }
            if (n == 0) {
                return false;
            }
            value.assign(rest.substr(0, n));
            rest.remove_prefix(n);
        }
        if (!on_param(lower_ascii(name), std::move(value))) {
            return false;
        }
    }
}

/// Decodes an RFC 5987 ext-value (`charset'lang'pct-encoded`) to UTF-8, or nullopt if its
/// charset is not one we can convert or its escapes are broken.
std::optional<std::string> decode_ext_value(std::string_view value)
{
    auto const first = value.find('\'');
    if (first == std::string_view::npos) {
        return std::nullopt;
    }
    auto const second = value.find('\'', first + 1);
    if (second == std::string_view::npos) {
        return std::nullopt;
    }
    std::string const charset = lower_ascii(value.substr(0, first));
    bool const latin1 = charset == "iso-8859-1" || charset == "latin1";
    if (charset != "utf-8" && charset != "us-ascii" && !latin1) {
        return std::nullopt;
    }
    std::string_view const encoded = value.substr(second + 1);
    std::string out;
    out.reserve(encoded.size());
    for (std::size_t i = 0; i < encoded.size(); ++i) {
        auto byte = static_cast<unsigned char>(encoded[i]);
        if (byte == '%') {
            if (i + 2 >= encoded.size()) {
                return std::nullopt;
            }
            int const hi = detail::hex_value(encoded[i + 1]);
            int const lo = detail::hex_value(encoded[i + 2]);
            if (hi < 0 || lo < 0) {
                return std::nullopt;
            }
            byte = static_cast<unsigned char>(hi * 16 + lo);
            i += 2;
        }
        if (latin1 && byte >= 0x80) {
            out.push_back(static_cast<char>(0xc0 | (byte >> 6)));
            out.push_back(static_cast<char>(0x80 | (byte & 0x3f)));
        } else {
            out.push_back(static_cast<char>(byte));
        }
    }
    return out;
}

} // namespace

result<std::string> multipart_boundary(std::string_view content_type)
{
    std::string_view rest = trim_ows(content_type);
    std::string_view const type = take_token(rest);
    if (!iequals(type, "multipart") || rest.empty() || rest.front() != '/') {
        return make_error_code(errc::bad_request);
    }
    rest.remove_prefix(1);
    if (take_token(rest).empty()) {
        return make_error_code(errc::bad_request);
    }
    std::optional<std::string> boundary;
    bool const ok = for_each_param(rest, [&](std::string const& name, std::string&& value) {
        if (name != "boundary") {
            return true;
        }
        if (boundary) {
            return false; // two boundaries: ambiguous
        }
        boundary = std::move(value);
        return true;
    });
    if (!ok || !boundary || boundary->empty() || boundary->size() > max_multipart_boundary ||
        boundary->back() == ' ' || !std::all_of(boundary->begin(), boundary->end(), is_bchar)) {
        return make_error_code(errc::bad_request);
    }
    return std::move(*boundary);
}

result<content_disposition> parse_content_disposition(std::string_view value)
{
    std::string_view rest = trim_ows(value);
    std::string_view const type = take_token(rest);
    if (type.empty()) {
        return make_error_code(errc::bad_request);
    }
    content_disposition out;
    out.type = lower_ascii(type);
    bool has_name = false;
    std::optional<std::string> filename;
    std::optional<std::string> filename_ext;
    bool has_filename_ext = false;
    bool const ok = for_each_param(rest, [&](std::string const& name, std::string&& v) {
        if (name == "name") {
            if (has_name) {
                return false;
            }
            has_name = true;
            out.name = std::move(v);
        } else if (name == "filename") {
            if (filename) {
                return false;
            }
            filename = std::move(v);
        } else if (name == "filename*") {
            if (has_filename_ext) {
                return false;
            }
            has_filename_ext = true;
            filename_ext = decode_ext_value(v); // unusable: fall back to filename
        }
        return true;
    });
    if (!ok) {
        return make_error_code(errc::bad_request);
    }
    out.filename = filename_ext ? std::move(filename_ext) : std::move(filename);
    return out;
}

multipart_parser::multipart_parser(std::string_view boundary, multipart_parser_options options)
    : options_(options)
{
    if (boundary.empty() || boundary.size() > max_multipart_boundary) {
        throw ahttp::error{errc::invalid_argument, "multipart boundary must be 1 to 70 characters"};
    }
    delimiter_.reserve(4 + boundary.size());
    delimiter_.append("\r\n--").append(boundary);
    header_block_.reserve(options_.max_header_size);
    // RFC 2046 §5.1.1: the first boundary may open the body without a preceding CRLF. Treat
    // the start as if "\r\n" had just been matched, so "--boundary" at offset 0 is found too.
    matched_ = 2;
    virtual_crlf_ = true;
}

error_code multipart_parser::fail(errc code, char const* message) noexcept
{
    state_ = state::failed;
    error_ = make_error_code(code);
    message_ = message;
    return error_;
}

result<multipart_parser::step> multipart_parser::parse(std::string_view input)
{
    std::size_t pos = 0;
    std::string_view const delimiter{delimiter_};
    while (true) {
        switch (state_) {
        case state::failed:
            return error_;

        case state::done:
            return step{event::done, input.size(), {}};

        case state::preamble:
        case state::body: {
            bool const in_body = state_ == state::body;
            if (matched_ > 0) {
                // The previous input ended with the first `matched_` bytes of the delimiter.
                std::size_t const n = std::min(input.size() - pos, delimiter.size() - matched_);
                if (n == 0) {
                    return step{event::need_more, pos, {}};
                }
                if (std::memcmp(input.data() + pos, delimiter.data() + matched_, n) == 0) {
                    matched_ += n;
                    pos += n;
                    if (matched_ < delimiter.size()) {
                        return step{event::need_more, pos, {}};
                    }
                    matched_ = 0;
                    virtual_crlf_ = false;
                    state_ = state::after_dash;
                    if (in_body) {
                        return step{event::part_end, pos, {}};
                    }
                    continue;
                }
                // Not a delimiter after all: the held bytes were content (less the assumed
                // CRLF). A delimiter prefix holds one CR, at its start, so no other delimiter
                // can begin inside it.
                std::size_t const held = matched_;
                std::size_t const real = virtual_crlf_ ? 2 : 0;
                matched_ = 0;
                virtual_crlf_ = false;
                if (in_body && held > real) {
                    return step{event::data, pos, delimiter.substr(real, held - real)};
                }
                continue;
            }
            std::string_view const rest = input.substr(pos);
            if (rest.empty()) {
                return step{event::need_more, pos, {}};
            }
            auto const found =
                std::search(rest.begin(), rest.end(),
                            std::boyer_moore_horspool_searcher{delimiter.begin(), delimiter.end()});
            if (found != rest.end()) {
                auto const at = static_cast<std::size_t>(found - rest.begin());
                if (in_body && at > 0) {
                    return step{event::data, pos + at, rest.substr(0, at)};
                }
                pos += at + delimiter.size();
                state_ = state::after_dash;
                if (in_body) {
                    return step{event::part_end, pos, {}};
                }
                continue;
            }
            // No whole delimiter: the input may end with the start of one. It would begin at
            // the last CR within the final delimiter.size() - 1 bytes.
            std::size_t keep = rest.size();
            std::size_t const window = std::min(rest.size(), delimiter.size() - 1);
            for (std::size_t i = rest.size(); i > rest.size() - window; --i) {
                if (rest[i - 1] == '\r') {
                    std::size_t const tail = rest.size() - (i - 1);
                    if (rest.substr(i - 1) == delimiter.substr(0, tail)) {
                        keep = i - 1;
                        matched_ = tail;
                    }
                    break;
                }
            }
            if (in_body && keep > 0) {
                return step{event::data, input.size(), rest.substr(0, keep)};
            }
            return step{event::need_more, input.size(), {}};
        }

        case state::after_dash:
        case state::close_dash:
        case state::padding:
        case state::expect_lf: {
            if (pos == input.size()) {
                return step{event::need_more, pos, {}};
            }
            char const c = input[pos++];
            if (state_ == state::after_dash && c == '-') {
                state_ = state::close_dash;
            } else if (state_ == state::close_dash) {
                if (c != '-') {
                    return fail(errc::bad_request, "invalid characters after a boundary");
                }
                // RFC 2046 §5.1.1: whatever follows the close delimiter is epilogue.
                state_ = state::done;
                return step{event::done, input.size(), {}};
            } else if (state_ == state::expect_lf) {
                if (c != '\n') {
                    return fail(errc::bad_request, "boundary line not ended by CRLF");
                }
                if (++parts_ > options_.max_parts) {
                    return fail(errc::payload_too_large, "too many parts");
                }
                header_block_.clear();
                headers_.clear();
                state_ = state::headers;
            } else if (is_ows(c)) {
                state_ = state::padding; // transport-padding
            } else if (c == '\r') {
                state_ = state::expect_lf;
            } else {
                return fail(errc::bad_request, "invalid characters after a boundary");
            }
            continue;
        }

        case state::headers: {
            std::size_t const old = header_block_.size();
            std::size_t const room = options_.max_header_size - old;
            std::size_t const take = std::min(room, input.size() - pos);
            header_block_.append(input.substr(pos, take));
            std::size_t end = std::string::npos;
            if (header_block_.size() >= 2 && header_block_.compare(0, 2, "\r\n") == 0) {
                end = 2; // no header fields at all
            } else if (auto const blank = header_block_.find("\r\n\r\n", old < 3 ? 0 : old - 3);
                       blank != std::string::npos) {
                end = blank + 4;
            }
            if (end == std::string::npos) {
                if (header_block_.size() >= options_.max_header_size) {
                    return fail(errc::header_too_large, "part header block too large");
                }
                return step{event::need_more, pos + take, {}};
            }
            pos += end - old;
            header_block_.resize(end);
            if (!parse_header_block()) {
                return error_;
            }
            // RFC 2046 §5.1.1: a body part's "[CRLF *OCTET]" is optional, so the CRLF ending
            // the header block may also begin the next delimiter ("A: b\r\n\r\n--boundary").
            matched_ = 2;
            virtual_crlf_ = true;
            state_ = state::body;
            return step{event::part_begin, pos, {}};
        }
        }
    }
}

bool multipart_parser::parse_header_block()
{
    // The block is "Name: value\r\n"... "\r\n" (RFC 2046 §5.1.1 body-part, RFC 5322 fields).
    std::string_view block{header_block_};
    block.remove_suffix(2);
    while (!block.empty()) {
        auto const eol = block.find("\r\n");
        std::string_view line = block.substr(0, eol);
        block.remove_prefix(eol + 2);
        if (is_ows(line.front())) {
            fail(errc::bad_request, "folded part header line");
            return false;
        }
        auto const colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0) {
            fail(errc::bad_request, "malformed part header line");
            return false;
        }
        std::string_view const name = line.substr(0, colon);
        if (!std::all_of(name.begin(), name.end(), is_tchar)) {
            fail(errc::bad_request, "invalid part header name");
            return false;
        }
        std::string_view const value = trim_ows(line.substr(colon + 1));
        for (char const c : value) {
            auto const u = static_cast<unsigned char>(c);
            if ((u < 0x20 && c != '\t') || u == 0x7f) {
                fail(errc::bad_request, "control character in a part header");
                return false;
            }
        }
        if (headers_.size() == options_.max_headers) {
            fail(errc::too_many_headers, "too many part header fields");
            return false;
        }
        headers_.add(name, value);
    }
    return true;
}

result<void> multipart_parser::finish()
{
    if (state_ == state::failed) {
        return error_;
    }
    if (state_ != state::done) {
        return fail(errc::bad_request, "body ended before the closing boundary");
    }
    return {};
}

} // namespace ahttp::http
