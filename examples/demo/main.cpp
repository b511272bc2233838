// SPDX-License-Identifier: BSL-1.0
// examples/demo (`make demo`): the seeds' experiments against servers embedded in this process.
//
//  1. Seed 000: a middle service calls an upstream that takes 1 s; two callers at once.
//     With a blocking call in the handler the second caller waits (≈ 2 s); with an awaited
//     call, or the blocking call moved to to_thread, both finish together (≈ 1 s).
//  2. Seed 002: 600 GETs (3 paths × 200) serial vs 5 threads vs async.
//
//  3. Seed 003: 100 GETs with ?key=i to an httpbin-like /get, a 10 s timeout, statuses checked.
//
// Every call goes through client::session; the "blocking" calls run a session on their own
// event loop, as the seed's `requests.get` blocks its caller.
#include <ahttp/client.hpp>
#include <ahttp/gather.hpp>
#include <ahttp/sleep.hpp>
#include <ahttp/testing/test_server.hpp>
#include <ahttp/to_thread.hpp>
#include <ahttp/web.hpp>

#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace client = ahttp::client;
namespace web = ahttp::web;
using namespace std::chrono_literals;

// ---- calls through client::session ------------------------------------------------------------

ahttp::awaitable<std::string> get_text(client::session& session, std::string url)
{
    client::response response = co_await session.get(url);
    response.raise_for_status();
    co_return co_await response.text();
}

ahttp::awaitable<std::string> get_once(std::string url)
{
    client::session session{co_await boost::asio::this_coro::executor};
    co_return co_await get_text(session, std::move(url));
}

/// A blocking GET, like the seed's requests.get: the caller's thread waits.
std::string blocking_get(std::string const& url)
{
    return ahttp::run(get_once(url));
}

double seconds_since(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// ---- seed 000: a slow upstream behind a middle service ----------------------------------------

std::string upstream_url; // set before the middle service starts

ahttp::awaitable<web::response> late(web::request&)
{
    co_await ahttp::sleep(1s);
    co_return web::response::text("late answer");
}

ahttp::awaitable<web::response> middle_blocking(web::request&)
{
    // The mistake the seed shows: a blocking call stalls the event loop for everyone.
    co_return web::response::text("via blocking: " + blocking_get(upstream_url));
}

ahttp::awaitable<web::response> middle_async(web::request&)
{
    co_return web::response::text("via async: " + co_await get_once(upstream_url));
}

ahttp::awaitable<web::response> middle_to_thread(web::request&)
{
    std::string const body = co_await ahttp::to_thread([] { return blocking_get(upstream_url); });
    co_return web::response::text("via to_thread: " + body);
}

ahttp::awaitable<void> call_twice(std::string url)
{
    // Two callers at once, as the seed's task1 and task2.
    client::session session{co_await boost::asio::this_coro::executor};
    co_await ahttp::gather(get_text(session, url), get_text(session, url));
}

void seed_000()
{
    std::cout << "Seed 000: a middle service calls an upstream that answers in 1 s; two callers at "
                 "once\n";
    web::application upstream;
    upstream.router().add_get("/late", late);
    ahttp::testing::test_server upstream_server{upstream};
    upstream_url = upstream_server.url("/late");

    web::application middle;
    middle.router().add_get("/blocking", middle_blocking);
    middle.router().add_get("/async", middle_async);
    middle.router().add_get("/to_thread", middle_to_thread);
    ahttp::testing::test_server middle_server{middle};

    for (char const* mode : {"/blocking", "/async", "/to_thread"}) {
        auto const start = std::chrono::steady_clock::now();
        ahttp::run(call_twice(middle_server.url(mode)));
        std::printf("  %-12s two requests took %.2f s\n", mode + 1, seconds_since(start));
    }
}

// ---- seed 002: 600 GETs serial vs threads vs async --------------------------------------------

ahttp::awaitable<web::response> item(web::request& request)
{
    // Each answer takes 5 ms of (awaited) work, like a small upstream call.
    co_await ahttp::sleep(5ms);
    co_return web::response::json("{\"item\":\"" + std::string{request.path_param("name")} + "\"}");
}

std::vector<std::string> targets()
{
    std::vector<std::string> all;
    for (int i = 0; i < 200; ++i) {
        for (char const* path : {"/items/a", "/items/b", "/items/c"}) {
            all.push_back(path);
        }
    }
    return all;
}

ahttp::awaitable<void> fetch_all_async(std::vector<std::string> urls)
{
    // One session, 600 requests in flight; its pool (limit 100) caps the connections.
    client::session session{co_await boost::asio::this_coro::executor};
    std::vector<ahttp::awaitable<std::string>> requests;
    for (auto const& url : urls) {
        requests.push_back(get_text(session, url));
    }
    co_await ahttp::gather(std::move(requests));
}

ahttp::awaitable<void> fetch_serially(std::vector<std::string> urls)
{
    client::session session{co_await boost::asio::this_coro::executor};
    for (auto const& url : urls) {
        co_await get_text(session, url);
    }
}

void seed_002()
{
    std::cout << "\nSeed 002: 600 GETs (3 paths x 200), each answered after 5 ms of awaited work\n";
    web::application app;
    app.router().add_get("/items/{name}", item);
    ahttp::testing::test_server server{app};
    std::vector<std::string> all;
    for (auto const& target : targets()) {
        all.push_back(server.url(target));
    }

    auto start = std::chrono::steady_clock::now();
    ahttp::run(fetch_serially(all));
    double const serial = seconds_since(start);

    start = std::chrono::steady_clock::now();
    {
        std::atomic<std::size_t> next{0};
        std::vector<std::thread> pool;
        for (int t = 0; t < 5; ++t) {
            pool.emplace_back([&] {
                for (std::size_t i; (i = next++) < all.size();) {
                    blocking_get(all[i]);
                }
            });
        }
        for (auto& thread : pool) {
            thread.join();
        }
    }
    double const threaded = seconds_since(start);

    start = std::chrono::steady_clock::now();
    ahttp::run(fetch_all_async(all));
    double const async = seconds_since(start);

    std::printf("  %-10s %8s %9s\n", "mode", "seconds", "speed-up");
    std::printf("  %-10s %8.2f %8.1fx\n", "serial", serial, 1.0);
    std::printf("  %-10s %8.2f %8.1fx\n", "threads(5)", threaded, serial / threaded);
    std::printf("  %-10s %8.2f %8.1fx\n", "async", async, serial / async);
}

// ---- seed 003: 100 GETs with query strings, a timeout, statuses checked ----------------------

ahttp::awaitable<web::response> httpbin_get(web::request& request)
{
    boost::json::object args;
    for (auto const& [name, value] : request.query()) {
        args[name] = value;
    }
    co_return web::response::json(boost::json::value{{"args", std::move(args)}});
}

ahttp::awaitable<bool> fetch_key(client::session& session, int key)
{
    client::request_options options{.params = {{"key", std::to_string(key)}}};
    client::response response = co_await session.get("get", std::move(options));
    boost::json::value const body = co_await response.json();
    co_return response.status_code() == 200 &&
        body.at("args").at("key").as_string() == std::to_string(key);
}

ahttp::awaitable<int> fetch_hundred(std::string base)
{
    client::session_options options{.base_url = std::move(base), .timeout = {.total = 10s}};
    client::session session{co_await boost::asio::this_coro::executor, std::move(options)};
    std::vector<ahttp::awaitable<bool>> requests;
    for (int i = 0; i < 100; ++i) {
        requests.push_back(fetch_key(session, i));
    }
    int ok = 0;
    for (bool const good : co_await ahttp::gather(std::move(requests))) {
        ok += good ? 1 : 0;
    }
    co_return ok;
}

void seed_003()
{
    std::cout << "\nSeed 003: 100 GETs with ?key=i to an httpbin-like /get, timeout 10 s\n";
    web::application app;
    app.router().add_get("/get", httpbin_get);
    ahttp::testing::test_server server{app};
    auto const start = std::chrono::steady_clock::now();
    int const ok = ahttp::run(fetch_hundred(server.url("/")));
    std::printf("  %d of 100 answered 200 with their key, in %.2f s\n", ok, seconds_since(start));
    if (ok != 100) {
        throw std::runtime_error("seed 003: some requests failed");
    }
}

int main()
{
    try {
        seed_000();
        seed_002();
        seed_003();
        std::cout
            << "\nThe `ahttp demo` command (issue 4) grows this into every seed's experiment.\n";
    } catch (std::exception const& e) {
        std::cerr << "demo failed: " << e.what() << '\n';
        return 1;
    }
}
