// SPDX-License-Identifier: BSL-1.0
// The receiving half of the WebSocket protocol, without I/O: bytes in, messages and control
// frames out, every rule of RFC 6455 §5–7 checked (and RFC 7692's for compressed messages).
#pragma once

#include "websocket/deflate.hpp"
#include "websocket/frame.hpp"
#include "websocket/utf8.hpp"

#include <ahttp/websocket/close_code.hpp>
#include <ahttp/websocket/message.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ahttp::websocket::detail {

/// Which end we are: a server reads masked frames, a client unmasked ones (§5.1).
enum class role : unsigned char { server, client };

struct reader_event {
    enum class kind : unsigned char {
        need_more, ///< every byte of the input was used; feed more
        message,   ///< a whole data message is ready: take_message()
        ping,      ///< `payload` holds the ping's data
        pong,      ///< `payload` holds the pong's data
        close,     ///< the peer's close frame: `code` (1005 if it had none) and `reason`
        fail,      ///< the peer broke the protocol: fail the connection with `code`, `reason`
    };
    kind what = kind::need_more;
    std::uint16_t code = 0;
    std::string payload; ///< ping/pong data, or the close/fail reason
};

class message_reader {
public:
    /// `codec` is the negotiated permessage-deflate codec, or nullptr (RSV1 is then an
    /// error). `max_message_size` 0 means no limit.
    message_reader(role r, std::size_t max_message_size, deflate_codec* codec) noexcept
        : role_(r), max_message_size_(max_message_size), codec_(codec)
    {
    }

    /// Consumes bytes from the front of `in` up to and including the next event, and
    /// returns it. A control frame is consumed only once it is whole. After a fail event,
    /// every call returns it again.
    reader_event next(std::string_view& in);

    /// The message of the last message event (moved out).
    message take_message() noexcept;

private:
    reader_event fail(close_code code, std::string reason);
    reader_event control_frame(frame_header const& h, std::string_view payload);
    bool append_payload(std::string_view masked_piece, reader_event& failure);
    bool finish_message(reader_event& failure);

    role role_;
    std::size_t max_message_size_;
    deflate_codec* codec_;

    // The data frame being read.
    bool in_frame_ = false;
    frame_header frame_{};
    std::uint64_t frame_left_ = 0;
    std::size_t mask_offset_ = 0;

    // The message being reassembled.
    bool in_message_ = false;
    bool compressed_ = false;
    message message_{};
    utf8_checker utf8_;
    std::string scratch_; // unmasked compressed bytes on their way to the inflater

    bool failed_ = false;
    reader_event failure_{};
};

} // namespace ahttp::websocket::detail
