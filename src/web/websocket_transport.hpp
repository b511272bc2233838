// SPDX-License-Identifier: BSL-1.0
// The server's WebSocket transport: the upgraded connection's socket, owned from the 101 on.
#pragma once

#include "websocket/transport.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace ahttp::web::detail {

class websocket_transport final : public websocket::detail::transport {
public:
    using socket_type = boost::asio::generic::stream_protocol::socket;

    explicit websocket_transport(socket_type socket) : socket_(std::move(socket))
    {
        error_code ec;
        socket_.non_blocking(true, ec);
        direct_io_ = !ec;
    }

    awaitable<std::pair<error_code, std::size_t>>
    read_some(boost::asio::mutable_buffer buffer) override
    {
        auto [ec, n] = co_await socket_.async_read_some(
            buffer, boost::asio::as_tuple(boost::asio::use_awaitable));
        co_return std::pair{ec, n};
    }

    std::size_t write_now(std::span<boost::asio::const_buffer const> buffers,
                          error_code& ec) noexcept override
    {
        if (!direct_io_) {
            return 0;
        }
        std::size_t const done = socket_.write_some(buffers, ec);
        if (ec == boost::asio::error::would_block || ec == boost::asio::error::try_again) {
            ec = {};
        }
        return done;
    }

    awaitable<error_code> write(std::span<boost::asio::const_buffer const> buffers) override
    {
        auto [ec, n] = co_await boost::asio::async_write(
            socket_, buffers, boost::asio::as_tuple(boost::asio::use_awaitable));
        co_return ec;
    }

    void shutdown_send() noexcept override
    {
        error_code ignored;
        socket_.shutdown(socket_type::shutdown_send, ignored);
    }

    void close() noexcept override
    {
        error_code ignored;
        socket_.close(ignored);
    }

    bool is_open() const noexcept override { return socket_.is_open(); }

    executor get_executor() override { return socket_.get_executor(); }

private:
    socket_type socket_;
    bool direct_io_ = false;
};

} // namespace ahttp::web::detail
