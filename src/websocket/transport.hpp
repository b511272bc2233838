// SPDX-License-Identifier: BSL-1.0
// The byte stream under a WebSocket: the server's upgraded socket or a client connection
// (plain or TLS). The engine sees only this, so both sides share one implementation.
#pragma once

#include <ahttp/awaitable.hpp>
#include <ahttp/error.hpp>

#include <boost/asio/buffer.hpp>

#include <cstddef>
#include <span>
#include <string>
#include <utility>

namespace ahttp::websocket::detail {

class transport {
public:
    virtual ~transport() = default;

    /// Reads at least one byte into `buffer`; returns the error (eof when the peer closed).
    virtual awaitable<std::pair<error_code, std::size_t>>
    read_some(boost::asio::mutable_buffer buffer) = 0;
    /// Writes every byte of `buffers`.
    virtual awaitable<error_code> write(std::span<boost::asio::const_buffer const> buffers) = 0;
    /// Writes what the socket takes now, without waiting (0 when it cannot, e.g. over TLS);
    /// `ec` set on a hard error. Most frames go out whole this way, with no coroutine.
    virtual std::size_t write_now(std::span<boost::asio::const_buffer const> buffers,
                                  error_code& ec) noexcept = 0;
    /// Ends our direction cleanly (TCP FIN after the last bytes; the close handshake's end).
    virtual void shutdown_send() noexcept = 0;
    /// Closes at once; pending reads and writes complete with operation_aborted.
    virtual void close() noexcept = 0;
    virtual bool is_open() const noexcept = 0;

    virtual executor get_executor() = 0;

    /// Bytes that arrived with the handshake and belong to the WebSocket (a client may send
    /// its first frame right behind its upgrade request).
    std::string initial;
};

} // namespace ahttp::websocket::detail
