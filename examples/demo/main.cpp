// SPDX-License-Identifier: BSL-1.0
// examples/demo (`make demo`): the seeds' experiments against servers embedded in this process.
//
//  1. Seed 000: a middle service calls an upstream that takes 1 s; two callers at once.
//     With a blocking call in the handler the second caller waits (≈ 2 s); with an awaited
//     call, or the blocking call moved to to_thread, both finish together (≈ 1 s).
//  2. Seed 002: 600 GETs (3 paths × 200) serial vs 5 threads vs async.
//
// Until ahttp's client lands (issue 3), the calls use a small Boost.Beast client below.
#include <ahttp/testing/test_server.hpp>
#include <ahttp/to_thread.hpp>
#include <ahttp/web.hpp>

#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace web = ahttp::web;
using namespace std::chrono_literals;
using tcp = asio::ip::tcp;

// ---- a minimal HTTP/1.1 client (blocking and awaitable) ---------------------------------------

std::string blocking_get(std::uint16_t port, std::string const& target)
{
    asio::io_context context;
    tcp::socket socket{context};
    socket.connect({asio::ip::make_address("127.0.0.1"), port});
    beast::http::request<beast::http::empty_body> request{beast::http::verb::get, target, 11};
    request.set(beast::http::field::host, "127.0.0.1");
    beast::http::write(socket, request);
    beast::flat_buffer buffer;
    beast::http::response<beast::http::string_body> response;
    beast::http::read(socket, buffer, response);
    return response.body();
}

/// One keep-alive connection used for several awaited requests.
class async_connection {
public:
    explicit async_connection(asio::any_io_executor executor) : socket_(std::move(executor)) {}

    ahttp::awaitable<std::string> get(std::uint16_t port, std::string target)
    {
        if (!socket_.is_open()) {
            co_await socket_.async_connect({asio::ip::make_address("127.0.0.1"), port},
                                           asio::use_awaitable);
        }
        beast::http::request<beast::http::empty_body> request{beast::http::verb::get, target, 11};
        request.set(beast::http::field::host, "127.0.0.1");
        co_await beast::http::async_write(socket_, request, asio::use_awaitable);
        beast::http::response<beast::http::string_body> response;
        co_await beast::http::async_read(socket_, buffer_, response, asio::use_awaitable);
        co_return response.body();
    }

private:
    tcp::socket socket_;
    beast::flat_buffer buffer_;
};

ahttp::awaitable<std::string> async_get(std::uint16_t port, std::string target)
{
    async_connection connection{co_await asio::this_coro::executor};
    co_return co_await connection.get(port, std::move(target));
}

double seconds_since(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// ---- seed 000: a slow upstream behind a middle service ----------------------------------------

std::uint16_t upstream_port = 0;

ahttp::awaitable<web::response> late(web::request&)
{
    co_await asio::steady_timer(co_await asio::this_coro::executor, 1s)
        .async_wait(asio::use_awaitable);
    co_return web::response::text("late answer");
}

ahttp::awaitable<web::response> middle_blocking(web::request&)
{
    // The mistake the seed shows: a blocking call stalls the event loop for everyone.
    co_return web::response::text("via blocking: " + blocking_get(upstream_port, "/late"));
}

ahttp::awaitable<web::response> middle_async(web::request&)
{
    co_return web::response::text("via async: " + co_await async_get(upstream_port, "/late"));
}

ahttp::awaitable<web::response> middle_to_thread(web::request&)
{
    std::string const body =
        co_await ahttp::to_thread([] { return blocking_get(upstream_port, "/late"); });
    co_return web::response::text("via to_thread: " + body);
}

ahttp::awaitable<void> call_twice(std::uint16_t port, std::string target)
{
    using namespace asio::experimental::awaitable_operators;
    // Two callers at once, as the seed's task1 and task2.
    co_await (async_get(port, target) && async_get(port, target));
}

void seed_000()
{
    std::cout << "Seed 000: a middle service calls an upstream that answers in 1 s; two callers at "
                 "once\n";
    web::application upstream;
    upstream.router().add_get("/late", late);
    ahttp::testing::test_server upstream_server{upstream};
    upstream_port = upstream_server.port();

    web::application middle;
    middle.router().add_get("/blocking", middle_blocking);
    middle.router().add_get("/async", middle_async);
    middle.router().add_get("/to_thread", middle_to_thread);
    ahttp::testing::test_server middle_server{middle};

    for (char const* mode : {"/blocking", "/async", "/to_thread"}) {
        auto const start = std::chrono::steady_clock::now();
        ahttp::run(call_twice(middle_server.port(), mode));
        std::printf("  %-12s two requests took %.2f s\n", mode + 1, seconds_since(start));
    }
}

// ---- seed 002: 600 GETs serial vs threads vs async --------------------------------------------

ahttp::awaitable<web::response> item(web::request& request)
{
    // Each answer takes 5 ms of (awaited) work, like a small upstream call.
    co_await asio::steady_timer(co_await asio::this_coro::executor, 5ms)
        .async_wait(asio::use_awaitable);
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

ahttp::awaitable<void> fetch_all_async(std::uint16_t port, std::vector<std::string> all)
{
    auto executor = co_await asio::this_coro::executor;
    std::vector<decltype(asio::co_spawn(executor, async_get(port, ""), asio::deferred))> operations;
    for (auto const& target : all) {
        operations.push_back(asio::co_spawn(executor, async_get(port, target), asio::deferred));
    }
    auto group = asio::experimental::make_parallel_group(std::move(operations));
    co_await group.async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
}

void seed_002()
{
    std::cout << "\nSeed 002: 600 GETs (3 paths x 200), each answered after 5 ms of awaited work\n";
    web::application app;
    app.router().add_get("/items/{name}", item);
    ahttp::testing::test_server server{app};
    auto const all = targets();

    auto start = std::chrono::steady_clock::now();
    for (auto const& target : all) {
        blocking_get(server.port(), target);
    }
    double const serial = seconds_since(start);

    start = std::chrono::steady_clock::now();
    {
        std::atomic<std::size_t> next{0};
        std::vector<std::thread> pool;
        for (int t = 0; t < 5; ++t) {
            pool.emplace_back([&] {
                for (std::size_t i; (i = next++) < all.size();) {
                    blocking_get(server.port(), all[i]);
                }
            });
        }
        for (auto& thread : pool) {
            thread.join();
        }
    }
    double const threaded = seconds_since(start);

    start = std::chrono::steady_clock::now();
    ahttp::run(fetch_all_async(server.port(), all));
    double const async = seconds_since(start);

    std::printf("  %-10s %8s %9s\n", "mode", "seconds", "speed-up");
    std::printf("  %-10s %8.2f %8.1fx\n", "serial", serial, 1.0);
    std::printf("  %-10s %8.2f %8.1fx\n", "threads(5)", threaded, serial / threaded);
    std::printf("  %-10s %8.2f %8.1fx\n", "async", async, serial / async);
}

int main()
{
    try {
        seed_000();
        seed_002();
        std::cout
            << "\nThe `ahttp demo` command (issue 4) grows this into every seed's experiment.\n";
    } catch (std::exception const& e) {
        std::cerr << "demo failed: " << e.what() << '\n';
        return 1;
    }
}
