// SPDX-License-Identifier: BSL-1.0
#include "support/ports.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace ahttp::test {

namespace {

sockaddr_in loopback(std::uint16_t port)
{
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    return address;
}

} // namespace

std::vector<std::uint16_t> free_ports(std::size_t count)
{
    std::vector<int> sockets;
    std::vector<std::uint16_t> ports;
    bool failed = false;
    for (std::size_t i = 0; i < count && !failed; ++i) {
        int const fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address = loopback(0);
        socklen_t length = sizeof address;
        failed = fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
                 ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0;
        if (fd >= 0) {
            sockets.push_back(fd);
        }
        ports.push_back(ntohs(address.sin_port));
    }
    for (int const fd : sockets) {
        ::close(fd);
    }
    if (failed) {
        throw std::runtime_error("cannot pick a free loopback port");
    }
    return ports;
}

std::uint16_t free_port()
{
    return free_ports(1).front();
}

bool accepts_connections(std::uint16_t port)
{
    int const fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return false;
    }
    sockaddr_in const address = loopback(port);
    bool const ok = ::connect(fd, reinterpret_cast<sockaddr const*>(&address), sizeof address) == 0;
    ::close(fd);
    return ok;
}

} // namespace ahttp::test
