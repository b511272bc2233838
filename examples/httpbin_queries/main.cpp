// SPDX-License-Identifier: BSL-1.0
// examples/httpbin_queries: seed 003 — 100 GETs to httpbin's /get?key=i at once, each within
// 10 s, each checked: status 200 and httpbin echoing our key back.
//   httpbin_queries http://127.0.0.1:8080/     (e.g. gunicorn -b 127.0.0.1:8080 httpbin:app)
#include <ahttp/client.hpp>
#include <ahttp/gather.hpp>

#include <boost/json.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

using namespace std::chrono_literals;
namespace client = ahttp::client;

ahttp::awaitable<bool> fetch_key(client::session& session, int key)
{
    // Options are named before the co_await (g++ 12 miscompiles braced temporaries there).
    client::request_options options{.params = {{"key", std::to_string(key)}}};
    client::response response = co_await session.get("get", std::move(options));
    if (response.status_code() != 200) { // the seed's `assert response.status == 200`
        std::cerr << "key " << key << ": status " << response.status_code() << '\n';
        co_return false;
    }
    boost::json::value const body = co_await response.json();
    co_return body.at("args").at("key").as_string() == std::to_string(key);
}

ahttp::awaitable<int> fetch_hundred(std::string base)
{
    // Relative URLs ("get") resolve against base_url; every request gets 10 s in all.
    auto executor = co_await boost::asio::this_coro::executor;
    client::session_options defaults{.base_url = std::move(base), .timeout = {.total = 10s}};
    client::session session{executor, std::move(defaults)};

    std::vector<ahttp::awaitable<bool>> requests;
    for (int i = 0; i < 100; ++i) {
        requests.push_back(fetch_key(session, i));
    }
    int matched = 0;
    for (bool const good : co_await ahttp::gather(std::move(requests))) {
        matched += good ? 1 : 0;
    }
    co_return matched;
}

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::cerr << "usage: httpbin_queries <httpbin-base-url>\n";
        return 2;
    }
    auto const start = std::chrono::steady_clock::now();
    try {
        int const matched = ahttp::run(fetch_hundred(argv[1]));
        std::chrono::duration<double> const elapsed = std::chrono::steady_clock::now() - start;
        std::printf("%d of 100 answered 200 with their key, in %.2f s\n", matched, elapsed.count());
        return matched == 100 ? 0 : 1;
    } catch (client::timeout_error const& e) {
        std::cerr << "timed out: " << e.what() << '\n';
    } catch (ahttp::error const& e) {
        std::cerr << "failed: " << e.what() << '\n';
    }
    return 1;
}
