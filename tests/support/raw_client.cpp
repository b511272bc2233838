// SPDX-License-Identifier: BSL-1.0
// Blocking raw TCP client used by wire-level tests.
#include "support/raw_client.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstdlib>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdexcept>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include <utility>

namespace ahttp::test {

raw_client::raw_client(std::uint16_t port, std::chrono::milliseconds timeout) : timeout_(timeout)
{
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        throw std::runtime_error("raw_client: connect failed");
    }
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

raw_client::~raw_client()
{
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

bool raw_client::send(std::string_view bytes)
{
    while (!bytes.empty()) {
        ssize_t const n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n <= 0) {
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

bool raw_client::fill()
{
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout_.count())) <= 0) {
        return false;
    }
    char buffer[65536];
    ssize_t const n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) {
        return false;
    }
    pending_.append(buffer, static_cast<std::size_t>(n));
    return true;
}

std::string raw_client::read_all()
{
    while (fill()) {
    }
    return std::exchange(pending_, {});
}

bool raw_client::closed_by_peer()
{
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout_.count())) <= 0) {
        return false;
    }
    char buffer[4096];
    for (;;) {
        ssize_t const n = ::recv(fd_, buffer, sizeof buffer, 0);
        if (n == 0 || (n < 0 && errno == ECONNRESET)) {
            return true;
        }
        if (n < 0) {
            return false;
        }
        pending_.append(buffer, static_cast<std::size_t>(n));
        if (::poll(&p, 1, static_cast<int>(timeout_.count())) <= 0) {
            return false;
        }
    }
}

void raw_client::shutdown_write()
{
    ::shutdown(fd_, SHUT_WR);
}

std::string raw_client::read_response(bool head_request)
{
    std::size_t head_end;
    while ((head_end = pending_.find("\r\n\r\n")) == std::string::npos) {
        if (!fill()) {
            return std::exchange(pending_, {});
        }
    }
    head_end += 4;
    std::string const head = pending_.substr(0, head_end);
    auto header_value = [&](char const* name) -> std::string {
        std::size_t pos = 0;
        std::string const needle = std::string("\r\n") + name + ":";
        while ((pos = head.find("\r\n", pos)) != std::string::npos) {
            if (::strncasecmp(head.c_str() + pos, needle.c_str(), needle.size()) == 0) {
                auto start = pos + needle.size();
                auto end = head.find("\r\n", start);
                std::string v = head.substr(start, end - start);
                v.erase(0, v.find_first_not_of(' '));
                return v;
            }
            pos += 2;
        }
        return {};
    };
    int const status = std::atoi(head.c_str() + 9);
    std::size_t total = head_end;
    bool const no_body = head_request || status == 204 || status == 304 || status / 100 == 1;
    if (!no_body) {
        if (auto cl = header_value("Content-Length"); !cl.empty()) {
            total += std::strtoull(cl.c_str(), nullptr, 10);
            while (pending_.size() < total && fill()) {
            }
        } else if (header_value("Transfer-Encoding").find("chunked") != std::string::npos) {
            // Scan chunk sizes until the zero chunk and its empty trailer.
            std::size_t pos = head_end;
            for (;;) {
                std::size_t eol;
                while ((eol = pending_.find("\r\n", pos)) == std::string::npos) {
                    if (!fill()) {
                        return std::exchange(pending_, {});
                    }
                }
                std::size_t const size = std::strtoull(pending_.c_str() + pos, nullptr, 16);
                pos = eol + 2 + size + 2;
                if (size == 0) {
                    break;
                }
                while (pending_.size() < pos && fill()) {
                }
            }
            while (pending_.size() < pos && fill()) {
            }
            total = pos;
        } else {
            while (fill()) { // delimited by close
            }
            total = pending_.size();
        }
    }
    total = std::min(total, pending_.size());
    std::string response = pending_.substr(0, total);
    pending_.erase(0, total);
    return response;
}

std::string exchange(std::uint16_t port, std::string_view request,
                     std::chrono::milliseconds timeout)
{
    raw_client client{port, timeout};
    client.send(request);
    return client.read_all();
}

} // namespace ahttp::test

namespace ahttp::test {

std::string parsed_response::header(std::string_view name) const
{
    std::size_t pos = 0;
    while ((pos = head.find("\r\n", pos)) != std::string::npos) {
        pos += 2;
        auto const colon = head.find(':', pos);
        auto const eol = head.find("\r\n", pos);
        if (colon == std::string::npos || colon > eol) {
            continue;
        }
        if (colon - pos == name.size() &&
            ::strncasecmp(head.c_str() + pos, name.data(), name.size()) == 0) {
            std::string v = head.substr(colon + 1, eol - colon - 1);
            v.erase(0, v.find_first_not_of(' '));
            return v;
        }
    }
    return {};
}

parsed_response parse_response(std::string const& raw)
{
    parsed_response r;
    auto const head_end = raw.find("\r\n\r\n");
    if (raw.size() < 12 || head_end == std::string::npos) {
        return r;
    }
    r.status = std::atoi(raw.c_str() + 9);
    r.head = raw.substr(0, head_end + 2);
    std::string body = raw.substr(head_end + 4);
    if (r.header("Transfer-Encoding").find("chunked") != std::string::npos) {
        std::string decoded;
        std::size_t pos = 0;
        for (;;) {
            auto const eol = body.find("\r\n", pos);
            if (eol == std::string::npos) {
                break;
            }
            std::size_t const size = std::strtoull(body.c_str() + pos, nullptr, 16);
            if (size == 0) {
                break;
            }
            decoded += body.substr(eol + 2, size);
            pos = eol + 2 + size + 2;
        }
        body = decoded;
    }
    r.body = body;
    return r;
}

parsed_response request(std::uint16_t port, std::string_view method, std::string_view target,
                        std::string_view extra_headers, std::string_view body)
{
    raw_client client{port};
    std::string text{method};
    text.append(" ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    text.append(extra_headers);
    if (!body.empty()) {
        text.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
    }
    text.append("\r\n").append(body);
    client.send(text);
    return parse_response(client.read_response(method == "HEAD"));
}

int count_responses(std::string_view raw)
{
    int n = 0;
    for (std::size_t pos = 0; (pos = raw.find("HTTP/1.", pos)) != std::string_view::npos;
         pos += 7) {
        if (pos + 12 <= raw.size() && raw[pos + 8] == ' ') {
            ++n;
        }
    }
    return n;
}

} // namespace ahttp::test
