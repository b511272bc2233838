// SPDX-License-Identifier: BSL-1.0
#include "websocket/notifier.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

namespace ahttp::websocket::detail {

namespace asio = boost::asio;

awaitable<bool> notifier::wait_until(clock::time_point deadline)
{
    asio::steady_timer timer{co_await asio::this_coro::executor, deadline};
    waiting_.push_back(&timer);
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    waiting_.erase(std::find(waiting_.begin(), waiting_.end(), &timer));
    if (!ec) {
        co_return false;
    }
    asio::cancellation_state const state = co_await asio::this_coro::cancellation_state;
    if (state.cancelled() != asio::cancellation_type::none) {
        throw boost::system::system_error{asio::error::operation_aborted};
    }
    co_return true;
}

} // namespace ahttp::websocket::detail
