// SPDX-License-Identifier: BSL-1.0
// websocket::connection: one WebSocket, the same type on the server and the client side.
#pragma once

#include <ahttp/awaitable.hpp>
#include <ahttp/websocket/close_code.hpp>
#include <ahttp/websocket/message.hpp>

#include <boost/json/value.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ahttp::websocket {

namespace detail {
class engine;
class engine_handle;
} // namespace detail

/// An open WebSocket. `web::router::add_websocket` hands one to its handler;
/// `client::session::ws_connect` returns one.
///
/// Reading: `receive()` returns the next whole message (fragments reassembled, decompressed,
/// text checked to be UTF-8), and std::nullopt once the connection has closed: after a close
/// handshake, or when the peer vanished (close_code() is then 1006). A protocol violation
/// by the peer fails the connection with the matching close code (1002, 1007, 1009) and
/// receive() throws websocket_error. Pings are answered by the connection itself (autoping).
///
/// Messages are read in the background, so pongs and close frames are seen (and a dead peer
/// detected by the heartbeat) even while the application only sends; up to a bounded
/// amount of unread messages is buffered, then reading pauses until receive() catches up.
///
/// @par Example
///   while (std::optional<websocket::message> m = co_await ws.receive()) {
///       co_await ws.send(*m); // echo: text stays text, binary stays binary
///   }
/// @par Thread safety
///   Use a connection from coroutines on its own executor (its server worker's or its
///   client session's). Any number of coroutines there may send at once (frames never
///   interleave; they go out in call order) while one receives.
/// @par Lifetime
///   Copies are handles to the same connection. When the last handle goes, a connection not
///   yet closed is closed with 1000 (going_away on server shutdown) in the background.
class connection {
public:
    /// Used by the server and the client; users receive connections, they do not make them.
    explicit connection(std::shared_ptr<detail::engine> engine);
    connection(connection const&) = default;
    connection(connection&&) noexcept = default;
    connection& operator=(connection const&) = default;
    connection& operator=(connection&&) noexcept = default;
    ~connection();

    /// Waits for the next message (see above). With options::receive_timeout, throws
    /// ahttp::timeout_error when none came in time; the connection stays open.
    /// @throws websocket_error if the peer broke the protocol; ahttp::timeout_error.
    awaitable<std::optional<message>> receive();

    /// Sends a text message (`text` must be UTF-8; it is not checked).
    /// @throws websocket_error once the connection is closing or closed, or if the write fails.
    awaitable<void> send_text(std::string_view text);
    /// Sends a binary message.
    /// @throws websocket_error as send_text.
    awaitable<void> send_binary(std::string_view data);
    /// Sends `m` as its type says (a ping or pong message sends that control frame).
    /// @throws websocket_error as send_text.
    awaitable<void> send(message const& m);
    /// Sends `value` serialised as a text message.
    /// @throws websocket_error as send_text.
    awaitable<void> send_json(boost::json::value const& value);
    /// Sends a ping (payload up to 125 bytes).
    /// @throws websocket_error as send_text; ahttp::error (invalid_argument) for a longer
    ///   payload.
    awaitable<void> ping(std::string_view payload = {});
    /// Sends an unsolicited pong (a heartbeat the RFC allows; payload up to 125 bytes).
    /// @throws as ping().
    awaitable<void> pong(std::string_view payload = {});

    /// Starts the closing handshake with `code` and `reason` (up to 123 bytes), waits for
    /// the peer's close frame (at most options::close_timeout; messages that arrive meanwhile
    /// are dropped) and closes the connection. Returns at once if already closed. Never
    /// throws for a peer that has gone: closing a dead connection just closes it.
    /// @throws ahttp::error (invalid_argument) for a code that may not be sent (1005, 1006,
    ///   1015, below 1000 …) or a reason over 123 bytes.
    awaitable<void> close(websocket::close_code code = websocket::close_code::normal,
                          std::string_view reason = {});
    /// As above, with a numeric code (an application's 3000–4999, for instance).
    awaitable<void> close(std::uint16_t code, std::string_view reason);

    /// True once the connection is closed or closing (close sent or received, or failed).
    bool closed() const noexcept;
    /// The code of the close frame received (or 1006 if the connection dropped, or the code
    /// we failed it with); nullopt while open.
    std::optional<websocket::close_code> close_code() const noexcept;
    /// The reason of the close frame received, or an empty string.
    std::string const& close_reason() const noexcept;
    /// The negotiated subprotocol, or an empty string.
    std::string const& protocol() const noexcept;
    /// True if permessage-deflate was negotiated.
    bool compressed() const noexcept;

    executor get_executor() const noexcept;

    detail::engine& engine() const noexcept;

private:
    std::shared_ptr<detail::engine_handle> handle_; // the engine, closed when the last goes
};

} // namespace ahttp::websocket
