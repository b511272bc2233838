// SPDX-License-Identifier: BSL-1.0
// websocket::options: what both ends of a WebSocket connection can tune (aiohttp's defaults).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace ahttp::websocket {

/// Options of a WebSocket connection, for `web::router::add_websocket`,
/// `web::websocket_response` and `client::session::ws_connect`. The defaults are aiohttp's.
struct options {
    /// Subprotocols this end speaks, in order of preference. A server picks the first of
    /// its own that the client offered; a client offers all of them.
    std::vector<std::string> protocols{};
    /// Sends a ping when nothing was received for this long, and fails the connection
    /// (close code 1006) if nothing, not even a pong, arrives within half of it after the
    /// ping. This detects a dead peer even when the application only sends. 0 = off.
    std::chrono::milliseconds heartbeat{0};
    /// Answers pings with pongs by itself (and keeps pings and pongs out of receive()).
    bool autoping = true;
    /// How long receive() waits for a message before throwing ahttp::timeout_error (the
    /// connection stays usable). 0 = wait for ever.
    std::chrono::milliseconds receive_timeout{0};
    /// How long close() waits for the peer's close frame before dropping the connection.
    std::chrono::milliseconds close_timeout{10'000};
    /// The largest message accepted, after decompression; a bigger one fails the
    /// connection with 1009. 0 = no limit.
    std::size_t max_message_size = std::size_t{4} * 1024 * 1024;
    /// Negotiates permessage-deflate (RFC 7692). A server accepts a client's offer; a
    /// client offers it (aiohttp's client does not by default; browsers do).
    bool compress = true;
    /// Extra header fields for the handshake (client request or server response).
    std::vector<std::pair<std::string, std::string>> headers{};
};

} // namespace ahttp::websocket
