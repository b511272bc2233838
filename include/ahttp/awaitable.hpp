// SPDX-License-Identifier: BSL-1.0
// The runtime's public face: ahttp::awaitable<T> and ahttp::run(), asyncio.run's twin.
// The helpers (sleep, gather, wait_for, to_thread, semaphore, signals) have their own headers,
// all included here.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

namespace ahttp {

/// A coroutine returning T; exactly boost::asio::awaitable<T>, so Asio code composes with ahttp.
template <class T = void>
using awaitable = boost::asio::awaitable<T>;

/// The executor every ahttp coroutine runs on.
using executor = boost::asio::any_io_executor;

/// Runs `main` on a fresh single-threaded io_context until it and everything it spawned finish,
/// then returns its value or rethrows its exception (Python's asyncio.run).
/// @par Example
///   int code = ahttp::run(fetch("http://127.0.0.1:8080/"));
template <class T>
T run(awaitable<T> main)
{
    // One thread runs it, so the reactor's per-socket mutex is only cost (two lock/unlock
    // pairs per read). Other threads may still post to it (to_thread's results do).
    boost::asio::io_context context{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO};
    std::exception_ptr failure;
    if constexpr (std::is_void_v<T>) {
        boost::asio::co_spawn(context, std::move(main),
                              [&](std::exception_ptr e) { failure = std::move(e); });
        context.run();
        if (failure) {
            std::rethrow_exception(failure);
        }
    } else {
        std::optional<T> value;
        boost::asio::co_spawn(context, std::move(main), [&](std::exception_ptr e, T v) {
            failure = std::move(e);
            if (!failure) {
                value.emplace(std::move(v));
            }
        });
        context.run();
        if (failure) {
            std::rethrow_exception(failure);
        }
        return std::move(*value);
    }
}

} // namespace ahttp

// The helpers come after the definitions above, not in the include list: each of them includes
// this header for ahttp::awaitable, which must already be complete when they are read.
#include <ahttp/gather.hpp>
#include <ahttp/semaphore.hpp>
#include <ahttp/signals.hpp>
#include <ahttp/sleep.hpp>
#include <ahttp/task_group.hpp>
#include <ahttp/to_thread.hpp>
#include <ahttp/wait_for.hpp>
