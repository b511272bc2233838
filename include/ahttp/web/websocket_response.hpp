// SPDX-License-Identifier: BSL-1.0
// web::websocket_response: upgrade a request to a WebSocket inside an ordinary handler
// (aiohttp's WebSocketResponse).
#pragma once

#include <ahttp/awaitable.hpp>
#include <ahttp/web/response.hpp>
#include <ahttp/websocket/connection.hpp>
#include <ahttp/websocket/options.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace ahttp::web {

class request;

/// A handler's WebSocket: check the request, prepare() (the 101 answer), then talk over the
/// connection it returns, and `co_return` the response when done (the connection is closed
/// with 1000 then, if the handler did not close it).
///
/// `router::add_websocket` does all this for a route; use websocket_response when one
/// handler serves both plain HTTP and WebSocket, or decides late (after authentication).
/// @par Example
///   awaitable<web::response> handler(web::request& req)
///   {
///       web::websocket_response ws;
///       websocket::connection conn = co_await ws.prepare(req);
///       while (auto m = co_await conn.receive()) {
///           co_await conn.send(*m);
///       }
///       co_return ws;
///   }
class websocket_response : public response {
public:
    websocket_response();
    explicit websocket_response(websocket::options options);

    /// Why `req` cannot be upgraded (no Upgrade/Connection fields, a bad key, another
    /// version, not a GET), or nullopt if it can. Does not answer anything.
    std::optional<std::string> check(request const& req) const;

    /// Answers 101 Switching Protocols (with the subprotocol and permessage-deflate
    /// negotiated from `options`) and returns the open connection.
    /// @throws web::http_bad_request (400) if the request is not a valid upgrade;
    ///   web::http_exception with 426 Upgrade Required for another WebSocket version;
    ///   ahttp::error (invalid_state) if called twice; boost::system::system_error if the
    ///   client has gone.
    awaitable<websocket::connection> prepare(request& req);

    websocket::options const& options() const noexcept { return options_; }

private:
    websocket::options options_;
};

} // namespace ahttp::web
