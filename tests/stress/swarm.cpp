// SPDX-License-Identifier: BSL-1.0
// Helpers for the stress tests: the stress server as a child process, and a client swarm.
#include "stress/swarm.hpp"
#include "support/raw_client.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <regex>
#include <stdexcept>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

#ifndef AHTTP_STRESS_SERVER
#error "AHTTP_STRESS_SERVER must name the ahttp_stress_server executable"
#endif

namespace ahttp::stress {

std::size_t raise_fd_limit()
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        return 0;
    }
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
        ::getrlimit(RLIMIT_NOFILE, &limit);
    }
    return static_cast<std::size_t>(limit.rlim_cur);
}

std::size_t resident_bytes(pid_t pid)
{
    std::ifstream status{"/proc/" + std::to_string(pid) + "/status"};
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) {
            return std::stoull(line.substr(6)) * 1024; // "VmRSS:  1234 kB"
        }
    }
    return 0;
}

void report(std::string const& line)
{
    std::cout << "[stress] " << line << std::endl;
}

server_process::server_process(std::vector<std::string> const& args)
{
    std::vector<std::string> argv{AHTTP_STRESS_SERVER};
    argv.insert(argv.end(), args.begin(), args.end());
    process_ = std::make_unique<test::running_process>(argv);
    auto const match = process_->wait_for_stdout(std::regex{R"(listening port=(\d+) pid=(\d+))"},
                                                 std::chrono::seconds{10});
    if (!match) {
        throw std::runtime_error("ahttp_stress_server did not start: " + process_->err());
    }
    port_ = static_cast<std::uint16_t>(std::stoul((*match)[1].str()));
    pid_ = static_cast<pid_t>(std::stol((*match)[2].str()));
}

std::size_t server_process::connections() const
{
    auto const r = test::request(port_, "GET", "/stats");
    std::smatch match;
    if (r.status != 200 || !std::regex_search(r.body, match, std::regex{R"(connections=(\d+))"})) {
        throw std::runtime_error("GET /stats failed: " + r.head + r.body);
    }
    return std::stoull(match[1].str());
}

std::size_t server_process::wait_for_connections(std::size_t count,
                                                 std::chrono::milliseconds limit) const
{
    auto const deadline = clock_type::now() + limit;
    std::size_t seen = connections();
    while (seen != count && clock_type::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds{50});
        seen = connections();
    }
    return seen;
}

swarm::swarm(std::uint16_t port, int receive_buffer) : port_(port), receive_buffer_(receive_buffer)
{
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0) {
        throw std::runtime_error("epoll_create1 failed");
    }
}

swarm::~swarm()
{
    for (auto& c : connections_) {
        if (c.fd >= 0) {
            // Linger 0: close with a reset, so thousands of closes leave no TIME_WAIT ports
            // behind for the next test.
            linger const reset{1, 0};
            ::setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
            ::close(c.fd);
        }
    }
    ::close(epoll_);
}

void swarm::watch(std::size_t index, unsigned events)
{
    epoll_event e{};
    e.events = events;
    e.data.u64 = index;
    ::epoll_ctl(epoll_, EPOLL_CTL_MOD, connections_[index].fd, &e);
}

std::size_t swarm::open(std::size_t count, std::chrono::milliseconds limit, std::size_t batch)
{
    auto const deadline = clock_type::now() + limit;
    std::size_t const first = connections_.size();
    std::size_t const last = first + count;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port_);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    auto pending = [&] {
        return static_cast<std::size_t>(std::count_if(
            connections_.begin() + static_cast<std::ptrdiff_t>(first), connections_.end(),
            [](connection const& c) { return !c.connected && !c.closed; }));
    };
    while (connections_.size() < last && clock_type::now() < deadline) {
        std::size_t const room = batch - std::min(batch, pending());
        for (std::size_t i = 0; i < room && connections_.size() < last; ++i) {
            connection c;
            c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (c.fd < 0) {
                throw std::runtime_error(std::string{"socket: "} + std::strerror(errno));
            }
            int one = 1;
            ::setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            if (receive_buffer_ > 0) {
                ::setsockopt(c.fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer_, sizeof receive_buffer_);
            }
            c.opened = clock_type::now();
            int const rc = ::connect(c.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
            if (rc != 0 && errno != EINPROGRESS) {
                throw std::runtime_error(std::string{"connect: "} + std::strerror(errno));
            }
            c.connected = rc == 0;
            std::size_t const index = connections_.size();
            connections_.push_back(std::move(c));
            epoll_event e{};
            e.events =
                connections_[index].connected ? (reading_ ? EPOLLIN | EPOLLRDHUP : 0u) : EPOLLOUT;
            e.data.u64 = index;
            ::epoll_ctl(epoll_, EPOLL_CTL_ADD, connections_[index].fd, &e);
        }
        poll(std::chrono::milliseconds{pending() > 0 ? 10 : 0});
    }
    poll_until([&] { return pending() == 0; },
               std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::max(deadline - clock_type::now(), clock_type::duration::zero())));
    return static_cast<std::size_t>(
        std::count_if(connections_.begin() + static_cast<std::ptrdiff_t>(first), connections_.end(),
                      [](connection const& c) { return c.connected && !c.closed; }));
}

bool swarm::send(std::size_t index, std::string_view bytes)
{
    connection& c = connections_[index];
    if (c.closed || !c.connected) {
        return false;
    }
    ssize_t const n = ::send(c.fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            int const error = errno;
            // A reset can come with a response still queued (a refused request): keep it.
            if (reading_) {
                read_available(c);
            }
            mark_closed(c, error);
        }
        return false;
    }
    if (c.sent == 0 && n > 0) {
        c.first_sent = clock_type::now();
    }
    c.sent += static_cast<std::size_t>(n);
    return static_cast<std::size_t>(n) == bytes.size();
}

void swarm::close(std::size_t index)
{
    connection& c = connections_[index];
    if (c.fd < 0) {
        return;
    }
    mark_closed(c, 0);
    linger const reset{1, 0};
    ::setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    ::close(c.fd);
    c.fd = -1;
}

void swarm::mark_closed(connection& c, int error)
{
    if (c.closed) {
        return;
    }
    c.closed = true;
    c.error = error;
    c.closed_at = clock_type::now();
    ::epoll_ctl(epoll_, EPOLL_CTL_DEL, c.fd, nullptr);
}

void swarm::handle(std::size_t index, unsigned events)
{
    connection& c = connections_[index];
    if (c.closed) {
        return;
    }
    if (!c.connected) {
        int error = 0;
        socklen_t length = sizeof error;
        ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &length);
        if (error != 0) {
            mark_closed(c, error);
            return;
        }
        c.connected = true;
        watch(index, reading_ ? EPOLLIN | EPOLLRDHUP : 0u);
        return;
    }
    if (!reading_) {
        if ((events & (EPOLLERR | EPOLLHUP)) != 0) {
            int error = 0;
            socklen_t length = sizeof error;
            ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &length);
            mark_closed(c, error);
        }
        return;
    }
    read_available(c);
}

void swarm::read_available(connection& c)
{
    char buffer[65536];
    for (;;) {
        ssize_t const n = ::recv(c.fd, buffer, sizeof buffer, 0);
        if (n > 0) {
            std::size_t const got = static_cast<std::size_t>(n);
            c.received += got;
            if (c.in.size() < keep_bytes) {
                c.in.append(buffer, std::min(got, keep_bytes - c.in.size()));
            }
            continue;
        }
        if (n == 0) {
            mark_closed(c, 0);
        } else if (errno == EINTR) {
            continue;
        } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
            mark_closed(c, errno);
        }
        return;
    }
}

void swarm::poll(std::chrono::milliseconds limit)
{
    epoll_event events[512];
    int const n = ::epoll_wait(epoll_, events, 512, static_cast<int>(limit.count()));
    for (int i = 0; i < n; ++i) {
        handle(static_cast<std::size_t>(events[i].data.u64), events[i].events);
    }
}

void swarm::set_reading(bool on)
{
    reading_ = on;
    for (std::size_t i = 0; i < connections_.size(); ++i) {
        if (connections_[i].connected && !connections_[i].closed) {
            watch(i, on ? EPOLLIN | EPOLLRDHUP : 0u);
        }
    }
}

std::size_t swarm::connected_count() const noexcept
{
    return static_cast<std::size_t>(std::count_if(connections_.begin(), connections_.end(),
                                                  [](connection const& c) { return c.connected; }));
}

std::size_t swarm::closed_count() const noexcept
{
    return static_cast<std::size_t>(std::count_if(connections_.begin(), connections_.end(),
                                                  [](connection const& c) { return c.closed; }));
}

std::size_t swarm::answered_count() const noexcept
{
    return static_cast<std::size_t>(
        std::count_if(connections_.begin(), connections_.end(), [](connection const& c) {
            return c.in.find("\r\n\r\n") != std::string::npos;
        }));
}

} // namespace ahttp::stress

namespace ahttp::stress {

firehose_result firehose(server_process const& server, std::string_view head,
                         std::string_view piece, std::size_t cap, std::string_view tail,
                         std::chrono::milliseconds limit)
{
    firehose_result result;
    swarm one{server.port()};
    if (one.open(1, std::chrono::seconds{2}) != 1) {
        return result;
    }
    auto const started = clock_type::now();
    auto const deadline = started + limit;
    auto next_sample = started;
    std::string_view pending = head;
    bool sending = true;
    bool tail_queued = false;
    connection const& c = one.at(0);
    while (!c.closed && clock_type::now() < deadline) {
        auto const now = clock_type::now();
        if (now >= next_sample) {
            result.peak_rss = std::max(result.peak_rss, server.rss());
            next_sample = now + std::chrono::milliseconds{20};
        }
        while (sending && !c.closed) {
            if (pending.empty()) {
                if (c.sent + piece.size() <= cap) {
                    pending = piece;
                } else if (!tail_queued) {
                    pending = tail; // the cap ends the pieces; the tail goes once
                    tail_queued = true;
                }
                if (pending.empty()) {
                    sending = false;
                    break;
                }
            }
            std::size_t const before = c.sent;
            bool const all = one.send(0, pending);
            pending.remove_prefix(c.sent - before);
            if (!all) {
                break; // the socket is full: let the server catch up (or refuse)
            }
        }
        if (result.sent_before_response == 0 && c.received > 0) {
            result.sent_before_response = c.sent;
        }
        one.poll(std::chrono::milliseconds{sending ? 1 : 20});
    }
    if (result.sent_before_response == 0 && c.received > 0) {
        result.sent_before_response = c.sent;
    }
    // The connection may have closed before the sender saw the response: collect what the
    // server wrote before it went away.
    one.poll_until([&] { return c.closed; }, std::chrono::milliseconds{500});
    result.peak_rss = std::max(result.peak_rss, server.rss());
    result.elapsed = clock_type::now() - started;
    result.sent = c.sent;
    result.closed = c.closed;
    result.response = c.in;
    if (result.response.rfind("HTTP/1.", 0) == 0 && result.response.size() >= 12) {
        result.status = std::atoi(result.response.c_str() + 9);
    }
    return result;
}

} // namespace ahttp::stress
