// SPDX-License-Identifier: BSL-1.0
// websocket::message: one whole message received from (or sent to) a peer.
#pragma once

#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <utility>

namespace ahttp::websocket {

/// The kind of a message. ping and pong reach receive() only with `autoping = false`.
enum class message_type : unsigned char { text, binary, ping, pong };

/// A message: its type and its whole payload (reassembled from fragments, decompressed).
struct message {
    message_type type = message_type::text;
    std::string data{};

    static message text(std::string s) { return {message_type::text, std::move(s)}; }
    static message binary(std::string s) { return {message_type::binary, std::move(s)}; }

    bool is_text() const noexcept { return type == message_type::text; }
    bool is_binary() const noexcept { return type == message_type::binary; }
    /// Parses the payload as JSON.
    /// @throws boost::system::system_error if it is not valid JSON.
    boost::json::value json() const;
};

} // namespace ahttp::websocket
