// SPDX-License-Identifier: BSL-1.0
// A deliberately dumb WebSocket peer for conformance tests: blocking sockets, frames written
// and read byte for byte, so a test can send exactly the bytes a rule is about.
#pragma once

#include "support/raw_client.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ahttp::test {

struct raw_frame {
    bool fin = true;
    bool rsv1 = false;
    bool rsv2 = false;
    bool rsv3 = false;
    std::uint8_t opcode = 1;
    std::string payload;

    /// The close code of a close frame (0 if it has none).
    std::uint16_t close_code() const;
    std::string close_reason() const;
};

/// Builds a frame's bytes. `mask` nullopt sends it unmasked (a server's frame, or a broken
/// client's); `length_override` writes another length in the header than the payload's.
std::string encode_frame(raw_frame const& f, std::optional<std::uint32_t> mask = 0x37fa213d);

/// A close frame's payload: the code in network order, then the reason.
std::string close_payload(std::uint16_t code, std::string_view reason = {});

class raw_websocket {
public:
    explicit raw_websocket(std::uint16_t port,
                           std::chrono::milliseconds timeout = std::chrono::seconds{5})
        : socket_(port, timeout)
    {
    }

    /// Sends a GET upgrade for `path` with `extra` header lines ("Name: value\r\n" each),
    /// returns the response head (status line and fields) as received.
    std::string handshake(std::string const& path, std::string const& extra = {});
    /// Sends `request` (a whole upgrade request, possibly followed by frames) and returns
    /// the response head.
    std::string handshake_raw(std::string const& request);
    /// An upgrade request for `path` as handshake() sends it.
    static std::string upgrade_request(std::string const& path, std::string const& extra = {});
    /// The status code of the last handshake's response.
    int status() const noexcept { return status_; }

    bool send_raw(std::string_view bytes) { return socket_.send(bytes); }
    bool send(raw_frame const& f) { return send_raw(encode_frame(f)); }
    bool send_text(std::string_view text);

    /// The next frame from the server, or nullopt on close or timeout.
    std::optional<raw_frame> read_frame();
    /// Reads frames until a close frame (returned) or the end of the stream (nullopt),
    /// dropping data frames.
    std::optional<raw_frame> read_close();
    /// True if the server closes the TCP connection within the timeout (after any frames).
    bool closed_by_peer() { return socket_.closed_by_peer(); }

private:
    raw_client socket_;
    int status_ = 0;
};

} // namespace ahttp::test
