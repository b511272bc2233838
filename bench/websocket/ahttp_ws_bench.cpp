// SPDX-License-Identifier: BSL-1.0
// The WebSocket benchmark's driver (bench/websocket): C connections to an echo server, each
// sending a message and awaiting its echo in a loop for D seconds; prints one JSON line.
//   ahttp_ws_bench ws://127.0.0.1:PORT/ws [connections] [seconds] [message_bytes]
#include <ahttp/client.hpp>
#include <ahttp/websocket.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/resource.h>
#include <vector>

namespace client = ahttp::client;
namespace websocket = ahttp::websocket;
using clock_type = std::chrono::steady_clock;

namespace {

struct totals {
    std::uint64_t round_trips = 0;
    std::uint64_t errors = 0;
    std::vector<double> latencies_us; // a sample: every 16th round trip
};

double cpu_seconds()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

ahttp::awaitable<void> one_connection(websocket::connection ws, std::string payload,
                                      clock_type::time_point until, totals& t)
{
    try {
        std::uint64_t n = 0;
        while (clock_type::now() < until) {
            auto const start = clock_type::now();
            co_await ws.send_text(payload);
            std::optional<websocket::message> echo = co_await ws.receive();
            if (!echo || echo->data.size() != payload.size()) {
                ++t.errors;
                co_return;
            }
            ++t.round_trips;
            if (++n % 16 == 0) {
                t.latencies_us.push_back(
                    std::chrono::duration<double, std::micro>(clock_type::now() - start).count());
            }
        }
        co_await ws.close();
    } catch (std::exception const&) {
        ++t.errors;
    }
}

ahttp::awaitable<int> run(std::string url, int connections, double seconds, std::size_t bytes)
{
    auto executor = co_await boost::asio::this_coro::executor;
    // An upgraded connection leaves the pool, so the pool's limits do not cap the sockets.
    client::session session{executor};
    std::vector<websocket::connection> sockets;
    for (int i = 0; i < connections; ++i) {
        websocket::options options;
        options.compress = false; // compare framing, not zlib
        sockets.push_back(co_await session.ws_connect(url, std::move(options)));
    }
    totals t;
    double const cpu_before = cpu_seconds();
    auto const start = clock_type::now();
    auto const until = start + std::chrono::duration_cast<clock_type::duration>(
                                   std::chrono::duration<double>(seconds));
    std::string const payload(bytes, 'x');
    int running = connections;
    for (websocket::connection& ws : sockets) {
        boost::asio::co_spawn(executor, one_connection(ws, payload, until, t),
                              [&running](std::exception_ptr) { --running; });
    }
    boost::asio::steady_timer wait{executor};
    while (running > 0) {
        wait.expires_after(std::chrono::milliseconds{5});
        co_await wait.async_wait(boost::asio::use_awaitable);
    }
    double const elapsed = std::chrono::duration<double>(clock_type::now() - start).count();
    double const cpu = cpu_seconds() - cpu_before;
    std::sort(t.latencies_us.begin(), t.latencies_us.end());
    auto percentile = [&](double p) {
        if (t.latencies_us.empty()) {
            return 0.0;
        }
        return t.latencies_us[static_cast<std::size_t>(p * (t.latencies_us.size() - 1))];
    };
    std::printf("{\"round_trips\": %llu, \"errors\": %llu, \"seconds\": %.3f, "
                "\"round_trips_per_s\": %.1f, \"client_cpu_s\": %.3f, \"p50_us\": %.1f, "
                "\"p99_us\": %.1f}\n",
                static_cast<unsigned long long>(t.round_trips),
                static_cast<unsigned long long>(t.errors), elapsed,
                static_cast<double>(t.round_trips) / elapsed, cpu, percentile(0.5),
                percentile(0.99));
    co_return t.errors == 0 ? 0 : 1;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: ahttp_ws_bench <ws-url> [connections] [seconds] [bytes]\n");
        return 2;
    }
    int const connections = argc > 2 ? std::atoi(argv[2]) : 1;
    double const seconds = argc > 3 ? std::atof(argv[3]) : 5.0;
    std::size_t const bytes = argc > 4 ? static_cast<std::size_t>(std::atoi(argv[4])) : 32;
    if (connections < 1 || connections > 10000 || seconds <= 0 || seconds > 600) {
        std::fprintf(stderr, "ahttp_ws_bench: connections 1..10000, seconds 0..600\n");
        return 2;
    }
    try {
        return ahttp::run(run(argv[1], connections, seconds, bytes));
    } catch (std::exception const& e) {
        std::fprintf(stderr, "ahttp_ws_bench: %s\n", e.what());
        return 1;
    }
}
