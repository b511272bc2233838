// SPDX-License-Identifier: BSL-1.0
// The client's response parser on streams of responses to a keep-alive connection, with the
// same invariants as the request side: one place where a head ends, views inside the input,
// a status of 100..999, and no body where RFC 9112 §6.3 says there is none. The first byte
// says whether the responses answer HEAD or CONNECT requests.
#include "wire/request_parser.hpp"
#include "wire/response_parser.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

using namespace ahttp::wire;

void check(bool condition)
{
    if (!condition) {
        std::abort();
    }
}

/// Bytes of a chunked body at the front of `input`, or 0 when incomplete or invalid.
std::size_t chunked_size(std::string_view input)
{
    chunked_decoder decoder;
    std::size_t used = 0;
    while (used < input.size()) {
        auto const r = decoder.decode(input.substr(used));
        if (r.failed) {
            return 0;
        }
        used += r.consumed;
        if (r.done) {
            return used;
        }
        if (r.consumed == 0) {
            return 0;
        }
    }
    return 0;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    if (size == 0) {
        return 0;
    }
    request_facts facts;
    facts.head = (data[0] & 1) != 0;
    facts.connect = (data[0] & 2) != 0;
    std::string_view input{reinterpret_cast<char const*>(data) + 1, size - 1};
    response_parser const parser{};
    response_head head;
    parse_error error;
    for (int responses = 0; responses < 64 && !input.empty(); ++responses) {
        if (parser.parse(input, head, error, facts) != parse_status::complete) {
            return 0;
        }
        check(head.head_size > 0 && head.head_size <= input.size());
        check(head.status >= 100 && head.status <= 999);
        check(head.version_minor == 0 || head.version_minor == 1);
        check(head.reason.empty() ||
              (head.reason.data() >= input.data() &&
               head.reason.data() + head.reason.size() <= input.data() + head.head_size));
        bool const bodiless = facts.head || head.status < 200 || head.status == 204 ||
                              head.status == 304 || (facts.connect && head.status < 300);
        check(!bodiless || head.framing == response_framing::none);

        response_head again;
        check(parser.parse(input.substr(0, head.head_size), again, error, facts) ==
              parse_status::complete);
        check(again.head_size == head.head_size && again.status == head.status &&
              again.framing == head.framing && again.content_length == head.content_length);
        check(parser.parse(input.substr(0, head.head_size - 1), again, error, facts) !=
              parse_status::complete);

        input.remove_prefix(head.head_size);
        switch (head.framing) {
        case response_framing::none:
            break;
        case response_framing::content_length:
            if (head.content_length > input.size()) {
                return 0;
            }
            input.remove_prefix(static_cast<std::size_t>(head.content_length));
            break;
        case response_framing::chunked: {
            std::size_t const used = chunked_size(input);
            if (used == 0) {
                return 0;
            }
            input.remove_prefix(used);
            break;
        }
        case response_framing::until_close:
            check(!head.keep_alive); // nothing can follow a body that ends at the close
            return 0;
        }
    }
    return 0;
}
