// SPDX-License-Identifier: BSL-1.0
// client::session against peers that fail in each way a network can (scripted over loopback):
// FIN or RST before the head, in the head and in the body, truncated and bad chunking, a bad
// gzip body, a peer that does not speak TLS, DNS failure, a proxy that refuses CONNECT, and a
// connection reset while it idles in the pool. Each failure must be its typed exception, the
// pool must never hand the dead connection out again, and no descriptor may outlive the test.
// (tests/client/faults_test.cpp has the timeouts, the keep-alive race and the FIN-while-idle
// case; these complement it.)
#include "support/client_session.hpp"
#include "support/process.hpp"
#include "support/scripted_server.hpp"

#include <ahttp/client.hpp>
#include <ahttp/sleep.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <iostream>
#include <optional>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace client = ahttp::client;
using ahttp::awaitable;
using ahttp::test::make_session;
using ahttp::test::open_descriptor_count;
using ahttp::test::scripted_connection;
using ahttp::test::scripted_server;

constexpr char const* ok_response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

/// Makes the close that ends the script send RST instead of FIN.
void reset_on_close(scripted_connection& c)
{
    linger const abort_on_close{1, 0};
    ::setsockopt(c.fd(), SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
}

/// Waits for the client's first bytes (a TLS ClientHello, which read_request cannot frame)
/// and discards them; false if none came within 30 s (loading the CA store takes seconds
/// under valgrind).
bool read_some(scripted_connection& c)
{
    pollfd p{c.fd(), POLLIN, 0};
    if (::poll(&p, 1, 30000) <= 0) {
        return false;
    }
    char buffer[4096];
    return ::recv(c.fd(), buffer, sizeof buffer, 0) > 0;
}

/// A head promising `length` bytes, with the first `sent` of them.
std::string partial_body(std::size_t length, std::size_t sent)
{
    return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(length) + "\r\n\r\n" +
           std::string(sent, 'x');
}

/// Answers every request on the connection with "ok", keeping it alive.
void answer_all(scripted_connection& c)
{
    for (int i = 0; i < 100 && !c.read_request().empty(); ++i) {
        c.send(ok_response);
    }
}

enum class fails_in { head, body };
enum class error_kind { connection, tls, payload };

char const* to_string(error_kind kind)
{
    switch (kind) {
    case error_kind::connection:
        return "connection_error";
    case error_kind::tls:
        return "tls_error";
    case error_kind::payload:
        return "payload_error";
    }
    return "?";
}

struct fault_case {
    std::string name;
    /// What the server does on connections 0 and 1 (the following ones answer "ok").
    std::function<void(scripted_connection&)> faulty_connection;
    fails_in where = fails_in::head;
    error_kind expected = error_kind::connection;
    bool https = false;
    /// The fault is an RST: the error must say so (else the script did not do what it claims).
    bool reset = false;
};

void PrintTo(fault_case const& c, std::ostream* os)
{
    *os << c.name;
}

/// How one request ended: the exception class caught (most derived first), its code, and
/// whether the head had arrived.
struct observed {
    std::optional<error_kind> kind;
    std::string other; ///< what() of any exception that is not a client connection/payload error
    boost::system::error_code code;
    std::string what;
    bool got_head = false;
};

awaitable<observed> request_through_fault(std::string url)
{
    observed seen;
    client::session_options options{.timeout = {.total = 60s}};
    client::session session = co_await make_session(std::move(options));
    try {
        client::response r = co_await session.get(url);
        seen.got_head = true;
        co_await r.read();
    } catch (client::tls_error const& e) {
        seen = {error_kind::tls, {}, e.code(), e.what(), seen.got_head};
    } catch (client::connection_error const& e) {
        seen = {error_kind::connection, {}, e.code(), e.what(), seen.got_head};
    } catch (client::payload_error const& e) {
        seen = {error_kind::payload, {}, e.code(), e.what(), seen.got_head};
    } catch (std::exception const& e) {
        seen.other = e.what();
    }
    co_return seen;
}

/// The same session after a fault: a POST (never replayed, so a dead pooled connection would
/// fail it rather than be retried away) must succeed.
awaitable<std::string> post_after_fault(std::string faulty_url, std::string plain_url)
{
    client::session_options options{.timeout = {.total = 60s}};
    client::session session = co_await make_session(std::move(options));
    try {
        client::response r = co_await session.get(faulty_url);
        co_await r.read();
    } catch (client::client_error const&) {
        // the fault under test; request_through_fault checks its class
    }
    try {
        client::request_options body{.data = std::string{"after the fault"}};
        client::response r = co_await session.post(plain_url, std::move(body));
        co_return co_await r.text();
    } catch (std::exception const& e) {
        co_return std::string{"the POST after the fault failed: "} + e.what();
    }
}

class ClientFaultTest : public ::testing::TestWithParam<fault_case> {};

TEST_P(ClientFaultTest, IsTypedAndLeavesNoDeadConnectionNorDescriptor)
{
    fault_case const& fault = GetParam();
    auto const before = open_descriptor_count();
    {
        scripted_server server{[&](scripted_connection& c, int index) {
            if (index < 2) {
                fault.faulty_connection(c);
            } else {
                answer_all(c);
            }
        }};
        std::string const scheme = fault.https ? "https" : "http";
        std::string const faulty = scheme + "://127.0.0.1:" + std::to_string(server.port()) + "/";

        observed const seen = ahttp::run(request_through_fault(faulty));
        EXPECT_EQ(seen.other, "") << "not a connection, TLS or payload error";
        ASSERT_TRUE(seen.kind.has_value()) << "no exception at all";
        EXPECT_EQ(to_string(*seen.kind), std::string{to_string(fault.expected)})
            << seen.what << " [" << seen.code.message() << "]";
        EXPECT_EQ(seen.got_head, fault.where == fails_in::body) << seen.what;
        if (fault.reset) {
            EXPECT_EQ(seen.code, boost::asio::error::connection_reset) << seen.what;
        }
        std::cout << "[ observed ] " << fault.name << ": " << to_string(*seen.kind) << " ["
                  << seen.code.message() << "] " << seen.what << std::endl;

        // Connection 1 is the fault again, connection 2 answers the (plain http) POST: had the
        // session kept the faulted connection, the POST would have gone to it and failed.
        std::string const answer = ahttp::run(post_after_fault(faulty, server.url("/")));
        EXPECT_EQ(answer, "ok");
        EXPECT_EQ(server.connections(), 3);
    }
    EXPECT_EQ(open_descriptor_count(), before);
}

std::vector<fault_case> fault_cases()
{
    return {
        {"FinBeforeTheHead", [](scripted_connection& c) { c.read_request(); }, fails_in::head,
         error_kind::connection},
        {"RstBeforeTheHead",
         [](scripted_connection& c) {
             c.read_request();
             reset_on_close(c);
         },
         fails_in::head, error_kind::connection, false, true},
        // A connection lost before the head is complete is a connection error, whatever
        // part of the head came (aiohttp: ServerDisconnectedError); a complete but wrong
        // head is a payload error.
        {"FinInTheHead",
         [](scripted_connection& c) {
             c.read_request();
             c.send("HTTP/1.1 200 OK\r\nContent-Le");
         },
         fails_in::head, error_kind::connection},
        {"GarbageStatusLine",
         [](scripted_connection& c) {
             c.read_request();
             c.send("\x16\x03\x01 not http at all\r\n\r\n");
         },
         fails_in::head, error_kind::payload},
        {"FinMidBody",
         [](scripted_connection& c) {
             c.read_request();
             c.send(partial_body(100000, 30000));
         },
         fails_in::body, error_kind::payload},
        {"RstMidBody",
         [](scripted_connection& c) {
             c.read_request();
             c.send(partial_body(100000, 30000));
             std::this_thread::sleep_for(50ms); // the head reaches the client first
             reset_on_close(c);
         },
         fails_in::body, error_kind::payload, false, true},
        {"TruncatedChunkedBody",
         [](scripted_connection& c) {
             c.read_request();
             c.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n8\r\nwor");
         },
         fails_in::body, error_kind::payload},
        {"RstMidChunkedBody",
         [](scripted_connection& c) {
             c.read_request();
             c.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
             std::this_thread::sleep_for(50ms);
             reset_on_close(c);
         },
         fails_in::body, error_kind::payload, false, true},
        {"BadGzipBody",
         [](scripted_connection& c) {
             c.read_request();
             c.send("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 16\r\n\r\n"
                    "this is not gzip");
         },
         fails_in::body, error_kind::payload},
        {"PlainHttpPeerForTls",
         [](scripted_connection& c) {
             if (read_some(c)) {
                 c.send("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
             }
         },
         fails_in::head, error_kind::tls, true},
        {"RstDuringTlsHandshake",
         [](scripted_connection& c) {
             read_some(c);
             reset_on_close(c);
         },
         fails_in::head, error_kind::tls, true, true},
        {"FinDuringTlsHandshake", [](scripted_connection& c) { read_some(c); }, fails_in::head,
         error_kind::tls, true},
    };
}

INSTANTIATE_TEST_SUITE_P(Faults, ClientFaultTest, ::testing::ValuesIn(fault_cases()),
                         [](auto const& test_info) { return test_info.param.name; });

TEST(ClientFaultsMoreTest, UnresolvableNameIsAConnectionErrorAndLeaksNothing)
{
    auto const before = open_descriptor_count();
    observed const seen = ahttp::run(request_through_fault("http://nonexistent.invalid/"));
    EXPECT_EQ(seen.other, "");
    ASSERT_TRUE(seen.kind.has_value());
    EXPECT_EQ(*seen.kind, error_kind::connection) << seen.what;
    EXPECT_FALSE(seen.got_head);
    EXPECT_NE(seen.what.find("nonexistent.invalid"), std::string::npos) << seen.what;
    std::cout << "[ observed ] DNS: [" << seen.code.message() << "] " << seen.what << std::endl;
    EXPECT_EQ(open_descriptor_count(), before);
}

TEST(ClientFaultsMoreTest, AProxyThatRefusesOrDropsConnectIsAConnectionError)
{
    auto const before = open_descriptor_count();
    {
        // Connection 0 is refused with 403, connection 1 dropped when CONNECT arrives.
        scripted_server proxy{[](scripted_connection& c, int index) {
            if (c.read_request().empty()) {
                return;
            }
            if (index % 2 == 0) {
                c.send("HTTP/1.1 403 Forbidden\r\nContent-Length: 6\r\n\r\ndenied");
            }
        }};
        auto const failures =
            ahttp::run([](std::string via) -> awaitable<std::vector<std::string>> {
                client::session_options options{.proxy = std::move(via), .timeout = {.total = 60s}};
                client::session session = co_await make_session(std::move(options));
                std::vector<std::string> out;
                for (int i = 0; i < 4; ++i) {
                    try {
                        co_await session.get("https://target.invalid/");
                        out.push_back("no exception");
                    } catch (client::connection_error const& e) {
                        out.push_back(e.what());
                    } catch (std::exception const& e) {
                        out.push_back(std::string{"untyped: "} + e.what());
                    }
                }
                co_return out;
            }("http://127.0.0.1:" + std::to_string(proxy.port())));
        ASSERT_EQ(failures.size(), 4u);
        for (std::size_t i = 0; i < failures.size(); ++i) {
            EXPECT_NE(failures[i].find("target.invalid"), std::string::npos) << failures[i];
            EXPECT_EQ(failures[i].find("untyped"), std::string::npos) << failures[i];
        }
        EXPECT_NE(failures[0].find("403"), std::string::npos) << failures[0];
        // A refused tunnel's connection is never reused: each attempt connected anew.
        EXPECT_EQ(proxy.connections(), 4);
    }
    EXPECT_EQ(open_descriptor_count(), before);
}

TEST(ClientFaultsMoreTest, NeverReplaysAfterPartOfTheHeadCameOnAReusedConnection)
{
    // The stale-connection retry is for a server that closed before any byte of the
    // response: once part of a head has come, the server did see the request, so even a GET
    // is not sent again.
    scripted_server server{[](scripted_connection& c, int) {
        if (c.read_request().empty()) {
            return;
        }
        c.send(ok_response);
        if (c.read_request().empty()) {
            return;
        }
        c.send("HTTP/1.1 200 OK\r\nContent-Le");
    }};
    auto const outcome = ahttp::run([](std::string url) -> awaitable<std::string> {
        client::session session = co_await make_session();
        client::response first = co_await session.get(url);
        co_await first.read();
        try {
            client::response second = co_await session.get(url);
            co_return "answered: " + co_await second.text();
        } catch (client::client_error const&) {
            co_return "client_error";
        }
    }(server.url("/")));
    EXPECT_EQ(outcome, "client_error");
    EXPECT_EQ(server.connections(), 1) << "the GET was sent again on a new connection";
}

TEST(ClientFaultsMoreTest, PoolNeverHandsOutAConnectionResetWhileIdle)
{
    // Each connection answers one request and, 30 ms later while the client holds it idle,
    // resets it (SO_LINGER 0). POSTs are never replayed, so a reset connection handed out by
    // the pool would fail the POST instead of being retried away.
    constexpr int rounds = 10;
    auto const before = open_descriptor_count();
    {
        scripted_server server{[](scripted_connection& c, int) {
            if (c.read_request().empty()) {
                return;
            }
            c.send(ok_response);
            std::this_thread::sleep_for(30ms);
            reset_on_close(c);
        }};
        auto const bodies = ahttp::run([](std::string url) -> awaitable<std::vector<std::string>> {
            client::session session = co_await make_session();
            std::vector<std::string> out;
            for (int i = 0; i < rounds; ++i) {
                try {
                    client::request_options body{.data = std::string{"round"}};
                    client::response r = co_await session.post(url, std::move(body));
                    out.push_back(co_await r.text());
                } catch (std::exception const& e) {
                    out.push_back(e.what());
                }
                co_await ahttp::sleep(150ms); // the RST arrives while the connection idles
            }
            co_return out;
        }(server.url("/")));
        EXPECT_EQ(bodies, std::vector<std::string>(rounds, "ok"));
        EXPECT_EQ(server.connections(), rounds);
    }
    EXPECT_EQ(open_descriptor_count(), before);
}

} // namespace
