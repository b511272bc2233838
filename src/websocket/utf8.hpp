// SPDX-License-Identifier: BSL-1.0
// An incremental UTF-8 checker: text messages arrive in fragments that may split a code point,
// and RFC 6455 §8.1 asks to fail as soon as the bytes cannot be UTF-8 (Autobahn 6.x).
#pragma once

#include <cstdint>
#include <string_view>

namespace ahttp::websocket::detail {

class utf8_checker {
public:
    /// Checks the next piece. False as soon as the bytes so far cannot begin valid UTF-8
    /// (overlong forms, surrogates and code points above U+10FFFF are invalid).
    bool feed(std::string_view piece) noexcept;
    /// True if the text ended on a code point boundary (call after the last piece).
    bool complete() const noexcept { return needed_ == 0; }
    void reset() noexcept { *this = utf8_checker{}; }

private:
    std::uint8_t needed_ = 0;   // continuation bytes still expected
    std::uint8_t lower_ = 0x80; // bounds of the next continuation byte (tight after E0, ED, F0, F4)
    std::uint8_t upper_ = 0xBF;
};

/// True if `text` is whole, valid UTF-8.
bool is_valid_utf8(std::string_view text) noexcept;

} // namespace ahttp::websocket::detail
