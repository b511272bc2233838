// SPDX-License-Identifier: BSL-1.0
// Seed 003: 100 GETs with ?key=i to httpbin's /get, all at once, with a 10 s timeout; each
// answer must be a 200 that echoes its own key. The httpbin is ahttp's own (`ahttp httpbin`).
#include "demo/demo.hpp"
#include "httpbin/httpbin_app.hpp"

#include <ahttp/client.hpp>
#include <ahttp/gather.hpp>
#include <ahttp/testing/test_server.hpp>
#include <ahttp/web.hpp>

#include <cstdio>

namespace ahttp::cli::demo {

namespace {

using namespace std::chrono_literals;

awaitable<bool> fetch_key(client::session& session, int key)
{
    client::request_options options{.params = {{"key", std::to_string(key)}}};
    client::response response = co_await session.get("get", std::move(options));
    boost::json::value const body = co_await response.json();
    co_return response.status_code() == 200 &&
        body.at("args").at("key").as_string() == std::to_string(key);
}

awaitable<std::size_t> fetch_hundred(std::string base)
{
    client::session_options options{.base_url = std::move(base), .timeout = {.total = 10s}};
    client::session session{co_await boost::asio::this_coro::executor, std::move(options)};
    std::vector<awaitable<bool>> requests;
    for (int i = 0; i < 100; ++i) {
        requests.push_back(fetch_key(session, i));
    }
    std::size_t ok = 0;
    for (bool const good : co_await ahttp::gather(std::move(requests))) {
        ok += good ? 1 : 0;
    }
    co_return ok;
}

} // namespace

std::size_t run_httpbin_queries(demo_settings const&)
{
    std::puts("\nSeed 003: 100 GETs with ?key=i to the embedded httpbin's /get, timeout 10 s");
    web::application app;
    install_httpbin(app);
    testing::test_server server{app};
    auto const start = std::chrono::steady_clock::now();
    std::size_t const ok = ahttp::run(fetch_hundred(server.url("/")));
    std::printf("  %zu of 100 answered 200 with their own key, in %.2f s\n", ok,
                seconds_since(start));
    return ok;
}

} // namespace ahttp::cli::demo
