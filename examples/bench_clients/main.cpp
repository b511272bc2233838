// SPDX-License-Identifier: BSL-1.0
// examples/bench_clients: seed 004's benchmark — for k = 1..8, k clients at once, each sending
// its requests one after another on its own keep-alive connection; prints the average time a
// client took for its requests. Start a server first, e.g. `server_hello 8080`.
//   bench_clients http://127.0.0.1:8080/ [REQUESTS_PER_CLIENT=1000]
#include <ahttp/client.hpp>
#include <ahttp/gather.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace client = ahttp::client;
using clock_type = std::chrono::steady_clock;

/// One client: its own session, `count` GETs in series; returns the seconds they took.
ahttp::awaitable<double> one_client(std::string url, int count)
{
    client::session session{co_await boost::asio::this_coro::executor};
    auto const start = clock_type::now();
    for (int i = 0; i < count; ++i) {
        client::response response = co_await session.get(url);
        std::string const text = co_await response.text();
        if (response.status_code() != 200 || text.empty()) { // the seed's `assert text`
            throw std::runtime_error("bad answer: status " +
                                     std::to_string(response.status_code()));
        }
    }
    co_return std::chrono::duration<double>(clock_type::now() - start).count();
}

/// `clients` clients at once; returns the average of their times.
ahttp::awaitable<double> one_round(std::string url, int clients, int count)
{
    std::vector<ahttp::awaitable<double>> all;
    for (int c = 0; c < clients; ++c) {
        all.push_back(one_client(url, count));
    }
    double sum = 0;
    for (double const seconds : co_await ahttp::gather(std::move(all))) {
        sum += seconds;
    }
    co_return sum / clients;
}

int main(int argc, char** argv)
{
    if (argc < 2 || argc > 3) {
        std::cerr << "usage: bench_clients <url> [requests-per-client]\n";
        return 2;
    }
    std::string const url = argv[1];
    int const count = argc > 2 ? std::atoi(argv[2]) : 1000;
    if (count <= 0) {
        std::cerr << "requests-per-client must be positive\n";
        return 2;
    }
    std::printf("clients, average seconds per %d requests\n", count);
    try {
        for (int clients = 1; clients <= 8; ++clients) {
            std::printf("%d, %.3f\n", clients, ahttp::run(one_round(url, clients, count)));
            std::fflush(stdout);
        }
    } catch (std::exception const& e) {
        std::cerr << "failed: " << e.what() << '\n';
        return 1;
    }
}
