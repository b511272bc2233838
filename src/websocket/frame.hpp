// SPDX-License-Identifier: BSL-1.0
// WebSocket frame headers (RFC 6455 §5.2): parsing and writing, and payload masking. No I/O.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ahttp::websocket::detail {

enum class opcode : std::uint8_t {
    continuation = 0x0,
    text = 0x1,
    binary = 0x2,
    close = 0x8,
    ping = 0x9,
    pong = 0xA,
};

constexpr bool is_control(opcode op) noexcept
{
    return (static_cast<unsigned>(op) & 0x8) != 0;
}

struct frame_header {
    bool fin = true;
    bool rsv1 = false; // "compressed" under permessage-deflate
    bool rsv2 = false;
    bool rsv3 = false;
    std::uint8_t raw_opcode = 0; // as sent; may be a reserved value
    bool masked = false;
    std::uint64_t length = 0;
    std::array<unsigned char, 4> mask{};

    opcode op() const noexcept { return static_cast<opcode>(raw_opcode); }
};

/// The largest header: 2 + 8 (64-bit length) + 4 (mask).
inline constexpr std::size_t max_header_size = 14;
/// Control frames carry at most 125 bytes (§5.5).
inline constexpr std::size_t max_control_payload = 125;

enum class header_status : unsigned char {
    ok,         ///< `header` and `size` are set
    need_more,  ///< `in` holds only part of a header
    bad_length, ///< a non-minimal or 64-bit length with the top bit set (§5.2)
};

struct parsed_header {
    header_status status = header_status::need_more;
    frame_header header{};
    std::size_t size = 0; ///< bytes of `in` the header took
};

/// Reads a frame header from the start of `in`. Checks only what the header alone tells
/// about the encoding; the protocol rules (masking, opcodes, RSV bits) are the reader's.
parsed_header parse_header(std::string_view in) noexcept;

/// Writes a header into `out` (at least max_header_size bytes); returns its size.
std::size_t write_header(unsigned char* out, opcode op, bool fin, bool rsv1, std::uint64_t length,
                         unsigned char const* mask /* nullptr: unmasked */) noexcept;

/// XORs `n` bytes at `data` with `mask`, starting at mask position `offset` (0–3), and
/// returns the position for the following bytes. Masking and unmasking are the same.
std::size_t apply_mask(unsigned char* data, std::size_t n, std::array<unsigned char, 4> const& mask,
                       std::size_t offset) noexcept;

} // namespace ahttp::websocket::detail
