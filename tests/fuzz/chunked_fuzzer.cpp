// SPDX-License-Identifier: BSL-1.0
// The chunked decoder alone: however the input is split, the decoded bytes, the end of the
// body and the verdict are the same. The first byte picks the split size (1..32).
#include "wire/request_parser.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

struct outcome {
    std::string data;
    std::size_t used = 0;
    bool done = false;
    bool failed = false;
};

outcome decode_in_pieces(std::string_view input, std::size_t piece)
{
    ahttp::wire::chunked_decoder decoder;
    outcome out;
    std::string pending;
    std::size_t fed = 0;
    while (!out.done && !out.failed) {
        if (fed < input.size()) {
            std::size_t const n = std::min(piece, input.size() - fed);
            pending.append(input.substr(fed, n));
            fed += n;
        }
        auto const r = decoder.decode(pending);
        out.data.append(r.data);
        out.used += r.consumed;
        pending.erase(0, r.consumed);
        out.done = r.done;
        out.failed = r.failed;
        if (r.failed && !r.data.empty()) {
            std::abort(); // documented: no data with a failure
        }
        if (r.consumed == 0 && !r.done && !r.failed && fed == input.size()) {
            break; // needs more than there is
        }
    }
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    if (size == 0) {
        return 0;
    }
    std::size_t const piece = 1 + data[0] % 32;
    std::string_view const input{reinterpret_cast<char const*>(data) + 1, size - 1};
    outcome const whole = decode_in_pieces(input, input.size() + 1);
    outcome const split = decode_in_pieces(input, piece);
    if (whole.failed != split.failed || whole.done != split.done ||
        (whole.done && (whole.data != split.data || whole.used != split.used))) {
        std::abort();
    }
    if (whole.done && whole.used > input.size()) {
        std::abort();
    }
    return 0;
}
