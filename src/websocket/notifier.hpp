// SPDX-License-Identifier: BSL-1.0
// A wake-up call for coroutines on one executor: waiters sleep until notify_all() or a deadline.
#pragma once

#include <ahttp/awaitable.hpp>

#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <chrono>
#include <vector>

namespace ahttp::websocket::detail {

/// Each waiter sleeps on a timer of its own, so that waking one never disturbs another.
/// Waiters re-check their condition after waking: a notification is not a promise.
class notifier {
public:
    using clock = std::chrono::steady_clock;

    notifier() = default;
    notifier(notifier const&) = delete;
    notifier& operator=(notifier const&) = delete;

    void notify_all() noexcept
    {
        for (boost::asio::steady_timer* t : waiting_) {
            t->cancel();
        }
    }

    /// Sleeps until notify_all() (true) or `deadline` (false).
    /// @throws boost::system::system_error (operation_aborted) if the caller is cancelled.
    awaitable<bool> wait_until(clock::time_point deadline);

    bool has_waiters() const noexcept { return !waiting_.empty(); }

private:
    std::vector<boost::asio::steady_timer*> waiting_;
};

} // namespace ahttp::websocket::detail
