// SPDX-License-Identifier: BSL-1.0
// ahttp::wait_for_signal: await a POSIX signal such as SIGINT or SIGTERM.
#pragma once

#include <ahttp/awaitable.hpp>

#include <concepts>
#include <csignal>
#include <vector>

namespace ahttp {

/// Waits until one of `signals` is delivered to the process and returns its number.
///
/// Wraps `boost::asio::signal_set` on the caller's executor. The signals are routed to the
/// wait from the moment it starts (when awaited, not when wait_for_signal() is called) until it
/// ends; then, once no Asio signal_set listens to a signal any more, Asio resets it to its
/// default action (SIG_DFL, not whatever handler was installed before). A signal delivered
/// while nobody waits therefore takes its default action, which for SIGINT and SIGTERM ends
/// the process.
/// @param signals the signal numbers to wait for; at least one.
/// @return the number of the signal that arrived.
/// @throws ahttp::error with errc::invalid_argument when `signals` is empty.
/// @throws boost::system::system_error with `boost::asio::error::operation_aborted` when the
///         wait is cancelled, or with the OS error when a signal number is invalid.
/// @par Thread safety
///   Any number of waits may be pending on any io_contexts; a delivered signal wakes every
///   wait listening to it.
awaitable<int> wait_for_signal(std::vector<int> signals);

/// Waits until one of the given signals, by default SIGINT or SIGTERM, is delivered to the
/// process and returns its number.
///
/// Same as the vector overload; signals are listed as arguments
/// (`co_await ahttp::wait_for_signal(SIGUSR1, SIGHUP)`) rather than as a braced list because
/// g++ 12 rejects a braced list inside a `co_await` expression ("array used as initializer").
/// @throws boost::system::system_error with `boost::asio::error::operation_aborted` when the
///         wait is cancelled, or with the OS error when a signal number is invalid.
/// @par Example
///   int number = co_await ahttp::wait_for_signal();   // SIGINT or SIGTERM
template <std::convertible_to<int>... Signal>
awaitable<int> wait_for_signal(Signal... signals)
{
    if constexpr (sizeof...(Signal) == 0) {
        return wait_for_signal(std::vector<int>{SIGINT, SIGTERM});
    } else {
        return wait_for_signal(std::vector<int>{static_cast<int>(signals)...});
    }
}

} // namespace ahttp
