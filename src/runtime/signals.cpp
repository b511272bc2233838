// SPDX-License-Identifier: BSL-1.0
// ahttp::wait_for_signal: one signal_set per wait.
#include <ahttp/error.hpp>
#include <ahttp/signals.hpp>

#include <boost/asio/signal_set.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <utility>

namespace ahttp {
namespace {

awaitable<int> wait_for_any(std::vector<int> signals)
{
    boost::asio::signal_set set{co_await boost::asio::this_coro::executor};
    for (int const number : signals) {
        set.add(number);
    }
    co_return co_await set.async_wait(boost::asio::use_awaitable);
}

} // namespace

awaitable<int> wait_for_signal(std::vector<int> signals)
{
    // Checked now rather than when awaited: an empty set would wait forever.
    if (signals.empty()) {
        throw error{errc::invalid_argument, "wait_for_signal: no signal to wait for"};
    }
    return wait_for_any(std::move(signals));
}

} // namespace ahttp
