// SPDX-License-Identifier: BSL-1.0
// Serving on a Unix domain socket (server_options::unix_path): curl --unix-socket, a raw
// AF_UNIX client with keep-alive, the socket file's life cycle, and request::remote().
#include "support/apps.hpp"
#include "support/files.hpp"
#include "support/process.hpp"
#include "support/raw_client.hpp"

#include <ahttp/testing/test_server.hpp>
#include <ahttp/web.hpp>

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <poll.h>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
namespace web = ahttp::web;
using ahttp::test::parse_response;
using ahttp::test::temp_dir;

web::server_options on_unix(std::string const& path)
{
    auto options = ahttp::testing::test_server::quiet_options();
    options.unix_path = path;
    return options;
}

bool is_socket_file(std::string const& path)
{
    struct stat info {};
    return ::lstat(path.c_str(), &info) == 0 && S_ISSOCK(info.st_mode);
}

bool exists(std::string const& path)
{
    struct stat info {};
    return ::lstat(path.c_str(), &info) == 0;
}

sockaddr_un address_of(std::string const& path)
{
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.size() >= sizeof address.sun_path) {
        throw std::runtime_error("socket path too long");
    }
    path.copy(address.sun_path, path.size());
    return address;
}

/// A blocking AF_UNIX client with a bounded wait on every read.
class unix_client {
public:
    explicit unix_client(std::string const& path)
    {
        fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        auto const address = address_of(path);
        if (fd_ < 0 ||
            ::connect(fd_, reinterpret_cast<sockaddr const*>(&address), sizeof address) != 0) {
            int const error = errno;
            if (fd_ >= 0) {
                ::close(fd_);
            }
            throw std::runtime_error("connect " + path + ": " + std::strerror(error));
        }
    }
    ~unix_client() { ::close(fd_); }
    unix_client(unix_client const&) = delete;
    unix_client& operator=(unix_client const&) = delete;

    void send(std::string_view bytes)
    {
        while (!bytes.empty()) {
            ssize_t const n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            ASSERT_GT(n, 0) << std::strerror(errno);
            bytes.remove_prefix(static_cast<std::size_t>(n));
        }
    }

    /// Reads one response with a Content-Length body; empty if the server closed or went
    /// silent for 5 s.
    std::string read_response()
    {
        for (;;) {
            auto const head_end = pending_.find("\r\n\r\n");
            if (head_end != std::string::npos) {
                auto const head = pending_.substr(0, head_end + 4);
                auto const length = parse_response(head + "").header("Content-Length");
                std::size_t const total = head.size() + std::stoul(length.empty() ? "0" : length);
                if (pending_.size() >= total) {
                    auto response = pending_.substr(0, total);
                    pending_.erase(0, total);
                    return response;
                }
            }
            if (!fill()) {
                return {};
            }
        }
    }

    /// True if the server closes the connection within 5 s.
    bool closed_by_peer()
    {
        while (fill()) {
        }
        return closed_;
    }

private:
    bool fill()
    {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, 5000) <= 0) {
            return false;
        }
        char buffer[16384];
        ssize_t const n = ::recv(fd_, buffer, sizeof buffer, 0);
        if (n <= 0) {
            closed_ = true;
            return false;
        }
        pending_.append(buffer, static_cast<std::size_t>(n));
        return true;
    }

    int fd_ = -1;
    std::string pending_;
    bool closed_ = false;
};

web::application remote_app()
{
    web::application app;
    app.router().add_get("/remote", [](web::request& req) -> ahttp::awaitable<web::response> {
        co_return web::response::text("[" + std::string{req.remote()} + "]");
    });
    app.router().add_get("/{name}", [](web::request& req) -> ahttp::awaitable<web::response> {
        co_return web::response::text("Hello, " + std::string{req.path_param("name")} + "!");
    });
    return app;
}

TEST(UnixSocketTest, ServesCurlOverUnixSocket)
{
    temp_dir dir{"ahttp-unix", "/tmp"}; // short: sun_path holds 108 bytes
    auto const path = (dir.path() / "s.sock").string();
    auto app = ahttp::test::make_demo_app();
    ahttp::testing::test_server server{app, on_unix(path)};
    EXPECT_TRUE(is_socket_file(path));

    auto const r = ahttp::test::run_process(
        {"curl", "-sS", "--max-time", "10", "--unix-socket", path, "http://localhost/Ada%20L"}, {},
        20s);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "Hello, Ada L!");

    auto const post =
        ahttp::test::run_process({"curl", "-sS", "--max-time", "10", "--unix-socket", path,
                                  "--data-binary", "payload", "http://localhost/echo"},
                                 {}, 20s);
    EXPECT_EQ(post.exit_code, 0) << post.err;
    EXPECT_EQ(post.out, "payload");
}

TEST(UnixSocketTest, KeepsAliveAcrossRequestsOnOneConnection)
{
    temp_dir dir{"ahttp-unix", "/tmp"}; // short: sun_path holds 108 bytes
    auto const path = (dir.path() / "s.sock").string();
    auto app = ahttp::test::make_demo_app();
    ahttp::testing::test_server server{app, on_unix(path)};
    unix_client client{path};
    for (int i = 0; i < 5; ++i) {
        client.send("GET /n" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        auto const r = parse_response(client.read_response());
        EXPECT_EQ(r.status, 200);
        EXPECT_EQ(r.body, "Hello, n" + std::to_string(i) + "!");
        EXPECT_EQ(r.header("Connection"), "");
    }
    EXPECT_EQ(server.connection_count(), 1u);

    // Pipelined, then closed on request.
    client.send("GET /p1 HTTP/1.1\r\nHost: x\r\n\r\n"
                "GET /p2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(parse_response(client.read_response()).body, "Hello, p1!");
    auto const last = parse_response(client.read_response());
    EXPECT_EQ(last.body, "Hello, p2!");
    EXPECT_EQ(last.header("Connection"), "close");
    EXPECT_TRUE(client.closed_by_peer());
}

TEST(UnixSocketTest, RemoteIsUnixForUnixSocketPeers)
{
    temp_dir dir{"ahttp-unix", "/tmp"}; // short: sun_path holds 108 bytes
    auto const path = (dir.path() / "s.sock").string();
    auto app = remote_app();
    ahttp::testing::test_server server{app, on_unix(path)};
    unix_client client{path};
    client.send("GET /remote HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(parse_response(client.read_response()).body, "[unix]");

    // The same application on TCP reports the peer's IP address.
    ahttp::testing::test_server tcp{app};
    EXPECT_EQ(ahttp::test::request(tcp.port(), "GET", "/remote").body, "[127.0.0.1]");
}

TEST(UnixSocketTest, RemovesSocketFileOnShutdown)
{
    temp_dir dir{"ahttp-unix", "/tmp"}; // short: sun_path holds 108 bytes
    auto const path = (dir.path() / "s.sock").string();
    auto app = ahttp::test::make_demo_app();
    ahttp::testing::test_server server{app, on_unix(path)};
    ASSERT_TRUE(is_socket_file(path));
    {
        unix_client client{path};
        client.send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
        EXPECT_EQ(parse_response(client.read_response()).body, "Hello, x!");
        server.stop(); // closes the idle keep-alive connection too
        EXPECT_TRUE(client.closed_by_peer());
    }
    EXPECT_FALSE(exists(path));
    EXPECT_THROW(unix_client{path}, std::runtime_error);
}

TEST(UnixSocketTest, ReplacesStaleSocketFileFromPreviousRun)
{
    temp_dir dir{"ahttp-unix", "/tmp"}; // short: sun_path holds 108 bytes
    auto const path = (dir.path() / "s.sock").string();
    {
        // A previous run that died without removing its socket: bound, then closed.
        int const fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        auto const address = address_of(path);
        ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr const*>(&address), sizeof address), 0);
        ::close(fd);
    }
    ASSERT_TRUE(is_socket_file(path));
    EXPECT_THROW(unix_client{path}, std::runtime_error); // nobody listens: ECONNREFUSED

    auto app = ahttp::test::make_demo_app();
    ahttp::testing::test_server server{app, on_unix(path)};
    unix_client client{path};
    client.send("GET /fresh HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(parse_response(client.read_response()).body, "Hello, fresh!");
}

TEST(UnixSocketTest, SecondRunOnSamePathAfterCleanShutdown)
{
    temp_dir dir{"ahttp-unix", "/tmp"}; // short: sun_path holds 108 bytes
    auto const path = (dir.path() / "s.sock").string();
    auto app = ahttp::test::make_demo_app();
    for (int run = 0; run < 3; ++run) {
        ahttp::testing::test_server server{app, on_unix(path)};
        unix_client client{path};
        client.send("GET /run" + std::to_string(run) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        EXPECT_EQ(parse_response(client.read_response()).body,
                  "Hello, run" + std::to_string(run) + "!");
    }
    EXPECT_FALSE(exists(path));
}

TEST(UnixSocketTest, SeveralWorkersShareOneListener)
{
    // server_options documents one listener per Unix path: workers > 1 must still serve.
    temp_dir dir{"ahttp-unix", "/tmp"}; // short: sun_path holds 108 bytes
    auto const path = (dir.path() / "s.sock").string();
    auto app = ahttp::test::make_demo_app();
    auto options = on_unix(path);
    options.workers = 4;
    ahttp::testing::test_server server{app, options};
    for (int i = 0; i < 8; ++i) {
        unix_client client{path};
        client.send("GET /w" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        EXPECT_EQ(parse_response(client.read_response()).body,
                  "Hello, w" + std::to_string(i) + "!");
    }
}

TEST(UnixSocketTest, UnbindablePathThrowsServerError)
{
    auto app = ahttp::test::make_demo_app();
    try {
        ahttp::testing::test_server server{app, on_unix("/nonexistent-ahttp-dir/s.sock")};
        FAIL() << "a path in a missing directory was bound";
    } catch (web::server_error const& e) {
        EXPECT_NE(std::string{e.what()}.find("/nonexistent-ahttp-dir/s.sock"), std::string::npos)
            << e.what();
    }
}

} // namespace
