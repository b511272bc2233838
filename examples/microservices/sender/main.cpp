// SPDX-License-Identifier: BSL-1.0
// examples/microservices/sender: seed 000's caller — two requests at once to received_app,
// then the time both took: about 1 s (the upstream's delay once), not 2.
//   sender http://127.0.0.1:8001
#include <ahttp/client.hpp>
#include <ahttp/gather.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>

namespace client = ahttp::client;

ahttp::awaitable<void> send(client::session& session, std::string base, std::string name)
{
    std::cout << "--- " << name << " Send!!" << std::endl;
    client::response response = co_await session.get(base + "/" + name);
    std::cout << "--- " << name << " status = " << response.status_code() << std::endl;
    std::cout << "--- " << name << ' ' << co_await response.text() << std::endl;
}

ahttp::awaitable<void> send_both(std::string base)
{
    client::session session{co_await boost::asio::this_coro::executor};
    // gather runs both concurrently (asyncio.create_task + await, twice).
    co_await ahttp::gather(send(session, base, "task1"), send(session, base, "task2"));
}

int main(int argc, char** argv)
{
    std::string const base = argc > 1 ? argv[1] : "http://127.0.0.1:8001";
    auto const start = std::chrono::steady_clock::now();
    try {
        ahttp::run(send_both(base));
    } catch (ahttp::error const& e) {
        std::cerr << "failed: " << e.what() << '\n';
        return 1;
    }
    std::chrono::duration<double> const elapsed = std::chrono::steady_clock::now() - start;
    std::printf("two requests took %.2f s\n", elapsed.count());
}
