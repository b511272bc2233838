// SPDX-License-Identifier: BSL-1.0
#include "support/process.hpp"
#include "support/tls_files.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <chrono>
#include <fstream>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ahttp::test {

using namespace std::chrono_literals;

void openssl(std::vector<std::string> args, std::filesystem::path const& dir)
{
    args.insert(args.begin(), "openssl");
    for (auto& a : args) {
        if (a.starts_with("@")) {
            a = (dir / a.substr(1)).string();
        }
    }
    auto const r = run_process(args, {}, 30s);
    ASSERT_EQ(r.exit_code, 0) << r.err;
}

void make_test_ca_and_server_certificate(std::filesystem::path const& dir)
{
    std::vector<std::string> const ec_key{"-newkey", "ec", "-pkeyopt",
                                          "ec_paramgen_curve:prime256v1", "-nodes"};
    std::vector<std::string> ca{"req", "-x509", "-days", "2"};
    ca.insert(ca.end(), ec_key.begin(), ec_key.end());
    ca.insert(ca.end(), {"-keyout", "@ca.key", "-out", "@ca.pem", "-subj", "/CN=ahttp test CA"});
    openssl(ca, dir);
    std::vector<std::string> csr{"req"};
    csr.insert(csr.end(), ec_key.begin(), ec_key.end());
    csr.insert(csr.end(),
               {"-keyout", "@server.key", "-out", "@server.csr", "-subj", "/CN=localhost"});
    openssl(csr, dir);
    std::ofstream{dir / "local.ext"} << "subjectAltName=DNS:localhost,IP:127.0.0.1\n";
    openssl({"x509", "-req", "-in", "@server.csr", "-CA", "@ca.pem", "-CAkey", "@ca.key",
             "-CAcreateserial", "-out", "@server.pem", "-days", "2", "-extfile", "@local.ext"},
            dir);
}

void relay_to(scripted_connection& c, std::uint16_t port, std::string& seen)
{
    std::string const request = c.read_request();
    seen = request.substr(0, request.find("\r\n"));
    int const upstream = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    if (::connect(upstream, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        c.send("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
        ::close(upstream);
        return;
    }
    c.send("HTTP/1.1 200 Connection Established\r\n\r\n");
    pollfd fds[2] = {{c.fd(), POLLIN, 0}, {upstream, POLLIN, 0}};
    char buffer[16384];
    while (::poll(fds, 2, 10'000) > 0) {
        bool done = false;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].revents == 0) {
                continue;
            }
            ssize_t const n = ::recv(fds[i].fd, buffer, sizeof buffer, 0);
            if (n <= 0 ||
                ::send(fds[1 - i].fd, buffer, static_cast<std::size_t>(n), MSG_NOSIGNAL) != n) {
                done = true;
            }
        }
        if (done) {
            break;
        }
    }
    ::close(upstream);
}

} // namespace ahttp::test
