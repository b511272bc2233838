// SPDX-License-Identifier: BSL-1.0
// Helpers for the stress tests: the stress server as a child process, and a swarm of many
// non-blocking client connections driven by one epoll set (no thread per connection).
#pragma once

#include "support/running_process.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace ahttp::stress {

using clock_type = std::chrono::steady_clock;

/// False under AddressSanitizer or ThreadSanitizer: their redzones, quarantine and shadow
/// memory inflate the server's RSS several times over, so memory figures are then printed but
/// not held to their bounds.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool memory_is_measurable = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
inline constexpr bool memory_is_measurable = false;
#else
inline constexpr bool memory_is_measurable = true;
#endif
#else
inline constexpr bool memory_is_measurable = true;
#endif

/// Raises this process's soft RLIMIT_NOFILE to its hard limit; returns the new soft limit.
std::size_t raise_fd_limit();

/// Resident memory of process `pid` (VmRSS of /proc/<pid>/status), in bytes; 0 if unknown.
std::size_t resident_bytes(pid_t pid);

/// Prints one line of figures on stdout, prefixed "[stress] ", so the CI log keeps them.
void report(std::string const& line);

/// ahttp_stress_server running as a child process; killed when this object dies.
class server_process {
public:
    /// Starts the server with `args` (see stress_server.cpp) and waits until it listens.
    /// @throws std::runtime_error if it does not report its port within 10 s.
    explicit server_process(std::vector<std::string> const& args);

    std::uint16_t port() const noexcept { return port_; }
    pid_t pid() const noexcept { return pid_; }
    std::size_t rss() const { return resident_bytes(pid_); }
    /// Open connections as the server counts them (GET /stats, on a connection of its own,
    /// which the count includes).
    std::size_t connections() const;
    /// Polls connections() until it equals `count` or `limit` passes; returns the last value.
    std::size_t wait_for_connections(std::size_t count, std::chrono::milliseconds limit) const;

private:
    std::unique_ptr<test::running_process> process_;
    std::uint16_t port_ = 0;
    pid_t pid_ = 0;
};

/// One client connection of a swarm.
struct connection {
    int fd = -1;
    bool connected = false;
    bool closed = false; ///< the server closed it (EOF, reset) or connect failed
    int error = 0;       ///< errno of a reset or failed connect
    std::size_t sent = 0;
    std::size_t received = 0;
    std::string in; ///< the first bytes received (capped, see swarm::keep_bytes)
    clock_type::time_point opened{};
    clock_type::time_point first_sent{};
    clock_type::time_point closed_at{};
};

/// Many client connections to 127.0.0.1:port, all non-blocking, watched by one epoll set.
/// Nothing happens between calls: the test drives the swarm with poll() in its own loops.
class swarm {
public:
    /// @param receive_buffer SO_RCVBUF for new sockets (0: the system default). A small one
    ///        makes a client that does not read fill up sooner.
    explicit swarm(std::uint16_t port, int receive_buffer = 0);
    ~swarm(); ///< resets every connection still open (no TIME_WAIT left behind)
    swarm(swarm const&) = delete;
    swarm& operator=(swarm const&) = delete;

    /// Opens `count` more connections, at most `batch` connecting at a time so that the
    /// server's accept queue never overflows (a dropped SYN costs a 1 s retransmission), and
    /// returns how many are connected within `limit`.
    std::size_t open(std::size_t count, std::chrono::milliseconds limit, std::size_t batch = 256);

    /// Sends what the socket takes of `bytes` now; false if the connection is closed or
    /// would not take all of it.
    bool send(std::size_t index, std::string_view bytes);
    /// Closes connection `index` from the client side (with a reset).
    void close(std::size_t index);
    /// Waits up to `limit` for events and handles them (connects, reads, closes). Reads only
    /// while reading() is true; a swarm that does not read still sees resets and errors.
    void poll(std::chrono::milliseconds limit);
    /// Polls until `done()` is true or `limit` passes; returns done().
    template <class Predicate>
    bool poll_until(Predicate done, std::chrono::milliseconds limit)
    {
        auto const deadline = clock_type::now() + limit;
        while (!done()) {
            auto const left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
            if (left.count() <= 0) {
                return done();
            }
            poll(std::min(left, std::chrono::milliseconds{50}));
        }
        return true;
    }

    void set_reading(bool on);
    bool reading() const noexcept { return reading_; }

    std::size_t size() const noexcept { return connections_.size(); }
    connection& at(std::size_t index) { return connections_[index]; }
    std::vector<connection> const& connections() const noexcept { return connections_; }
    std::size_t connected_count() const noexcept;
    std::size_t closed_count() const noexcept;
    /// Connections that received a complete response head ("\r\n\r\n" seen).
    std::size_t answered_count() const noexcept;

    /// Bytes of each connection's input kept in connection::in.
    static constexpr std::size_t keep_bytes = 4096;

private:
    void watch(std::size_t index, unsigned events);
    void handle(std::size_t index, unsigned events);
    void read_available(connection& c);
    void mark_closed(connection& c, int error);

    std::uint16_t port_;
    int receive_buffer_;
    int epoll_ = -1;
    bool reading_ = true;
    std::vector<connection> connections_;
};

/// What firehose() saw.
struct firehose_result {
    int status = 0;                       ///< of the first response, 0 if none arrived
    std::string response;                 ///< the first bytes received (up to 4 KiB)
    std::size_t sent = 0;                 ///< bytes sent in all
    std::size_t sent_before_response = 0; ///< bytes sent when the response began to arrive
    bool closed = false;                  ///< the server ended the connection
    std::size_t peak_rss = 0;             ///< the server's largest VmRSS seen meanwhile
    clock_type::duration elapsed{};
};

/// Sends `head`, then `piece` again and again, as fast as the server takes it, until `cap`
/// bytes are sent, the server closes the connection, or `limit` passes; reads whatever the
/// server answers meanwhile, and samples the server's resident memory. A refused request gets
/// its response while the client is still sending, as an attacker would be.
/// Once `cap` bytes are out, sends `tail` (e.g. the last chunk) and waits for the end.
firehose_result firehose(server_process const& server, std::string_view head,
                         std::string_view piece, std::size_t cap, std::string_view tail = {},
                         std::chrono::milliseconds limit = std::chrono::seconds{10});

} // namespace ahttp::stress
