// SPDX-License-Identifier: BSL-1.0
#include "support/scripted_server.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace ahttp::test {

namespace {

bool wait_readable(int fd, std::chrono::milliseconds timeout)
{
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, static_cast<int>(timeout.count())) > 0;
}

} // namespace

std::string scripted_connection::read_request(std::chrono::milliseconds timeout)
{
    auto const deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto const end = pending_.find("\r\n\r\n");
        if (end != std::string::npos) {
            std::size_t body = 0;
            std::string const head = pending_.substr(0, end + 4);
            for (auto const* name : {"Content-Length: ", "content-length: "}) {
                if (auto const at = head.find(name); at != std::string::npos) {
                    body = std::stoul(head.substr(at + 16));
                }
            }
            if (pending_.size() >= end + 4 + body) {
                std::string request = pending_.substr(0, end + 4 + body);
                pending_.erase(0, end + 4 + body);
                return request;
            }
        }
        auto const left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0 || !wait_readable(fd_, left)) {
            return {};
        }
        char buffer[4096];
        ssize_t const n = ::recv(fd_, buffer, sizeof buffer, 0);
        if (n <= 0) {
            return {};
        }
        pending_.append(buffer, static_cast<std::size_t>(n));
    }
}

void scripted_connection::send(std::string_view bytes)
{
    while (!bytes.empty()) {
        ssize_t const n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n <= 0) {
            return;
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

bool scripted_connection::wait_closed(std::chrono::milliseconds timeout)
{
    auto const deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto const left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0 || !wait_readable(fd_, left)) {
            return false;
        }
        char buffer[4096];
        if (::recv(fd_, buffer, sizeof buffer, 0) <= 0) {
            return true;
        }
    }
}

scripted_server::scripted_server(script run) : script_(std::move(run))
{
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    int const one = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listener_, 64) != 0) {
        ::close(listener_);
        throw std::runtime_error("scripted_server: cannot listen");
    }
    socklen_t length = sizeof address;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread{[this] { loop(); }};
}

scripted_server::~scripted_server()
{
    stopping_ = true;
    ::shutdown(listener_, SHUT_RDWR); // wakes the poll in loop()
    thread_.join();
    ::close(listener_);
}

std::string scripted_server::url(std::string_view path) const
{
    return "http://127.0.0.1:" + std::to_string(port_) + std::string{path};
}

void scripted_server::loop()
{
    while (!stopping_) {
        if (!wait_readable(listener_, std::chrono::milliseconds{100})) {
            continue;
        }
        int const fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) {
            continue;
        }
        int const index = accepted_++;
        scripted_connection connection{fd};
        try {
            script_(connection, index);
        } catch (...) {
            // A failed script ends its connection; the test sees that as the client's error.
        }
        ::close(fd);
    }
}

} // namespace ahttp::test
