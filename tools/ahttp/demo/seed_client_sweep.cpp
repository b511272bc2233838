// SPDX-License-Identifier: BSL-1.0
// Seed 004: a hello-world server and 1..8 concurrent clients, each sending its requests one
// after another (the seed ran one process per client); the table is the average client's
// time per 1000 requests. With a server that handles requests concurrently, the time grows
// far slower than the number of clients.
#include "bench/sweep.hpp"
#include "demo/demo.hpp"

#include <ahttp/testing/test_server.hpp>
#include <ahttp/web.hpp>

#include <cstdio>

namespace ahttp::cli::demo {

namespace {

awaitable<web::response> hello(web::request&)
{
    co_return web::response::text("Hello, World!");
}

} // namespace

std::vector<sweep_row> run_client_sweep(demo_settings const& settings)
{
    std::uint64_t const requests = settings.quick ? 200 : 1000;
    std::printf("\nSeed 004: 1..8 concurrent clients, %llu requests each in series, against a "
                "hello-world server\n",
                static_cast<unsigned long long>(requests));
    web::application app;
    app.router().add_get("/", hello);
    testing::test_server server{app};

    // `ahttp bench --clients 1..8` does the same: each client a thread with its own loop.
    bench::load_options load;
    load.url = server.url("/");
    std::vector<sweep_row> rows;
    std::printf("  %7s  %s\n", "clients", "average seconds per 1000 requests");
    bench::run_sweep(std::move(load), 1, 8, requests, [&rows](bench::sweep_row const& row) {
        if (row.failed != 0) {
            throw std::runtime_error("seed 004: " + row.first_error);
        }
        rows.push_back({row.clients, row.seconds_per_1000});
        std::printf("  %7zu  %.3f\n", row.clients, row.seconds_per_1000);
        std::fflush(stdout);
    });
    return rows;
}

} // namespace ahttp::cli::demo
