// SPDX-License-Identifier: BSL-1.0
// A server that answers before it has read the request's body (413, 401…) and then drains
// it: the answer arrives while the client still waits to send, and the client must read it
// once the body is out, not wait for more. (A request's first read may skip its first recv
// only when nothing was awaited since the request's first byte left: see
// src/client/readable_read.hpp.)
#include "support/client_session.hpp"
#include "support/scripted_server.hpp"

#include <ahttp/client.hpp>
#include <ahttp/error.hpp>
#include <ahttp/gather.hpp>
#include <ahttp/wait_for.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <sys/socket.h>
#include <sys/time.h>
#include <utility>
#include <vector>

namespace {
namespace early_answer_cases { // its own names: the tests build as one unity file

namespace client = ahttp::client;
using ahttp::awaitable;
using ahttp::test::make_session;
using namespace std::chrono_literals;

constexpr std::size_t upload_size = std::size_t{8} * 1024 * 1024; // far more than a socket buffer

/// Reads the request head only, answers 413 at once, then reads (and drops) everything the
/// client sends until it closes or goes quiet for 10 s: the connection stays open, so only
/// the answer itself can end the client's wait.
void answer_before_the_body(ahttp::test::scripted_connection& c, int)
{
    timeval const quiet{10, 0};
    ::setsockopt(c.fd(), SOL_SOCKET, SO_RCVTIMEO, &quiet, sizeof quiet);
    std::string head;
    char buffer[65536];
    while (head.find("\r\n\r\n") == std::string::npos) {
        ssize_t const n = ::recv(c.fd(), buffer, sizeof buffer, 0);
        if (n <= 0) {
            return;
        }
        head.append(buffer, static_cast<std::size_t>(n));
    }
    c.send("HTTP/1.1 413 Payload Too Large\r\nContent-Length: 4\r\n\r\nbig!");
    while (::recv(c.fd(), buffer, sizeof buffer, 0) > 0) {
    }
}

/// POSTs the upload; "timeout" if no answer came within 5 s, else status and body.
awaitable<std::string> post_upload(client::session& session, std::string url)
{
    auto post = [](client::session& s, std::string u) -> awaitable<std::string> {
        client::request_options options;
        options.data = std::string(upload_size, 'x');
        client::response r = co_await s.post(u, std::move(options));
        co_return std::to_string(r.status_code()) + " " + co_await r.text();
    };
    try {
        co_return co_await ahttp::wait_for(post(session, std::move(url)), 5000ms);
    } catch (ahttp::timeout_error const&) {
        co_return "timeout";
    }
}

// One upload alone: written at once, in part, then awaited while the 413 arrives.
TEST(ClientEarlyAnswerTest, AnAnswerThatCameDuringTheUploadIsRead)
{
    ahttp::test::scripted_server server{answer_before_the_body};
    auto const started = std::chrono::steady_clock::now();
    auto const answer = ahttp::run([&]() -> awaitable<std::string> {
        client::session session = co_await make_session();
        co_return co_await post_upload(session, server.url("/upload"));
    }());
    EXPECT_EQ(answer, "413 big!");
    EXPECT_LT(std::chrono::steady_clock::now() - started, 4s);
}

} // namespace early_answer_cases
} // namespace
