// SPDX-License-Identifier: BSL-1.0
// The process-wide thread pool behind ahttp::to_thread.
#include <ahttp/error.hpp>
#include <ahttp/to_thread.hpp>

#include <algorithm>
#include <mutex>
#include <thread>

namespace ahttp {
namespace {

std::mutex pool_mutex;
std::size_t pool_size = 0; // 0: the default size
bool pool_created = false;

std::size_t default_pool_size()
{
    // asyncio's default executor has min(32, cpus + 4) threads; we keep at least 4 so that a
    // few blocking calls on a small machine do not queue behind each other.
    return std::max<std::size_t>(4, std::thread::hardware_concurrency());
}

} // namespace

void set_to_thread_pool_size(std::size_t threads)
{
    if (threads == 0) {
        throw error{errc::invalid_argument, "set_to_thread_pool_size: the pool needs a thread"};
    }
    std::lock_guard lock{pool_mutex};
    if (pool_created) {
        throw error{errc::invalid_state,
                    "set_to_thread_pool_size: the to_thread pool is already running"};
    }
    pool_size = threads;
}

namespace detail {

boost::asio::thread_pool& to_thread_pool()
{
    // Destroyed at exit: stop() drops queued work, join() waits for running functions.
    static boost::asio::thread_pool pool{[] {
        std::lock_guard lock{pool_mutex};
        pool_created = true;
        return pool_size != 0 ? pool_size : default_pool_size();
    }()};
    return pool;
}

} // namespace detail
} // namespace ahttp
