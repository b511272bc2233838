// SPDX-License-Identifier: BSL-1.0
#include "websocket/frame.hpp"

#include <cstring>

namespace ahttp::websocket::detail {

parsed_header parse_header(std::string_view in) noexcept
{
    parsed_header out;
    auto const* p = reinterpret_cast<unsigned char const*>(in.data());
    if (in.size() < 2) {
        return out;
    }
    frame_header& h = out.header;
    h.fin = (p[0] & 0x80) != 0;
    h.rsv1 = (p[0] & 0x40) != 0;
    h.rsv2 = (p[0] & 0x20) != 0;
    h.rsv3 = (p[0] & 0x10) != 0;
    h.raw_opcode = p[0] & 0x0F;
    h.masked = (p[1] & 0x80) != 0;
    std::uint64_t length = p[1] & 0x7F;
    std::size_t size = 2;
    if (length == 126) {
        if (in.size() < 4) {
            return out;
        }
        length = (std::uint64_t{p[2]} << 8) | p[3];
        size = 4;
        if (length < 126) {
            out.status = header_status::bad_length;
            return out;
        }
    } else if (length == 127) {
        if (in.size() < 10) {
            return out;
        }
        length = 0;
        for (int i = 2; i < 10; ++i) {
            length = (length << 8) | p[i];
        }
        size = 10;
        if (length < 0x10000 || (length >> 63) != 0) {
            out.status = header_status::bad_length;
            return out;
        }
    }
    if (h.masked) {
        if (in.size() < size + 4) {
            return out;
        }
        std::memcpy(h.mask.data(), p + size, 4);
        size += 4;
    }
    h.length = length;
    out.size = size;
    out.status = header_status::ok;
    return out;
}

std::size_t write_header(unsigned char* out, opcode op, bool fin, bool rsv1, std::uint64_t length,
                         unsigned char const* mask) noexcept
{
    out[0] = static_cast<unsigned char>((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) |
                                        static_cast<unsigned>(op));
    unsigned char const mask_bit = mask != nullptr ? 0x80 : 0;
    std::size_t size = 2;
    if (length < 126) {
        out[1] = static_cast<unsigned char>(mask_bit | length);
    } else if (length <= 0xFFFF) {
        out[1] = mask_bit | 126;
        out[2] = static_cast<unsigned char>(length >> 8);
        out[3] = static_cast<unsigned char>(length);
        size = 4;
    } else {
        out[1] = mask_bit | 127;
        for (int i = 0; i < 8; ++i) {
            out[2 + i] = static_cast<unsigned char>(length >> (56 - 8 * i));
        }
        size = 10;
    }
    if (mask != nullptr) {
        std::memcpy(out + size, mask, 4);
        size += 4;
    }
    return size;
}

std::size_t apply_mask(unsigned char* data, std::size_t n, std::array<unsigned char, 4> const& mask,
                       std::size_t offset) noexcept
{
    std::size_t i = 0;
    // Head: bring the mask position back to 0.
    for (; i < n && offset != 0; ++i, offset = (offset + 1) & 3) {
        data[i] ^= mask[offset];
    }
    // Body: eight bytes at a time (memcpy keeps it free of alignment assumptions).
    std::uint32_t key32;
    std::memcpy(&key32, mask.data(), 4);
    std::uint64_t const key64 = (std::uint64_t{key32} << 32) | key32;
    for (; i + 8 <= n; i += 8) {
        std::uint64_t word;
        std::memcpy(&word, data + i, 8);
        word ^= key64;
        std::memcpy(data + i, &word, 8);
    }
    for (; i < n; ++i, offset = (offset + 1) & 3) {
        data[i] ^= mask[offset];
    }
    return offset;
}

} // namespace ahttp::websocket::detail
