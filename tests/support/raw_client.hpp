// SPDX-License-Identifier: BSL-1.0
// A blocking raw TCP client for wire-level tests: send exact bytes, read exact bytes.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace ahttp::test {

/// One TCP connection to 127.0.0.1:port with blocking I/O and a per-call timeout.
class raw_client {
public:
    explicit raw_client(std::uint16_t port,
                        std::chrono::milliseconds timeout = std::chrono::seconds{10});
    ~raw_client();
    raw_client(raw_client const&) = delete;
    raw_client& operator=(raw_client const&) = delete;

    /// Sends all of `bytes`; returns false if the peer has gone.
    bool send(std::string_view bytes);
    /// Reads until the peer closes or the timeout passes; returns what arrived.
    std::string read_all();
    /// Reads one complete response (head + Content-Length or chunked body); empty on close.
    std::string read_response(bool head_request = false);
    /// True once the peer has closed (a read returns 0 or ECONNRESET) within the timeout.
    bool closed_by_peer();
    /// Shuts down our write side (half-close).
    void shutdown_write();

    /// Reads more into buffered(); false on close or timeout (for protocols layered on top).
    bool fill();
    /// Bytes received and not yet consumed by read_response().
    std::string& buffered() noexcept { return pending_; }

private:
    int fd_ = -1;
    std::chrono::milliseconds timeout_;
    std::string pending_; // bytes read past the last response
};

/// Sends `request` on a fresh connection and returns everything the server sends before
/// closing (or before `timeout`).
std::string exchange(std::uint16_t port, std::string_view request,
                     std::chrono::milliseconds timeout = std::chrono::seconds{5});

} // namespace ahttp::test

namespace ahttp::test {

/// A response split into its parts (for assertions).
struct parsed_response {
    int status = 0;
    std::string head; ///< status line and fields, as received
    std::string body; ///< de-chunked
    /// The value of field `name` (case-insensitive), or empty.
    std::string header(std::string_view name) const;
};

/// Splits one raw response (as read_response returns it).
parsed_response parse_response(std::string const& raw);

/// Sends one request and returns its parsed response (a fresh connection each time).
parsed_response request(std::uint16_t port, std::string_view method, std::string_view target,
                        std::string_view extra_headers = {}, std::string_view body = {});

/// Counts the status lines ("HTTP/1.x NNN") in `raw`.
int count_responses(std::string_view raw);

} // namespace ahttp::test
