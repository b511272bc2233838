// SPDX-License-Identifier: BSL-1.0
// A blocking TCP server on 127.0.0.1 whose every connection runs a script: for client tests
// that need a misbehaving peer (closing at the wrong moment, truncating, garbling).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

namespace ahttp::test {

/// One accepted connection, as the script sees it (blocking I/O with a timeout).
class scripted_connection {
public:
    explicit scripted_connection(int fd) noexcept : fd_(fd) {}
    /// Reads one request head plus its Content-Length body; empty if the client closed.
    std::string read_request(std::chrono::milliseconds timeout = std::chrono::seconds{5});
    /// Sends all of `bytes`.
    void send(std::string_view bytes);
    /// Waits until the client closes (or `timeout`); true if it did.
    bool wait_closed(std::chrono::milliseconds timeout = std::chrono::seconds{5});
    int fd() const noexcept { return fd_; }

private:
    int fd_;
    std::string pending_;
};

/// Accepts connections one after another and runs `script` on each (then closes it), until
/// destroyed. `connections()` counts the accepted ones.
class scripted_server {
public:
    using script = std::function<void(scripted_connection&, int index)>;
    explicit scripted_server(script run);
    ~scripted_server();
    scripted_server(scripted_server const&) = delete;
    scripted_server& operator=(scripted_server const&) = delete;

    std::uint16_t port() const noexcept { return port_; }
    std::string url(std::string_view path = "/") const;
    int connections() const noexcept { return accepted_.load(); }

private:
    void loop();

    script script_;
    int listener_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<int> accepted_{0};
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

} // namespace ahttp::test
