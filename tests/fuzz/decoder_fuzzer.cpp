// SPDX-License-Identifier: BSL-1.0
// The content decoders (gzip, deflate, br, identity) with their decompression-bomb guard.
// Invariants: never more than max_output bytes out (plus the one that tells), whatever the
// input claims, and then too_large; the same output
// and verdict whole or split into pieces; a failed decoder keeps failing with the same code.
// The first byte picks the coding and the split size.
#include "compression/decoder.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using ahttp::compression::coding;
using ahttp::compression::decoder;

constexpr std::size_t max_output = 64 * 1024;

struct outcome {
    std::string out;
    ahttp::error_code error;
};

outcome decode(coding c, std::string_view input, std::size_t piece)
{
    decoder d{c, max_output};
    outcome result;
    for (std::size_t at = 0; at < input.size() && !result.error; at += piece) {
        result.error = d.write(input.substr(at, piece), result.out);
        // The guard lets one byte past the cap through (that is how it sees the cap passed),
        // and then fails; more would mean the bomb guard leaks.
        if (result.out.size() > max_output + 1 || d.total_out() > max_output + 1 ||
            (d.total_out() > max_output &&
             result.error != ahttp::compression::decode_errc::too_large)) {
            std::abort();
        }
        if (result.error && d.write("x", result.out) != result.error) {
            std::abort(); // a failed decoder must stay failed, with the same code
        }
    }
    if (!result.error) {
        result.error = d.finish();
    }
    return result;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    if (size < 1) {
        return 0;
    }
    coding const codings[] = {coding::gzip, coding::deflate, coding::br, coding::identity};
    coding const c = codings[data[0] & 3];
    std::size_t const piece = 1 + (data[0] >> 2) % 64;
    std::string_view const input{reinterpret_cast<char const*>(data + 1), size - 1};
    outcome const whole = decode(c, input, input.size() + 1);
    outcome const split = decode(c, input, piece);
    // Output produced before an error may differ by where the error is noticed; the verdict
    // and a successful output may not.
    if (whole.error != split.error || (!whole.error && whole.out != split.out)) {
        std::abort();
    }
    return 0;
}
