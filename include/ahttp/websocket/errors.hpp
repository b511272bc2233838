// SPDX-License-Identifier: BSL-1.0
// The WebSocket exceptions (STYLE.md §3).
#pragma once

#include <ahttp/error.hpp>
#include <ahttp/websocket/close_code.hpp>

#include <string>

namespace ahttp::websocket {

/// A WebSocket connection failed: the peer broke the protocol (the close code we sent says
/// how: 1002, 1007, 1009), the connection dropped or stopped answering pings, or a message
/// was sent after close. Cancellation is not a websocket_error.
class websocket_error : public ahttp::error {
public:
    websocket_error(websocket::close_code code, std::string const& what)
        : ahttp::error(make_error_code(errc::bad_request), what), close_code_(code)
    {
    }
    websocket_error(error_code code, websocket::close_code close, std::string const& what)
        : ahttp::error(code, what), close_code_(close)
    {
    }
    /// The close code that describes the failure (e.g. protocol_error, abnormal).
    websocket::close_code close_code() const noexcept { return close_code_; }

private:
    websocket::close_code close_code_;
};

/// The opening handshake failed: the server answered something other than a valid 101
/// (`status()` tells which; 0 when the response itself was malformed).
class handshake_error : public websocket_error {
public:
    handshake_error(int status, std::string const& what)
        : websocket_error(make_error_code(errc::bad_response), websocket::close_code::abnormal,
                          what),
          status_(status)
    {
    }
    int status() const noexcept { return status_; }

private:
    int status_;
};

} // namespace ahttp::websocket
