// SPDX-License-Identifier: BSL-1.0
// Framing facts from Content-Length, Transfer-Encoding and Connection fields.
#include "hot_path.hpp"
#include "wire/message_fields.hpp"

#include <limits>

namespace ahttp::wire {

using namespace syntax;

// Content-Length = 1*DIGIT (RFC 9110 §8.6): no sign, no inner space, no list. Values that do not
// fit a signed 64-bit size are refused so that no later cast can wrap.
AHTTP_HOT_PATH void note_content_length(framing_facts& facts, std::string_view value) noexcept
{
    ++facts.content_length_count;
    if (value.empty()) {
        facts.content_length_invalid = true;
        return;
    }
    constexpr std::uint64_t max =
        static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    std::uint64_t n = 0;
    for (char const c : value) {
        if (!is_digit(c)) {
            facts.content_length_invalid = true;
            return;
        }
        auto const d = static_cast<std::uint64_t>(c - '0');
        if (n > (max - d) / 10) {
            facts.content_length_invalid = true;
            return;
        }
        n = n * 10 + d;
    }
    if (facts.content_length_count > 1 && n != facts.content_length) {
        facts.content_length_differs = true;
    }
    facts.content_length = n;
}

// Transfer-Encoding = #transfer-coding (RFC 9112 §6.1). Several field lines form one list.
void note_transfer_encoding(framing_facts& facts, std::string_view value) noexcept
{
    facts.has_transfer_encoding = true;
    for_each_element(value, [&](std::string_view coding) {
        if (coding.empty()) {
            return; // RFC 9110 §5.6.1: empty list elements are ignored
        }
        ++facts.coding_count;
        if (!is_token(coding)) {
            facts.transfer_encoding_invalid = true; // parameters included: chunked takes none
            return;
        }
        facts.chunked_last = token_equals(coding, "chunked");
        if (facts.chunked_last) {
            ++facts.chunked_count;
        } else {
            facts.other_coding = true;
        }
    });
}

AHTTP_HOT_PATH void note_connection(framing_facts& facts, std::string_view value) noexcept
{
    // The usual values, a single option, without walking a list. token_equals() folds a byte
    // by setting its 0x20 bit, exact here: only letters and '-' (or a CR, which no field
    // value holds) become these bytes.
    if (value.size() == 10 && token_equals(value, "keep-alive")) {
        facts.connection_keep_alive = true;
        return;
    }
    if (value.size() == 5 && token_equals(value, "close")) {
        facts.connection_close = true;
        return;
    }
    // RFC 9110 §7.6.1: a list of connection options (tokens), case-insensitive; unknown ones
    // are ignored, malformed ones noted (a request with one is refused, as Beast does).
    for_each_element(value, [&](std::string_view option) {
        if (option.empty()) {
            return; // RFC 9110 §5.6.1: empty list elements are ignored
        }
        if (!is_token(option)) {
            facts.connection_invalid = true;
            return;
        }
        switch (option.size()) {
        case 5:
            facts.connection_close |= token_equals(option, "close");
            break;
        case 7:
            facts.connection_upgrade |= token_equals(option, "upgrade");
            break;
        case 10:
            facts.connection_keep_alive |= token_equals(option, "keep-alive");
            break;
        default:
            break;
        }
    });
}

} // namespace ahttp::wire
