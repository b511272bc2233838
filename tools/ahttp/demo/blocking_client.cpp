// SPDX-License-Identifier: BSL-1.0
#include "demo/demo.hpp"

#include <ahttp/client.hpp>

namespace ahttp::cli::demo {

namespace {

awaitable<std::string> get_with_own_session(std::string url)
{
    client::session session{co_await boost::asio::this_coro::executor};
    co_return co_await get_text(session, std::move(url));
}

} // namespace

awaitable<std::string> get_text(client::session& session, std::string url)
{
    client::response response = co_await session.get(url);
    response.raise_for_status();
    co_return co_await response.text();
}

std::string blocking_get(std::string const& url)
{
    return ahttp::run(get_with_own_session(url));
}

double seconds_since(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace ahttp::cli::demo
