// SPDX-License-Identifier: BSL-1.0
// websocket::close_code: the status codes of a close frame (RFC 6455 §7.4).
#pragma once

#include <cstdint>

namespace ahttp::websocket {

/// Why a WebSocket connection closed. Any 16-bit value may arrive from a peer; these are the
/// ones RFC 6455 and IANA name. 3000–4999 belong to applications and libraries.
enum class close_code : std::uint16_t {
    normal = 1000,              ///< the purpose of the connection was fulfilled
    going_away = 1001,          ///< server shutting down or browser leaving the page
    protocol_error = 1002,      ///< the peer broke the framing rules
    unsupported_data = 1003,    ///< a message type the endpoint cannot take
    no_status = 1005,           ///< (never sent) the close frame carried no code
    abnormal = 1006,            ///< (never sent) the connection dropped without a close frame
    invalid_payload = 1007,     ///< a text message that is not UTF-8
    policy_violation = 1008,    ///< a generic refusal
    message_too_big = 1009,     ///< a message over the receiver's size limit
    mandatory_extension = 1010, ///< (client) the server refused a required extension
    internal_error = 1011,      ///< the server hit an unexpected condition
    service_restart = 1012,
    try_again_later = 1013,
};

/// True if `code` may appear in a close frame on the wire (RFC 6455 §7.4.1–2: 1000–1003,
/// 1007–1014 and 3000–4999; 1005, 1006 and 1015 are reserved for reporting only).
constexpr bool is_valid_on_wire(std::uint16_t code) noexcept
{
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
           (code >= 3000 && code <= 4999);
}

} // namespace ahttp::websocket
