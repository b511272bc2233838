// SPDX-License-Identifier: BSL-1.0
// examples/client_get: fetch a URL and print status and body size.
//   client_get http://127.0.0.1:8080/hello
#include <ahttp/client.hpp>

#include <iostream>
#include <string>

using namespace std::chrono_literals;
namespace client = ahttp::client;

ahttp::awaitable<int> fetch(std::string url)
{
    // A session owns a connection pool; it runs on the caller's executor. Options are named
    // before any co_await that uses them (g++ 12 miscompiles braced temporaries there).
    auto executor = co_await boost::asio::this_coro::executor;
    client::session_options defaults{.timeout = {.total = 30s, .connect = 5s}};
    client::session session{executor, std::move(defaults)};

    // Per-request options override the session's for this call only.
    client::request_options quick{.timeout = {.total = 3s}};
    client::response response = co_await session.get(url, std::move(quick));

    std::cout << response.status_code() << ' ' << response.reason() << '\n';
    if (!response.ok()) {
        co_return 1; // a 404 is data, not an exception
    }
    std::string body = co_await response.text(); // decodes gzip/deflate/br, honours charset
    std::cout << body.size() << " bytes\n";
    co_return 0;
}

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::cerr << "usage: client_get <url>\n";
        return 2;
    }
    try {
        return ahttp::run(fetch(argv[1]));
    } catch (client::timeout_error const& e) {
        std::cerr << "timed out: " << e.what() << '\n';
    } catch (ahttp::error const& e) {
        std::cerr << "failed: " << e.what() << '\n';
    }
    return 1;
}
