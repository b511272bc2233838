// SPDX-License-Identifier: BSL-1.0
// One server worker: an event loop's listener, its connections, their deadlines and buffers.
#pragma once

#include "web/server_log.hpp"
#include "wire/request_parser.hpp"

#include <ahttp/web/application.hpp>
#include <ahttp/web/run_app.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/basic_socket_acceptor.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

namespace ahttp::web::detail {

class connection;

using stream_protocol = boost::asio::generic::stream_protocol;

/// A worker owns one listening socket and every connection it accepted. All its members are
/// used only on its executor's thread, except the atomic counters.
class worker {
public:
    /// `index` names the worker in log lines (0 runs on the caller's loop).
    worker(boost::asio::any_io_executor executor, application const& app,
           server_options const& options, std::size_t index);
    ~worker();

    /// Binds and listens. With `reuse_port` several workers share one port (SO_REUSEPORT).
    /// @throws web::server_error on failure.
    void listen(std::uint16_t port, bool reuse_port);
    std::uint16_t port() const noexcept { return port_; }

    /// Starts accepting, the deadline sweep and the stall watch. Call on the worker's thread.
    void start();
    /// Closes the listener: new connections are refused.
    void stop_accepting() noexcept;
    /// Asks every connection to close after its current response; closes idle ones now.
    void begin_drain() noexcept;
    /// Cancels everything still running (handlers included) and closes every connection.
    void force_close() noexcept;
    /// Stops the deadline sweep and the stall watch so the event loop can run out of work.
    void stop() noexcept;

    std::size_t connection_count() const noexcept { return count_.load(std::memory_order_relaxed); }
    boost::asio::any_io_executor const& executor() const noexcept { return executor_; }

    // Used by connections.
    application const& app() const noexcept { return app_; }
    server_options const& options() const noexcept { return options_; }
    wire::request_parser const& parser() const noexcept { return parser_; }
    access_logger const* logger() const noexcept { return logger_ ? &*logger_ : nullptr; }
    bool draining() const noexcept { return draining_; }

    /// Input buffers are lent to connections only while a request is in progress, so an idle
    /// keep-alive connection costs no buffer.
    std::unique_ptr<char[]> take_buffer(std::size_t& capacity);
    void give_back_buffer(std::unique_ptr<char[]> buffer, std::size_t capacity) noexcept;
    static constexpr std::size_t buffer_size = std::size_t{16} * 1024;

    void unlink(connection& c) noexcept;

private:
    awaitable<void> accept_loop();
    awaitable<void> sweep_deadlines();
    awaitable<void> watch_loop_stalls();

    boost::asio::any_io_executor executor_;
    application const& app_;
    server_options const& options_;
    wire::request_parser parser_;
    std::optional<access_logger> logger_;
    std::optional<boost::asio::basic_socket_acceptor<stream_protocol>> acceptor_;
    boost::asio::steady_timer sweep_timer_;
    boost::asio::steady_timer stall_timer_;
    std::size_t index_;
    std::uint16_t port_ = 0;
    bool is_unix_ = false;
    bool draining_ = false;
    bool stopped_ = false;
    connection* head_ = nullptr; // intrusive list of live connections
    std::atomic<std::size_t> count_{0};
    std::vector<std::unique_ptr<char[]>> spare_buffers_;
};

} // namespace ahttp::web::detail
