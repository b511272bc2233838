// SPDX-License-Identifier: BSL-1.0
#include "raw_websocket.hpp"

#include <cstring>

namespace ahttp::test {

std::uint16_t raw_frame::close_code() const
{
    if (payload.size() < 2) {
        return 0;
    }
    return static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                      static_cast<unsigned char>(payload[1]));
}

std::string raw_frame::close_reason() const
{
    return payload.size() > 2 ? payload.substr(2) : std::string{};
}

std::string encode_frame(raw_frame const& f, std::optional<std::uint32_t> mask)
{
    std::string out;
    out.push_back(static_cast<char>((f.fin ? 0x80 : 0) | (f.rsv1 ? 0x40 : 0) | (f.rsv2 ? 0x20 : 0) |
                                    (f.rsv3 ? 0x10 : 0) | (f.opcode & 0x0F)));
    std::uint64_t const n = f.payload.size();
    unsigned char const mask_bit = mask ? 0x80 : 0;
    if (n < 126) {
        out.push_back(static_cast<char>(mask_bit | n));
    } else if (n <= 0xFFFF) {
        out.push_back(static_cast<char>(mask_bit | 126));
        out.push_back(static_cast<char>(n >> 8));
        out.push_back(static_cast<char>(n));
    } else {
        out.push_back(static_cast<char>(mask_bit | 127));
        for (int i = 7; i >= 0; --i) {
            out.push_back(static_cast<char>(n >> (8 * i)));
        }
    }
    std::string body = f.payload;
    if (mask) {
        unsigned char key[4];
        std::memcpy(key, &*mask, 4);
        out.append(reinterpret_cast<char const*>(key), 4);
        for (std::size_t i = 0; i < body.size(); ++i) {
            body[i] = static_cast<char>(body[i] ^ key[i % 4]);
        }
    }
    return out + body;
}

std::string close_payload(std::uint16_t code, std::string_view reason)
{
    std::string out;
    out.push_back(static_cast<char>(code >> 8));
    out.push_back(static_cast<char>(code & 0xFF));
    out.append(reason);
    return out;
}

bool raw_websocket::send_text(std::string_view text)
{
    raw_frame f;
    f.opcode = 1;
    f.payload = std::string{text};
    return send(f);
}

std::string raw_websocket::upgrade_request(std::string const& path, std::string const& extra)
{
    if (extra.find("Sec-WebSocket-Version") != std::string::npos ||
        extra.find("Sec-WebSocket-Key") != std::string::npos) {
        // The caller replaces the handshake's fields: send its lines instead of ours.
        return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "\r\n";
    }
    return "GET " + path +
           " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
           "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
           "Sec-WebSocket-Version: 13\r\n" +
           extra + "\r\n";
}

std::string raw_websocket::handshake(std::string const& path, std::string const& extra)
{
    return handshake_raw(upgrade_request(path, extra));
}

std::string raw_websocket::handshake_raw(std::string const& request)
{
    send_raw(request);
    std::size_t end;
    while ((end = socket_.buffered().find("\r\n\r\n")) == std::string::npos) {
        if (!socket_.fill()) {
            return {};
        }
    }
    std::string head = socket_.buffered().substr(0, end + 4);
    socket_.buffered().erase(0, end + 4);
    status_ = head.size() > 12 ? std::stoi(head.substr(9, 3)) : 0;
    // A refusal carries a body: drop it (it is not WebSocket data).
    if (status_ != 101) {
        socket_.buffered().clear();
    }
    return head;
}

std::optional<raw_frame> raw_websocket::read_frame()
{
    for (;;) {
        if (socket_.buffered().size() >= 2) {
            auto const* p = reinterpret_cast<unsigned char const*>(socket_.buffered().data());
            std::size_t header = 2;
            std::uint64_t n = p[1] & 0x7F;
            bool const masked = (p[1] & 0x80) != 0;
            bool whole = true;
            if (n == 126) {
                header = 4;
                whole = socket_.buffered().size() >= header;
                if (whole) {
                    n = (std::uint64_t{p[2]} << 8) | p[3];
                }
            } else if (n == 127) {
                header = 10;
                whole = socket_.buffered().size() >= header;
                if (whole) {
                    n = 0;
                    for (int i = 2; i < 10; ++i) {
                        n = (n << 8) | p[i];
                    }
                }
            }
            if (masked) {
                header += 4;
            }
            if (whole && socket_.buffered().size() >= header + n) {
                raw_frame f;
                f.fin = (p[0] & 0x80) != 0;
                f.rsv1 = (p[0] & 0x40) != 0;
                f.rsv2 = (p[0] & 0x20) != 0;
                f.rsv3 = (p[0] & 0x10) != 0;
                f.opcode = p[0] & 0x0F;
                f.payload = socket_.buffered().substr(header, n);
                if (masked) {
                    for (std::size_t i = 0; i < f.payload.size(); ++i) {
                        f.payload[i] = static_cast<char>(f.payload[i] ^ p[header - 4 + i % 4]);
                    }
                }
                socket_.buffered().erase(0, header + n);
                return f;
            }
        }
        if (!socket_.fill()) {
            return std::nullopt;
        }
    }
}

std::optional<raw_frame> raw_websocket::read_close()
{
    for (int i = 0; i < 10000; ++i) {
        std::optional<raw_frame> f = read_frame();
        if (!f || f->opcode == 8) {
            return f;
        }
    }
    return std::nullopt;
}

} // namespace ahttp::test
