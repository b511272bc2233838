// SPDX-License-Identifier: BSL-1.0
// Requests cancelled from outside (ahttp::wait_for) while they wait for their answer: the
// pending read ends at once, and the session goes on working. The first read of a request
// waits for the socket to become readable without trying a recv first
// (src/client/readable_read.hpp); its cancellation is ahttp's own code, tested here.
#include "support/client_session.hpp"
#include "support/scripted_server.hpp"

#include <ahttp/client.hpp>
#include <ahttp/error.hpp>
#include <ahttp/gather.hpp>
#include <ahttp/wait_for.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace {
namespace cancel_cases { // its own names: the tests build as one unity file

namespace client = ahttp::client;
using ahttp::awaitable;
using ahttp::test::make_session;
using namespace std::chrono_literals;

/// Reads the request and never answers; waits for the client to close (at most 5 s).
void never_answer(ahttp::test::scripted_connection& c, int)
{
    if (!c.read_request().empty()) {
        c.wait_closed();
    }
}

/// Answers every request on the connection with "ok" until the client closes.
void answer_ok(ahttp::test::scripted_connection& c, int)
{
    while (!c.read_request().empty()) {
        c.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    }
}

/// A GET bounded by `timeout`: "timeout" when it was cancelled, else the body.
awaitable<std::string> get_within(client::session& session, std::string url,
                                  std::chrono::milliseconds timeout)
{
    auto fetch = [](client::session& s, std::string u) -> awaitable<std::string> {
        client::response r = co_await s.get(u);
        co_return co_await r.text();
    };
    try {
        co_return co_await ahttp::wait_for(fetch(session, std::move(url)), timeout);
    } catch (ahttp::timeout_error const&) {
        co_return "timeout";
    }
}

// One request alone (written at once) and four together (written at the end of the loop's
// round): each waits for an answer that never comes, is cancelled after 200 ms, and ends
// then, not when the server gives up (5 s). The same session then gets an answer elsewhere.
TEST(ClientCancelTest, ARequestCancelledWhileAwaitingItsAnswerEndsAtOnce)
{
    ahttp::test::scripted_server silent{never_answer};
    ahttp::test::scripted_server talking{answer_ok};
    for (int const requests : {1, 4}) {
        auto const started = std::chrono::steady_clock::now();
        auto const bodies = ahttp::run([&]() -> awaitable<std::vector<std::string>> {
            client::session session = co_await make_session();
            std::vector<awaitable<std::string>> tasks;
            for (int i = 0; i < requests; ++i) {
                tasks.push_back(get_within(session, silent.url("/"), 200ms));
            }
            std::vector<std::string> out = co_await ahttp::gather(std::move(tasks));
            out.push_back(co_await get_within(session, talking.url("/"), 5000ms));
            co_return out;
        }());
        auto const elapsed = std::chrono::steady_clock::now() - started;
        ASSERT_EQ(bodies.size(), static_cast<std::size_t>(requests) + 1);
        for (int i = 0; i < requests; ++i) {
            EXPECT_EQ(bodies[static_cast<std::size_t>(i)], "timeout") << requests << " requests";
        }
        EXPECT_EQ(bodies.back(), "ok") << requests << " requests";
        EXPECT_LT(elapsed, 3s) << requests << " requests";
    }
}

} // namespace cancel_cases
} // namespace
