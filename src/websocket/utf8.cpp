// SPDX-License-Identifier: BSL-1.0
#include "websocket/utf8.hpp"

#include <cstring>

namespace ahttp::websocket::detail {

bool utf8_checker::feed(std::string_view piece) noexcept
{
    auto const* p = reinterpret_cast<unsigned char const*>(piece.data());
    std::size_t const n = piece.size();
    std::size_t i = 0;
    while (i < n) {
        if (needed_ == 0) {
            // ASCII runs are the common case: skip eight bytes at a time.
            while (i + 8 <= n) {
                std::uint64_t word;
                std::memcpy(&word, p + i, 8);
                if ((word & 0x8080808080808080ULL) != 0) {
                    break;
                }
                i += 8;
            }
            if (i == n) {
                break;
            }
            unsigned char const c = p[i++];
            if (c < 0x80) {
                continue;
            }
            lower_ = 0x80;
            upper_ = 0xBF;
            if (c >= 0xC2 && c <= 0xDF) {
                needed_ = 1;
            } else if (c >= 0xE0 && c <= 0xEF) {
                needed_ = 2;
                if (c == 0xE0) {
                    lower_ = 0xA0; // no overlong 3-byte forms
                } else if (c == 0xED) {
                    upper_ = 0x9F; // no UTF-16 surrogates
                }
            } else if (c >= 0xF0 && c <= 0xF4) {
                needed_ = 3;
                if (c == 0xF0) {
                    lower_ = 0x90; // no overlong 4-byte forms
                } else if (c == 0xF4) {
                    upper_ = 0x8F; // nothing above U+10FFFF
                }
            } else {
                return false; // 80–C1 (continuation or overlong lead) and F5–FF
            }
            continue;
        }
        unsigned char const c = p[i++];
        if (c < lower_ || c > upper_) {
            return false;
        }
        lower_ = 0x80;
        upper_ = 0xBF;
        --needed_;
    }
    return true;
}

bool is_valid_utf8(std::string_view text) noexcept
{
    utf8_checker checker;
    return checker.feed(text) && checker.complete();
}

} // namespace ahttp::websocket::detail
