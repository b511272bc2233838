// SPDX-License-Identifier: BSL-1.0
// WebSockets: one connection type for both sides (the server's add_websocket and
// websocket_response, the client's ws_connect).
#pragma once

#include <ahttp/websocket/close_code.hpp>
#include <ahttp/websocket/connection.hpp>
#include <ahttp/websocket/errors.hpp>
#include <ahttp/websocket/message.hpp>
#include <ahttp/websocket/options.hpp>
