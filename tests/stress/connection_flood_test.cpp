// SPDX-License-Identifier: BSL-1.0
// Connection floods: 10,000 idle keep-alive connections (what each one costs the server), and
// max_connections refusing the ones beyond the limit.
#include "stress/swarm.hpp"
#include "support/raw_client.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <sstream>
#include <string>
#include <thread>

namespace {

using namespace std::chrono_literals;
using ahttp::stress::clock_type;
using ahttp::stress::report;
using ahttp::stress::server_process;
using ahttp::stress::swarm;

std::string const get_root = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

std::string describe(char const* what, std::size_t count, std::size_t before, std::size_t after)
{
    std::size_t const delta = after - std::min(after, before);
    std::ostringstream out;
    out.setf(std::ios::fixed);
    out.precision(1);
    out << what << ": " << count << ", server RSS delta "
        << static_cast<double>(delta) / (1024.0 * 1024.0) << " MiB, " << delta / count
        << " bytes/connection";
    return out.str();
}

/// Counts the responses with status 200 among the bytes a connection received.
std::size_t count_ok(std::string const& in)
{
    std::size_t n = 0;
    for (auto at = in.find("HTTP/1.1 200 "); at != std::string::npos;
         at = in.find("HTTP/1.1 200 ", at + 1)) {
        ++n;
    }
    return n;
}

TEST(ConnectionFloodTest, TenThousandIdleKeepAliveConnectionsCostLittleAndServingGoesOn)
{
    std::size_t const limit = ahttp::stress::raise_fd_limit();
    // Each process holds one side of every connection; keep 200 descriptors in hand.
    std::size_t const count = std::min<std::size_t>(10000, limit > 200 ? limit - 200 : 0);
    if (count < 1000) {
        GTEST_SKIP() << "RLIMIT_NOFILE " << limit << " allows fewer than 1000 connections";
    }
    if (count < 10000) {
        report("RLIMIT_NOFILE " + std::to_string(limit) + ": flood scaled down to " +
               std::to_string(count) + " connections");
    }
    server_process server{
        {"--header-read-ms", "2000", "--body-read-ms", "2000", "--keepalive-ms", "60000"}};

    // Warm up first, so that the baseline already has what any traffic brings along (the
    // buffer pool, Asio's frame cache, the allocator's arenas).
    {
        swarm warm{server.port()};
        ASSERT_EQ(warm.open(300, 10s), 300u);
        for (std::size_t i = 0; i < warm.size(); ++i) {
            warm.send(i, get_root);
        }
        warm.poll_until([&] { return warm.answered_count() == warm.size(); }, 10s);
        ASSERT_EQ(warm.answered_count(), 300u);
    }
    ASSERT_EQ(server.wait_for_connections(1, 5s), 1u);
    std::size_t const rss_before = server.rss();

    // Connected, never a byte sent: the connection waits for its first request.
    swarm idle{server.port()};
    auto const started = clock_type::now();
    ASSERT_EQ(idle.open(count, 60s), count);
    auto const opened_in = clock_type::now() - started;
    ASSERT_EQ(server.wait_for_connections(count + 1, 10s), count + 1);
    std::size_t const rss_connected = server.rss();

    // One request each, in batches (as keep-alive clients between requests would be): an idle
    // keep-alive connection gives its read buffer back, so the cost should stay the same.
    constexpr std::size_t batch = 500;
    for (std::size_t first = 0; first < count; first += batch) {
        std::size_t const last = std::min(count, first + batch);
        for (std::size_t i = first; i < last; ++i) {
            idle.send(i, get_root);
        }
        idle.poll_until(
            [&] {
                return std::all_of(idle.connections().begin() + static_cast<std::ptrdiff_t>(first),
                                   idle.connections().begin() + static_cast<std::ptrdiff_t>(last),
                                   [](auto const& c) { return count_ok(c.in) == 1 || c.closed; });
            },
            10s);
    }
    std::size_t answered = 0;
    for (auto const& c : idle.connections()) {
        answered += count_ok(c.in) == 1 && !c.closed ? 1 : 0;
    }
    EXPECT_EQ(answered, count);
    EXPECT_EQ(server.wait_for_connections(count + 1, 5s), count + 1);
    std::size_t const rss_kept_alive = server.rss();

    report(
        "idle connections opened in " +
        std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(opened_in).count()) +
        " ms; server RSS before " + std::to_string(rss_before / 1024) + " KiB");
    report(
        describe("idle connections (connected, no request yet)", count, rss_before, rss_connected));
    report(describe("idle connections (keep-alive after one request)", count, rss_before,
                    rss_kept_alive));
    if (ahttp::stress::memory_is_measurable) {
        EXPECT_LT((rss_connected - std::min(rss_connected, rss_before)) / count, 16u * 1024);
    }
    if (ahttp::stress::memory_is_measurable) {
        EXPECT_LT((rss_kept_alive - std::min(rss_kept_alive, rss_before)) / count, 16u * 1024);
    }

    // With every one of them open, a new client is served at once...
    auto const asked = clock_type::now();
    auto const fresh = ahttp::test::request(server.port(), "GET", "/");
    auto const took = clock_type::now() - asked;
    EXPECT_EQ(fresh.status, 200);
    EXPECT_EQ(fresh.body, "ok");
    EXPECT_LT(took, 1s);
    // ...and so is a second request on a spread of the idle ones.
    for (std::size_t i = 0; i < count; i += count / 100) {
        idle.send(i, get_root);
    }
    auto const second_done = [&] {
        for (std::size_t i = 0; i < count; i += count / 100) {
            if (count_ok(idle.at(i).in) != 2) {
                return false;
            }
        }
        return true;
    };
    EXPECT_TRUE(idle.poll_until(second_done, 5s));
    report("with " + std::to_string(count) + " idle connections open, a new request took " +
           std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(took).count()) +
           " us");
}

TEST(ConnectionFloodTest, MaxConnectionsRefusesExtrasCleanlyAndRecovers)
{
    ahttp::stress::raise_fd_limit();
    constexpr std::size_t limit = 200;
    constexpr std::size_t extra = 100;
    server_process server{{"--keepalive-ms", "60000", "--max-connections", std::to_string(limit)}};

    // Fill the server up; a response on each proves that the server holds every one of them.
    swarm held{server.port()};
    ASSERT_EQ(held.open(limit, 10s), limit);
    for (std::size_t i = 0; i < limit; ++i) {
        held.send(i, get_root);
    }
    ASSERT_TRUE(held.poll_until([&] { return held.answered_count() == limit; }, 10s));

    // The kernel completes the extra handshakes; the server closes each at once, unanswered.
    swarm extras{server.port()};
    std::size_t const connected = extras.open(extra, 10s);
    auto const sent_at = clock_type::now();
    for (std::size_t i = 0; i < extras.size(); ++i) {
        extras.send(i, get_root);
    }
    extras.poll_until([&] { return extras.closed_count() == extras.size(); }, 5s);
    auto const refused_in = clock_type::now() - sent_at;
    std::size_t answered_extras = 0;
    for (auto const& c : extras.connections()) {
        answered_extras += c.received > 0 ? 1 : 0;
    }
    EXPECT_EQ(extras.closed_count(), extra) << "extras left hanging instead of refused";
    EXPECT_EQ(answered_extras, 0u) << "an extra connection was served beyond max_connections";
    report(
        "max_connections " + std::to_string(limit) + ": " + std::to_string(extra) +
        " extra connections (" + std::to_string(connected) +
        " completed the handshake) all "
        "closed unanswered within " +
        std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(refused_in).count()) +
        " ms");

    // The held connections are untouched by the refusals.
    for (std::size_t i = 0; i < limit; ++i) {
        held.send(i, get_root);
    }
    EXPECT_TRUE(held.poll_until(
        [&] {
            return std::all_of(held.connections().begin(), held.connections().end(),
                               [](auto const& c) { return count_ok(c.in) == 2; });
        },
        10s));
    EXPECT_EQ(held.closed_count(), 0u);

    // Once some leave, newcomers are served again.
    for (std::size_t i = 0; i < 10; ++i) {
        held.close(i);
    }
    int status = 0;
    auto const deadline = clock_type::now() + 3s;
    while (status != 200 && clock_type::now() < deadline) {
        try {
            status = ahttp::test::request(server.port(), "GET", "/").status;
        } catch (std::exception const&) {
            status = 0;
        }
        if (status != 200) {
            std::this_thread::sleep_for(20ms);
        }
    }
    EXPECT_EQ(status, 200);
}

} // namespace
