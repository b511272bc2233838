// SPDX-License-Identifier: BSL-1.0
// ahttp::sleep: a steady_timer wait on the caller's executor.
#include <ahttp/sleep.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace ahttp {

awaitable<void> sleep(std::chrono::steady_clock::duration duration)
{
    boost::asio::steady_timer timer{co_await boost::asio::this_coro::executor, duration};
    co_await timer.async_wait(boost::asio::use_awaitable);
}

} // namespace ahttp
