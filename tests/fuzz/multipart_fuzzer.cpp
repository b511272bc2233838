// SPDX-License-Identifier: BSL-1.0
// The multipart body parser. Invariants: the same parts (headers and content) and the same
// verdict whole or split into pieces; never more parts or header fields than its limits; once
// done, it stays done. The first byte picks the split size; the boundary is "frontier".
#include <ahttp/http/multipart.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using ahttp::http::multipart_parser;
using event = multipart_parser::event;

/// A transcript of what the parser reported: "B<fields>", "D<bytes>", "E", "Z" or "!<code>".
std::string transcript(std::string_view input, std::size_t piece)
{
    ahttp::http::multipart_parser_options limits;
    limits.max_parts = 16;
    limits.max_headers = 8;
    limits.max_header_size = 512;
    multipart_parser parser{"frontier", limits};
    std::string out;
    std::string data; // consecutive data pieces are joined: their split is not an invariant
    auto flush = [&] {
        if (!data.empty()) {
            out += "D" + std::to_string(data.size()) + ":" + data;
            data.clear();
        }
    };
    for (std::size_t at = 0; at < input.size(); at += piece) {
        std::string_view chunk = input.substr(at, piece);
        while (!chunk.empty()) {
            auto step = parser.parse(chunk);
            if (!step) {
                flush();
                return out + "!" + std::to_string(step.error().value());
            }
            if (step->consumed > chunk.size()) {
                std::abort();
            }
            chunk.remove_prefix(step->consumed);
            switch (step->what) {
            case event::part_begin:
                flush();
                if (parser.headers().size() > limits.max_headers ||
                    parser.part_count() > limits.max_parts) {
                    std::abort();
                }
                out += "B";
                for (auto const& [name, value] : parser.headers()) {
                    out.append(name).append("=").append(value).append(";");
                }
                break;
            case event::data:
                data.append(step->data);
                break;
            case event::part_end:
                flush();
                out += "E";
                break;
            case event::done:
                flush();
                out += "Z";
                // Done stays done: everything after is epilogue.
                if (auto again = parser.parse("--frontier\r\n");
                    !again || again->what != event::done) {
                    std::abort();
                }
                return out;
            case event::need_more:
                if (!chunk.empty()) {
                    std::abort(); // need_more means all of the input was used
                }
                break;
            }
        }
    }
    flush();
    return out + (parser.finish() ? "." : "!end");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    if (size < 1) {
        return 0;
    }
    std::size_t const piece = 1 + data[0] % 32;
    std::string_view const input{reinterpret_cast<char const*>(data + 1), size - 1};
    if (transcript(input, input.size() + 1) != transcript(input, piece)) {
        std::abort();
    }
    return 0;
}
