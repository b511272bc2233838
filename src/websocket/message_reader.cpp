// SPDX-License-Identifier: BSL-1.0
#include "websocket/message_reader.hpp"

#include <algorithm>
#include <utility>

namespace ahttp::websocket::detail {

namespace {

bool is_known_opcode(std::uint8_t op) noexcept
{
    return op <= 0x2 || (op >= 0x8 && op <= 0xA);
}

} // namespace

reader_event message_reader::fail(close_code code, std::string reason)
{
    failed_ = true;
    failure_.what = reader_event::kind::fail;
    failure_.code = static_cast<std::uint16_t>(code);
    failure_.payload = std::move(reason);
    return failure_;
}

message message_reader::take_message() noexcept
{
    message m = std::move(message_);
    message_ = {};
    return m;
}

reader_event message_reader::control_frame(frame_header const& h, std::string_view masked)
{
    std::string payload{masked};
    if (h.masked) {
        apply_mask(reinterpret_cast<unsigned char*>(payload.data()), payload.size(), h.mask, 0);
    }
    reader_event event;
    switch (h.op()) {
    case opcode::ping:
        event.what = reader_event::kind::ping;
        event.payload = std::move(payload);
        return event;
    case opcode::pong:
        event.what = reader_event::kind::pong;
        event.payload = std::move(payload);
        return event;
    default: // close
        break;
    }
    event.what = reader_event::kind::close;
    if (payload.empty()) {
        event.code = static_cast<std::uint16_t>(close_code::no_status);
        return event;
    }
    if (payload.size() == 1) {
        return fail(close_code::protocol_error, "close frame with a 1-byte payload");
    }
    event.code = static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                            static_cast<unsigned char>(payload[1]));
    if (!is_valid_on_wire(event.code)) {
        return fail(close_code::protocol_error, "invalid close code " + std::to_string(event.code));
    }
    event.payload = payload.substr(2);
    if (!is_valid_utf8(event.payload)) {
        return fail(close_code::invalid_payload, "close reason is not UTF-8");
    }
    return event;
}

bool message_reader::append_payload(std::string_view masked, reader_event& failure)
{
    std::string& data = message_.data;
    std::size_t const checked = data.size();
    if (compressed_) {
        scratch_.assign(masked);
        if (frame_.masked) {
            mask_offset_ = apply_mask(reinterpret_cast<unsigned char*>(scratch_.data()),
                                      scratch_.size(), frame_.mask, mask_offset_);
        }
        bool too_big = false;
        if (!codec_->inflate(scratch_, data, max_message_size_, too_big)) {
            failure = too_big ? fail(close_code::message_too_big, "message too big")
                              : fail(close_code::invalid_payload, "invalid compressed data");
            return false;
        }
    } else {
        data.append(masked);
        if (frame_.masked) {
            mask_offset_ = apply_mask(reinterpret_cast<unsigned char*>(data.data() + checked),
                                      masked.size(), frame_.mask, mask_offset_);
        }
    }
    if (message_.type == message_type::text &&
        !utf8_.feed(std::string_view{data}.substr(checked))) {
        failure = fail(close_code::invalid_payload, "text message is not UTF-8");
        return false;
    }
    return true;
}

bool message_reader::finish_message(reader_event& failure)
{
    if (compressed_) {
        std::string& data = message_.data;
        std::size_t const checked = data.size();
        bool too_big = false;
        if (!codec_->finish_message(data, max_message_size_, too_big)) {
            failure = too_big ? fail(close_code::message_too_big, "message too big")
                              : fail(close_code::invalid_payload, "invalid compressed data");
            return false;
        }
        if (message_.type == message_type::text &&
            !utf8_.feed(std::string_view{data}.substr(checked))) {
            failure = fail(close_code::invalid_payload, "text message is not UTF-8");
            return false;
        }
    }
    if (message_.type == message_type::text && !utf8_.complete()) {
        failure = fail(close_code::invalid_payload, "text message ends inside a UTF-8 sequence");
        return false;
    }
    in_message_ = false;
    return true;
}

reader_event message_reader::next(std::string_view& in)
{
    if (failed_) {
        return failure_;
    }
    for (;;) {
        if (!in_frame_) {
            parsed_header const parsed = parse_header(in);
            if (parsed.status == header_status::need_more) {
                return {};
            }
            if (parsed.status == header_status::bad_length) {
                return fail(close_code::protocol_error, "invalid frame length encoding");
            }
            frame_header const& h = parsed.header;
            if (h.rsv2 || h.rsv3) {
                return fail(close_code::protocol_error, "reserved bits set");
            }
            if (!is_known_opcode(h.raw_opcode)) {
                return fail(close_code::protocol_error,
                            "reserved opcode " + std::to_string(h.raw_opcode));
            }
            if (h.masked != (role_ == role::server)) {
                return fail(close_code::protocol_error, role_ == role::server
                                                            ? "unmasked frame from a client"
                                                            : "masked frame from a server");
            }
            if (is_control(h.op())) {
                if (h.rsv1) {
                    return fail(close_code::protocol_error, "reserved bit set on a control frame");
                }
                if (!h.fin) {
                    return fail(close_code::protocol_error, "fragmented control frame");
                }
                if (h.length > max_control_payload) {
                    return fail(close_code::protocol_error, "control frame over 125 bytes");
                }
                if (in.size() < parsed.size + h.length) {
                    return {}; // wait for the whole frame; nothing consumed
                }
                std::string_view const payload = in.substr(parsed.size, h.length);
                in.remove_prefix(parsed.size + h.length);
                return control_frame(h, payload);
            }
            if (h.op() == opcode::continuation) {
                if (!in_message_) {
                    return fail(close_code::protocol_error, "continuation frame without a message");
                }
                if (h.rsv1) {
                    return fail(close_code::protocol_error, "RSV1 set on a continuation frame");
                }
            } else {
                if (in_message_) {
                    return fail(close_code::protocol_error,
                                "new message inside a fragmented message");
                }
                if (h.rsv1 && codec_ == nullptr) {
                    return fail(close_code::protocol_error, "RSV1 set without an extension");
                }
                in_message_ = true;
                compressed_ = h.rsv1;
                message_.type = h.op() == opcode::text ? message_type::text : message_type::binary;
                message_.data.clear();
                utf8_.reset();
            }
            if (max_message_size_ != 0 && !compressed_ &&
                h.length > max_message_size_ - std::min(message_.data.size(), max_message_size_)) {
                return fail(close_code::message_too_big, "message too big");
            }
            in.remove_prefix(parsed.size);
            frame_ = h;
            frame_left_ = h.length;
            mask_offset_ = 0;
            in_frame_ = true;
        }
        if (frame_left_ > 0) {
            if (in.empty()) {
                return {};
            }
            std::size_t const n =
                static_cast<std::size_t>(std::min<std::uint64_t>(frame_left_, in.size()));
            reader_event failure;
            if (!append_payload(in.substr(0, n), failure)) {
                return failure;
            }
            in.remove_prefix(n);
            frame_left_ -= n;
            if (frame_left_ > 0) {
                return {};
            }
        }
        in_frame_ = false;
        if (frame_.fin) {
            reader_event failure;
            if (!finish_message(failure)) {
                return failure;
            }
            reader_event event;
            event.what = reader_event::kind::message;
            return event;
        }
    }
}

} // namespace ahttp::websocket::detail
