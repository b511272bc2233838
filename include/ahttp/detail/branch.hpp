// SPDX-License-Identifier: BSL-1.0
// Helpers shared by gather, wait_for and task_group: running an awaitable as a parallel_group
// branch and recognising cancellation.
#pragma once

// Only Boost and the standard library here: the runtime headers include this one while
// ahttp/awaitable.hpp is still including them, so it must not depend on that header.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/error.hpp>
#include <boost/system/system_error.hpp>

#include <exception>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

namespace ahttp::detail {

/// Names the value a branch reports: `T` itself, or `std::monostate` for `void`.
template <class T>
using branch_value_t = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

/// Runs `task` and returns its result as an optional.
///
/// co_spawn completes a failed branch with a value-initialised result, which would otherwise
/// demand a default constructor from every T.
template <class T>
boost::asio::awaitable<std::optional<branch_value_t<T>>> spawnable(boost::asio::awaitable<T> task)
{
    if constexpr (std::is_void_v<T>) {
        co_await std::move(task);
        co_return std::monostate{};
    } else {
        co_return std::optional<T>{co_await std::move(task)};
    }
}

/// Returns true when `failure` is a system_error carrying `operation_aborted`.
inline bool is_operation_aborted(std::exception_ptr const& failure)
{
    try {
        std::rethrow_exception(failure);
    } catch (boost::system::system_error const& e) {
        return e.code() == boost::asio::error::operation_aborted;
    } catch (...) {
        return false;
    }
}

} // namespace ahttp::detail
