// SPDX-License-Identifier: BSL-1.0
// Slow clients: slowloris heads, stalled bodies and readers that never read. Each is dropped
// by its own deadline while normal clients keep being served and the server's memory stays
// bounded.
#include "stress/swarm.hpp"
#include "support/raw_client.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using ahttp::stress::clock_type;
using ahttp::stress::report;
using ahttp::stress::server_process;
using ahttp::stress::swarm;

constexpr auto header_read = 2000ms;
constexpr auto body_read = 2000ms;
// A quarter of the shortest timeout, as the server's deadline sweep runs (worker.cpp).
constexpr auto sweep = 500ms;

double ms(clock_type::duration d)
{
    return std::chrono::duration<double, std::milli>(d).count();
}

double in_mib(std::size_t bytes)
{
    return static_cast<double>(bytes) / (1024.0 * 1024.0);
}

std::string fixed(double value, int decimals = 1)
{
    std::ostringstream out;
    out.setf(std::ios::fixed);
    out.precision(decimals);
    out << value;
    return out.str();
}

/// Requests GET / on a fresh connection every 20 ms from a thread of its own, as an ordinary
/// client would while the server is under attack, and keeps the figures.
class normal_client {
public:
    explicit normal_client(std::uint16_t port)
        : thread_([this, port] {
              while (!stop_.load()) {
                  auto const started = clock_type::now();
                  bool ok = false;
                  try {
                      ahttp::test::raw_client client{port, 2s};
                      client.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                      auto const r = ahttp::test::parse_response(client.read_response());
                      ok = r.status == 200 && r.body == "ok";
                  } catch (std::exception const&) {
                      ok = false;
                  }
                  auto const took = clock_type::now() - started;
                  (ok ? answered_ : failed_).fetch_add(1);
                  auto current = slowest_.load();
                  while (took.count() > current &&
                         !slowest_.compare_exchange_weak(current, took.count())) {
                  }
                  std::this_thread::sleep_for(20ms);
              }
          })
    {
    }
    ~normal_client() { finish(); }
    normal_client(normal_client const&) = delete;
    normal_client& operator=(normal_client const&) = delete;

    void finish()
    {
        stop_ = true;
        if (thread_.joinable()) {
            thread_.join();
        }
    }
    int answered() const { return answered_.load(); }
    int failed() const { return failed_.load(); }
    clock_type::duration slowest() const { return clock_type::duration{slowest_.load()}; }

private:
    std::atomic<bool> stop_{false};
    std::atomic<int> answered_{0};
    std::atomic<int> failed_{0};
    std::atomic<clock_type::rep> slowest_{0};
    std::thread thread_;
};

std::vector<std::string> server_args()
{
    return {"--header-read-ms", std::to_string(header_read.count()),
            "--body-read-ms",   std::to_string(body_read.count()),
            "--keepalive-ms",   "10000"};
}

std::size_t connection_budget(std::size_t wanted)
{
    std::size_t const limit = ahttp::stress::raise_fd_limit();
    std::size_t const usable = limit > 200 ? limit - 200 : 0;
    if (usable < wanted) {
        report("only " + std::to_string(usable) + " file descriptors available (RLIMIT_NOFILE " +
               std::to_string(limit) + "): scaling " + std::to_string(wanted) + " down");
    }
    return std::min(wanted, usable);
}

TEST(SlowClientsTest, SlowlorisIsDroppedAtHeaderDeadlineWhileOthersAreServed)
{
    std::size_t const count = connection_budget(2000);
    if (count < 1000) {
        GTEST_SKIP() << "needs 1000 file descriptors, has " << count;
    }
    server_process server{server_args()};
    std::size_t const rss_before = server.rss();
    normal_client normal{server.port()};

    // One header byte every 700 ms: the connection is never idle long, so only header_read,
    // which runs from the head's first byte to its end, can stop it. (The default 60 s deadline
    // against a byte every few seconds is the same attack, scaled down.) The head never ends
    // within the test.
    std::string const head =
        "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(64, 's') + "\r\n\r\n";
    constexpr auto interval = 700ms;
    swarm clients{server.port()};
    ASSERT_EQ(clients.open(count, 10s), count);
    std::vector<std::size_t> next_byte(count, 0);
    std::vector<clock_type::time_point> next_time(count, clock_type::now());
    std::size_t peak_rss = 0;
    std::size_t bytes_received = 0;
    auto const deadline = clock_type::now() + header_read + 4s;
    while (clients.closed_count() < count && clock_type::now() < deadline) {
        auto const now = clock_type::now();
        for (std::size_t i = 0; i < count; ++i) {
            if (!clients.at(i).closed && now >= next_time[i] && next_byte[i] < head.size()) {
                if (clients.send(i, std::string_view{head}.substr(next_byte[i], 1))) {
                    ++next_byte[i];
                }
                next_time[i] = now + interval;
            }
        }
        peak_rss = std::max(peak_rss, server.rss());
        clients.poll(20ms);
    }
    normal.finish();

    std::vector<double> dropped_after;
    std::size_t early = 0;
    std::size_t max_bytes_sent = 0;
    for (auto const& c : clients.connections()) {
        if (!c.closed) {
            continue;
        }
        auto const after = c.closed_at - c.first_sent;
        dropped_after.push_back(ms(after));
        early += after < header_read - 50ms ? 1 : 0;
        bytes_received += c.received;
        max_bytes_sent = std::max(max_bytes_sent, c.sent);
    }
    std::sort(dropped_after.begin(), dropped_after.end());
    ASSERT_EQ(dropped_after.size(), count) << "connections still open after the header deadline";
    report("slowloris: " + std::to_string(count) + " connections, header_read " +
           std::to_string(header_read.count()) + " ms; dropped after first byte: min " +
           fixed(dropped_after.front(), 0) + " ms, median " + fixed(dropped_after[count / 2], 0) +
           " ms, max " + fixed(dropped_after.back(), 0) + " ms; at most " +
           std::to_string(max_bytes_sent) + " header bytes sent each");
    report("slowloris: server RSS " + fixed(in_mib(rss_before)) + " MiB before, peak " +
           fixed(in_mib(peak_rss)) + " MiB; normal client: " + std::to_string(normal.answered()) +
           " answered, " + std::to_string(normal.failed()) + " failed, slowest " +
           fixed(ms(normal.slowest()), 1) + " ms");

    EXPECT_EQ(early, 0u) << "a slow but live head was cut before header_read";
    EXPECT_LE(dropped_after.back(), ms(header_read + sweep + 1000ms));
    EXPECT_LT(max_bytes_sent, head.size()) << "a head completed: the test proves nothing";
    EXPECT_EQ(bytes_received, 0u) << "the server answered a request that never ended";
    EXPECT_GE(normal.answered(), 20);
    EXPECT_EQ(normal.failed(), 0);
    EXPECT_LT(normal.slowest(), 1s);
    // 2,000 half-read heads: each holds one 16 KiB read buffer at most.
    if (ahttp::stress::memory_is_measurable) {
        EXPECT_LT(peak_rss - std::min(peak_rss, rss_before), count * 48 * 1024);
    }
    EXPECT_EQ(server.wait_for_connections(1, 2s), 1u); // only the /stats request's own
}

TEST(SlowClientsTest, StalledBodiesAreDroppedWith408AndMemoryStaysBounded)
{
    std::size_t const count = connection_budget(1000);
    if (count < 1000) {
        GTEST_SKIP() << "needs 1000 file descriptors, has " << count;
    }
    server_process server{server_args()};
    std::size_t const rss_before = server.rss();
    normal_client normal{server.port()};

    // Each declares a body as large as client_max_size (1 MiB), sends 1,000 bytes of it and
    // stalls: the handler waits in read() with the body deadline running.
    std::string const request =
        "POST /read HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n" +
        std::string(1000, 'b');
    swarm clients{server.port()};
    ASSERT_EQ(clients.open(count, 10s), count);
    std::vector<clock_type::time_point> stalled(count);
    for (std::size_t i = 0; i < count; ++i) {
        EXPECT_TRUE(clients.send(i, request));
        stalled[i] = clock_type::now();
    }
    std::size_t peak_rss = 0;
    auto const deadline = clock_type::now() + body_read + 4s;
    while (clients.closed_count() < count && clock_type::now() < deadline) {
        peak_rss = std::max(peak_rss, server.rss());
        clients.poll(20ms);
    }
    normal.finish();

    std::size_t timed_out = 0;
    std::size_t early = 0;
    double slowest_drop = 0;
    for (std::size_t i = 0; i < count; ++i) {
        auto const& c = clients.at(i);
        if (c.closed && c.in.rfind("HTTP/1.1 408 ", 0) == 0) {
            ++timed_out;
        }
        auto const after = c.closed_at - stalled[i];
        early += c.closed && after < body_read - 50ms ? 1 : 0;
        slowest_drop = std::max(slowest_drop, c.closed ? ms(after) : 1e9);
    }
    std::size_t const per_connection = (peak_rss - std::min(peak_rss, rss_before)) / count;
    report("slow body: " + std::to_string(count) + " stalled bodies, body_read " +
           std::to_string(body_read.count()) + " ms; " + std::to_string(timed_out) +
           " got 408, last dropped " + fixed(slowest_drop, 0) + " ms after stalling; server RSS " +
           fixed(in_mib(rss_before)) + " MiB before, peak " + fixed(in_mib(peak_rss)) + " MiB (" +
           std::to_string(per_connection) + " bytes/connection)");

    EXPECT_EQ(timed_out, count) << clients.at(0).in;
    EXPECT_EQ(early, 0u);
    EXPECT_LE(slowest_drop, ms(body_read + sweep + 1000ms));
    EXPECT_EQ(normal.failed(), 0);
    EXPECT_GE(normal.answered(), 20);
    // A stalled body costs its read buffer (16 KiB) and request, not its declared length.
    if (ahttp::stress::memory_is_measurable) {
        EXPECT_LT(per_connection, 64u * 1024);
    }
    // The clients keep their end open, so the server's lingering close (up to 2 s of reading
    // what the client still sends) runs out before it lets go.
    EXPECT_EQ(server.wait_for_connections(1, 2s + sweep + 1s), 1u);
}

// A reader that never reads: the server's writes stall once the socket buffers are full, and
// the write deadline (body_read) must end the connection.
void expect_slow_readers_dropped(char const* target, std::size_t count, std::size_t full_size,
                                 std::size_t rss_bound_per_connection,
                                 std::vector<std::string> const& extra_args)
{
    auto args = server_args();
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    server_process server{args};
    std::size_t const rss_before = server.rss();
    // A small receive buffer: the client stops taking data after a few KiB, and the kernel
    // holds little on its behalf.
    swarm clients{server.port(), 4096};
    clients.set_reading(false);
    ASSERT_EQ(clients.open(count, 10s), count);
    auto const started = clock_type::now();
    std::string const request = std::string{"GET "} + target + " HTTP/1.1\r\nHost: x\r\n\r\n";
    for (std::size_t i = 0; i < count; ++i) {
        EXPECT_TRUE(clients.send(i, request));
    }
    // The server's count falls back to 1 (the /stats connection itself) once it has given up
    // every stalled writer, though none of them has read a thing.
    std::size_t peak_rss = 0;
    std::size_t open = count + 1;
    // Filling the socket buffers takes a moment, and the write deadline then runs from the
    // last write that made progress.
    auto const deadline = started + body_read + sweep + 1500ms;
    while (open > 1 && clock_type::now() < deadline) {
        peak_rss = std::max(peak_rss, server.rss());
        std::this_thread::sleep_for(50ms);
        open = server.connections();
    }
    auto const all_dropped = clock_type::now() - started;
    EXPECT_EQ(open, 1u) << "stalled writers still open " << ms(all_dropped) << " ms later";
    EXPECT_GE(all_dropped, body_read - 50ms);

    // Now read: each got a truncated response, then the end of the connection.
    clients.set_reading(true);
    clients.poll_until([&] { return clients.closed_count() == count; }, 10s);
    std::size_t truncated = 0;
    std::size_t largest = 0;
    for (auto const& c : clients.connections()) {
        largest = std::max(largest, c.received);
        truncated += c.closed && c.received < full_size && c.in.rfind("HTTP/1.1 200 ", 0) == 0;
    }
    std::size_t const per_connection = (peak_rss - std::min(peak_rss, rss_before)) / count;
    report(std::string{"slow reader of "} + target + ": " + std::to_string(count) +
           " readers, all dropped " + fixed(ms(all_dropped), 0) + " ms after their request (" +
           "body_read " + std::to_string(body_read.count()) + " ms); at most " +
           fixed(in_mib(largest), 2) + " MiB of " + fixed(in_mib(full_size), 0) +
           " MiB delivered; server RSS " + fixed(in_mib(rss_before)) + " MiB before, peak " +
           fixed(in_mib(peak_rss)) + " MiB (" + std::to_string(per_connection) +
           " bytes/connection)");
    EXPECT_EQ(truncated, count);
    if (ahttp::stress::memory_is_measurable) {
        EXPECT_LT(per_connection, rss_bound_per_connection);
    }
    EXPECT_EQ(ahttp::test::request(server.port(), "GET", "/").status, 200);
}

TEST(SlowClientsTest, ReadersThatNeverReadAStreamAreDropped)
{
    // 64 MiB streamed in 64 KiB pieces: what the server holds per reader is one piece and its
    // buffers, never the stream. (This once took 3.5 x body_read: after the timed-out write,
    // the handler's stream was ended with a last chunk that waited a full deadline again, then
    // the lingering close waited 2 s more for a client that had stopped reading.)
    expect_slow_readers_dropped("/stream/64", 50, 64u << 20, 512 * 1024, {});
}

TEST(SlowClientsTest, ReadersThatNeverReadABigBodyAreDropped)
{
    // A 4 MiB body built in memory: the server holds it (twice, as the handler's response and
    // as the output batch) until the reader is dropped, so the bound is per body, not smaller.
    expect_slow_readers_dropped("/big", 20, 4u << 20, 10u << 20, {"--big-size", "4194304"});
}

} // namespace
