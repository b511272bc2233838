// SPDX-License-Identifier: BSL-1.0
// Seed 002: 600 GETs (3 paths × 200), one after another, on 5 threads, and all at once.
// The server spends 5 ms of awaited work per answer, as a small upstream call would.
#include "demo/demo.hpp"

#include <ahttp/client.hpp>
#include <ahttp/gather.hpp>
#include <ahttp/sleep.hpp>
#include <ahttp/testing/test_server.hpp>
#include <ahttp/web.hpp>

#include <atomic>
#include <cstdio>
#include <thread>

namespace ahttp::cli::demo {

namespace {

using namespace std::chrono_literals;

awaitable<web::response> item(web::request& request)
{
    co_await ahttp::sleep(5ms);
    co_return web::response::json("{\"item\":\"" + std::string{request.path_param("name")} + "\"}");
}

awaitable<void> fetch_serially(std::vector<std::string> urls)
{
    client::session session{co_await boost::asio::this_coro::executor};
    for (auto const& url : urls) {
        co_await get_text(session, url);
    }
}

void fetch_on_threads(std::vector<std::string> const& urls, int thread_count)
{
    // The seed's ThreadPoolExecutor(5): each thread makes blocking calls.
    std::atomic<std::size_t> next{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < thread_count; ++t) {
        pool.emplace_back([&] {
            for (std::size_t i; (i = next++) < urls.size();) {
                blocking_get(urls[i]);
            }
        });
    }
    for (auto& thread : pool) {
        thread.join();
    }
}

awaitable<void> fetch_all_at_once(std::vector<std::string> urls)
{
    // One session; every request in flight at once, its pool (limit 100) caps the connections.
    client::session session{co_await boost::asio::this_coro::executor};
    std::vector<awaitable<std::string>> requests;
    for (auto const& url : urls) {
        requests.push_back(get_text(session, url));
    }
    co_await ahttp::gather(std::move(requests));
}

} // namespace

mass_fetch_timings run_mass_fetch(demo_settings const& settings)
{
    std::size_t const per_path = settings.quick ? 50 : 200;
    std::printf("\nSeed 002: %zu GETs (3 paths x %zu), each answered after 5 ms of awaited work\n",
                3 * per_path, per_path);
    web::application app;
    app.router().add_get("/items/{name}", item);
    testing::test_server server{app};
    std::vector<std::string> urls;
    for (std::size_t i = 0; i < per_path; ++i) {
        for (char const* path : {"/items/a", "/items/b", "/items/c"}) {
            urls.push_back(server.url(path));
        }
    }

    mass_fetch_timings timings;
    timings.requests = urls.size();
    auto start = std::chrono::steady_clock::now();
    ahttp::run(fetch_serially(urls));
    timings.serial = seconds_since(start);

    start = std::chrono::steady_clock::now();
    fetch_on_threads(urls, 5);
    timings.threads = seconds_since(start);

    start = std::chrono::steady_clock::now();
    ahttp::run(fetch_all_at_once(urls));
    timings.async = seconds_since(start);

    std::printf("  %-10s %8s %9s\n", "mode", "seconds", "speed-up");
    std::printf("  %-10s %8.2f %8.1fx\n", "serial", timings.serial, 1.0);
    std::printf("  %-10s %8.2f %8.1fx\n", "threads(5)", timings.threads,
                timings.serial / timings.threads);
    std::printf("  %-10s %8.2f %8.1fx\n", "async", timings.async, timings.serial / timings.async);
    return timings;
}

} // namespace ahttp::cli::demo
