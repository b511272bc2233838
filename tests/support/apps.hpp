// SPDX-License-Identifier: BSL-1.0
// Small applications shared by the server tests.
#pragma once

#include <ahttp/web.hpp>
#include <ahttp/websocket.hpp>

namespace ahttp::test {

/// GET / → "Hello, World!"; GET /{name} → "Hello, <name>!"; POST /echo → the body;
/// GET /sleep/{ms} → sleeps, then "slept"; GET /stream → three chunks; GET /boom → throws.
web::application make_demo_app(web::application_options options = {});

/// A WebSocket handler that sends every message back as it came (for add_websocket).
awaitable<void> websocket_echo(web::request& req, websocket::connection& ws);

} // namespace ahttp::test
