// SPDX-License-Identifier: BSL-1.0
// examples/mass_fetch: seed 002 — 600 GETs (3 paths x 200) at once through one session,
// then how many answered 200 and how long it took.
//   mass_fetch http://127.0.0.1:8000
#include <ahttp/client.hpp>
#include <ahttp/gather.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

namespace client = ahttp::client;

struct fetched {
    unsigned status = 0;
    std::size_t size = 0;
};

ahttp::awaitable<fetched> fetch(client::session& session, std::string url)
{
    client::response response = co_await session.get(url);
    std::string const body = co_await response.text();
    co_return fetched{response.status_code(), body.size()};
}

ahttp::awaitable<std::vector<fetched>> fetch_all(std::string base)
{
    // One session: its pool (100 connections by default) carries all 600 requests.
    client::session session{co_await boost::asio::this_coro::executor};
    std::vector<ahttp::awaitable<fetched>> requests;
    for (int i = 0; i < 200; ++i) {
        for (char const* path : {"/", "/test/", "/aaa/"}) {
            requests.push_back(fetch(session, base + path));
        }
    }
    co_return co_await ahttp::gather(std::move(requests));
}

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::cerr << "usage: mass_fetch <base-url>\n";
        return 2;
    }
    auto const start = std::chrono::steady_clock::now();
    std::vector<fetched> results;
    try {
        results = ahttp::run(fetch_all(argv[1]));
    } catch (ahttp::error const& e) {
        std::cerr << "failed: " << e.what() << '\n';
        return 1;
    }
    std::chrono::duration<double> const elapsed = std::chrono::steady_clock::now() - start;

    std::size_t ok = 0, bytes = 0;
    for (fetched const& r : results) {
        ok += r.status == 200 ? 1 : 0;
        bytes += r.size;
    }
    std::printf("%zu requests, %zu answered 200, %zu body bytes, in %.2f s\n", results.size(), ok,
                bytes, elapsed.count());
    return ok == results.size() ? 0 : 1;
}
