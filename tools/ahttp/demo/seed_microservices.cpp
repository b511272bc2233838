// SPDX-License-Identifier: BSL-1.0
// Seed 000: an upstream that takes 1 s, a middle service calling it, two callers at once.
// A middle service that blocks its event loop on the call serves the callers one after the
// other (≈ 2 s); one that awaits the call, or moves the blocking call to a thread, serves both
// together (≈ 1 s).
#include "demo/demo.hpp"

#include <ahttp/client.hpp>
#include <ahttp/gather.hpp>
#include <ahttp/sleep.hpp>
#include <ahttp/testing/test_server.hpp>
#include <ahttp/to_thread.hpp>
#include <ahttp/web.hpp>

#include <cstdio>

namespace ahttp::cli::demo {

namespace {

using namespace std::chrono_literals;

awaitable<web::response> late(web::request&)
{
    co_await ahttp::sleep(1s);
    co_return web::response::text("late answer");
}

awaitable<web::response> call_blocking(std::string upstream)
{
    // The mistake the seed shows: while this thread waits, no other request is served.
    co_return web::response::text("via blocking: " + blocking_get(upstream));
}

awaitable<web::response> call_async(std::string upstream)
{
    client::session session{co_await boost::asio::this_coro::executor};
    co_return web::response::text("via async: " + co_await get_text(session, upstream));
}

awaitable<web::response> call_on_thread(std::string upstream)
{
    // Named first: g++ 12 miscompiles a capturing lambda created inside a co_await expression.
    auto call = [upstream] { return blocking_get(upstream); };
    std::string const body = co_await ahttp::to_thread(std::move(call));
    co_return web::response::text("via to_thread: " + body);
}

awaitable<void> call_twice(std::string url)
{
    // Two callers at once, as the seed's task1 and task2.
    client::session session{co_await boost::asio::this_coro::executor};
    co_await ahttp::gather(get_text(session, url), get_text(session, url));
}

double time_two_callers(std::string const& url)
{
    auto const start = std::chrono::steady_clock::now();
    ahttp::run(call_twice(url));
    return seconds_since(start);
}

} // namespace

microservice_timings run_microservices(demo_settings const&)
{
    std::puts("Seed 000: a middle service calls an upstream that answers in 1 s; two callers at "
              "once");
    web::application upstream;
    upstream.router().add_get("/late", late);
    testing::test_server upstream_server{upstream};
    std::string const late_url = upstream_server.url("/late");

    web::application middle;
    middle.router().add_get("/blocking",
                            [late_url](web::request&) { return call_blocking(late_url); });
    middle.router().add_get("/async", [late_url](web::request&) { return call_async(late_url); });
    middle.router().add_get("/to_thread",
                            [late_url](web::request&) { return call_on_thread(late_url); });
    testing::test_server middle_server{middle};

    // The blocking run makes the middle server warn on stderr that its loop stalled; flushed
    // first, the warning comes after this seed's title even when stdout is a pipe.
    std::fflush(stdout);
    microservice_timings timings;
    timings.blocking = time_two_callers(middle_server.url("/blocking"));
    timings.async = time_two_callers(middle_server.url("/async"));
    timings.to_thread = time_two_callers(middle_server.url("/to_thread"));
    std::printf("  %-28s %6s\n", "middle service", "2 calls");
    std::printf("  %-28s %5.2fs\n", "blocking call", timings.blocking);
    std::printf("  %-28s %5.2fs\n", "awaited call", timings.async);
    std::printf("  %-28s %5.2fs\n", "blocking call in to_thread", timings.to_thread);
    std::puts("  (the warning above that an event loop was blocked is the server pointing at the "
              "blocking call: the seed's lesson)");
    return timings;
}

} // namespace ahttp::cli::demo
