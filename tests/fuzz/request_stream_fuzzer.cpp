// SPDX-License-Identifier: BSL-1.0
// The request parser on whole streams of pipelined requests, with the invariants that keep
// framing unambiguous: a head is found at one place only (a shorter prefix never completes,
// the exact head parses the same), what it reports lies inside the input, and a chunked body
// decodes to the same bytes whether it arrives at once or one byte at a time.
#include "wire/request_parser.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace ahttp::wire;

void check(bool condition)
{
    if (!condition) {
        std::abort();
    }
}

/// Decodes a chunked body at the front of `input` twice (whole, then byte by byte); returns
/// the bytes used, or 0 when it is incomplete or invalid.
std::size_t decode_chunked(std::string_view input)
{
    chunked_decoder whole;
    std::string at_once;
    std::size_t used = 0;
    bool done = false;
    while (!done && used < input.size()) {
        auto const r = whole.decode(input.substr(used));
        if (r.failed) {
            return 0;
        }
        at_once.append(r.data);
        used += r.consumed;
        done = r.done;
        if (r.consumed == 0 && !r.done) {
            return 0; // needs more input
        }
    }
    if (!done) {
        return 0;
    }

    chunked_decoder bytewise;
    std::string one_by_one;
    std::size_t fed = 0;
    std::string pending;
    while (!bytewise.done()) {
        auto const r = bytewise.decode(pending);
        check(!r.failed);
        one_by_one.append(r.data);
        pending.erase(0, r.consumed);
        if (!bytewise.done() && r.consumed == 0) {
            check(fed < used); // the same bytes must end the body at the same place
            pending.push_back(input[fed++]);
        }
    }
    check(fed == used && pending.empty());
    check(one_by_one == at_once);
    return used;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string_view input{reinterpret_cast<char const*>(data), size};
    request_parser const parser{};
    request_head head;
    parse_error error;
    for (int requests = 0; requests < 64 && !input.empty(); ++requests) {
        parse_status const status = parser.parse(input, head, error);
        if (status != parse_status::complete) {
            if (status == parse_status::error) {
                check(!error.reason.empty());
                unsigned const code = ahttp::http::to_int(error.status);
                check(code == 400 || code == 413 || code == 414 || code == 431 || code == 501 ||
                      code == 505);
            }
            return 0;
        }
        check(head.head_size > 0 && head.head_size <= input.size());
        check(!head.method_token.empty() && !head.target.empty());
        check(head.version_minor == 0 || head.version_minor == 1);
        check(head.fields.size() <= parser.limits().max_fields);

        // The head ends at exactly one place.
        request_head again;
        check(parser.parse(input.substr(0, head.head_size), again, error) ==
              parse_status::complete);
        check(again.head_size == head.head_size && again.target == head.target &&
              again.framing == head.framing && again.content_length == head.content_length);
        check(parser.parse(input.substr(0, head.head_size - 1), again, error) !=
              parse_status::complete);

        input.remove_prefix(head.head_size);
        switch (head.framing) {
        case body_framing::none:
            break;
        case body_framing::content_length:
            if (head.content_length > input.size()) {
                return 0;
            }
            input.remove_prefix(static_cast<std::size_t>(head.content_length));
            break;
        case body_framing::chunked: {
            std::size_t const used = decode_chunked(input);
            if (used == 0) {
                return 0;
            }
            input.remove_prefix(used);
            break;
        }
        }
    }
    return 0;
}
