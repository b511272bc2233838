// SPDX-License-Identifier: BSL-1.0
// ahttp::gather: run coroutines concurrently and collect their results (asyncio.gather).
#pragma once

#include <ahttp/awaitable.hpp>
#include <ahttp/detail/branch.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>

#include <array>
#include <cstddef>
#include <exception>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace ahttp {

/// Names the value gather() reports for an `awaitable<T>`: `T` itself, or `std::monostate`
/// for `void`, so every argument keeps its position in the result.
template <class T>
using gather_value_t = detail::branch_value_t<T>;

namespace detail {

// The earliest failure in completion order is the original one; the branches that fail after
// it usually only report the cancellation it triggered.
template <class Order, class Errors>
void rethrow_first_failure(Order const& order, Errors const& errors)
{
    for (std::size_t const index : order) {
        if (errors[index]) {
            std::rethrow_exception(errors[index]);
        }
    }
}

// `results` is parallel_group's (order, error0, value0, error1, value1, ...).
template <class... T, class Results, std::size_t... I>
std::tuple<gather_value_t<T>...> unpack_gathered(Results& results, std::index_sequence<I...>)
{
    std::array<std::exception_ptr, sizeof...(T)> const errors{std::get<1 + 2 * I>(results)...};
    rethrow_first_failure(std::get<0>(results), errors);
    return std::tuple<gather_value_t<T>...>{std::move(*std::get<2 + 2 * I>(results))...};
}

} // namespace detail

/// Runs every awaitable concurrently on the caller's executor and returns their results in
/// argument order, once all of them have finished (asyncio.gather).
///
/// A `void` awaitable contributes `std::monostate`, so positions never shift. When one
/// awaitable throws, the others are cancelled (terminal cancellation: pending timers and
/// socket operations complete with `operation_aborted`) and gather waits for every one of
/// them to finish before rethrowing the first failure, so nothing it started outlives it.
/// Cancelling the coroutine that awaits gather cancels all the awaitables the same way.
/// @par Example
///   auto [user, orders] = co_await ahttp::gather(load_user(id), load_orders(id));
/// @throws the first exception thrown by an awaitable, unchanged (the earliest to complete,
///         not the lowest argument index); boost::system::system_error with
///         `boost::asio::error::operation_aborted` if gather itself is cancelled.
template <class... T>
awaitable<std::tuple<gather_value_t<T>...>> gather(awaitable<T>... tasks)
{
    if constexpr (sizeof...(T) == 0) {
        co_return std::tuple<>{};
    } else {
        auto ex = co_await boost::asio::this_coro::executor;
        auto results =
            co_await boost::asio::experimental::make_parallel_group(
                boost::asio::co_spawn(ex, detail::spawnable(std::move(tasks)),
                                      boost::asio::deferred)...)
                .async_wait(boost::asio::experimental::wait_for_one_error(), boost::asio::deferred);
        co_return detail::unpack_gathered<T...>(results, std::index_sequence_for<T...>{});
    }
}

/// Runs every awaitable of `tasks` concurrently on the caller's executor and returns their
/// results in the order of `tasks`, once all of them have finished.
///
/// The semantics are those of the variadic overload: the first failure cancels the others,
/// gather waits for them all and then rethrows it. An empty vector gives an empty result
/// without suspending.
/// @throws the first exception thrown by an awaitable, unchanged; boost::system::system_error
///         with `boost::asio::error::operation_aborted` if gather itself is cancelled.
template <class T>
awaitable<std::vector<gather_value_t<T>>> gather(std::vector<awaitable<T>> tasks)
{
    std::vector<gather_value_t<T>> values;
    // Boost 1.81's ranged parallel_group never completes for an empty range.
    if (tasks.empty()) {
        co_return values;
    }
    auto ex = co_await boost::asio::this_coro::executor;
    using operation = decltype(boost::asio::co_spawn(
        ex, detail::spawnable(std::declval<awaitable<T>>()), boost::asio::deferred));
    std::vector<operation> operations;
    operations.reserve(tasks.size());
    for (awaitable<T>& task : tasks) {
        operations.push_back(
            boost::asio::co_spawn(ex, detail::spawnable(std::move(task)), boost::asio::deferred));
    }
    auto [order, errors, results] =
        co_await boost::asio::experimental::make_parallel_group(std::move(operations))
            .async_wait(boost::asio::experimental::wait_for_one_error(), boost::asio::deferred);
    detail::rethrow_first_failure(order, errors);
    values.reserve(results.size());
    for (auto& result : results) {
        values.push_back(std::move(*result));
    }
    co_return values;
}

} // namespace ahttp
