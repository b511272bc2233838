// SPDX-License-Identifier: BSL-1.0
// Seed 004: a hello-world server and 1..8 concurrent clients, each sending its requests one
// after another (the seed ran one process per client); the table is the average client's
// time per 1000 requests. With a server that handles requests concurrently, the time grows
// far slower than the number of clients.
#include "demo/demo.hpp"

#include <ahttp/client.hpp>
#include <ahttp/testing/test_server.hpp>
#include <ahttp/web.hpp>

#include <cstdio>
#include <thread>

namespace ahttp::cli::demo {

namespace {

awaitable<web::response> hello(web::request&)
{
    co_return web::response::text("Hello, World!");
}

awaitable<void> send_in_series(std::string url, std::size_t count)
{
    client::session session{co_await boost::asio::this_coro::executor};
    for (std::size_t i = 0; i < count; ++i) {
        co_await get_text(session, url);
    }
}

/// Each client on a thread of its own, as the seed's processes; returns the mean seconds.
double run_clients(std::string const& url, std::size_t clients, std::size_t requests)
{
    std::vector<double> seconds(clients);
    std::vector<std::thread> threads;
    for (std::size_t c = 0; c < clients; ++c) {
        threads.emplace_back([&, c] {
            auto const start = std::chrono::steady_clock::now();
            ahttp::run(send_in_series(url, requests));
            seconds[c] = seconds_since(start);
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    double total = 0;
    for (double const s : seconds) {
        total += s;
    }
    return total / static_cast<double>(clients);
}

} // namespace

std::vector<sweep_row> run_client_sweep(demo_settings const& settings)
{
    std::size_t const requests = settings.quick ? 200 : 1000;
    std::printf("\nSeed 004: 1..8 concurrent clients, %zu requests each in series, against a "
                "hello-world server\n",
                requests);
    web::application app;
    app.router().add_get("/", hello);
    testing::test_server server{app};

    std::vector<sweep_row> rows;
    std::printf("  %7s  %s\n", "clients", "average seconds per 1000 requests");
    for (std::size_t clients = 1; clients <= 8; ++clients) {
        double const seconds = run_clients(server.url("/"), clients, requests);
        rows.push_back({clients, seconds * 1000.0 / static_cast<double>(requests)});
        std::printf("  %7zu  %.3f\n", clients, rows.back().seconds_per_1000);
    }
    return rows;
}

} // namespace ahttp::cli::demo
