// SPDX-License-Identifier: BSL-1.0
#include "client/happy_eyeballs.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <memory>

namespace ahttp::client::detail {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

/// What the attempts and the coordinator share; attempts outlive the coordinator's frame
/// when it is cancelled, so it is reference-counted.
struct race {
    explicit race(executor const& ex) : wake(ex, clock::time_point::max()) {}
    std::vector<std::unique_ptr<stream_socket>> sockets;
    std::optional<std::size_t> winner;
    std::size_t running = 0;
    error_code last = asio::error::host_not_found;
    bool attempt_timed_out = false;
    asio::steady_timer wake; ///< cancelled whenever an attempt ends

    void close_all(std::optional<std::size_t> keep) noexcept
    {
        for (std::size_t i = 0; i < sockets.size(); ++i) {
            if (i != keep && sockets[i]) {
                error_code ignored;
                sockets[i]->close(ignored);
            }
        }
    }
};

awaitable<void> attempt(std::shared_ptr<race> r, std::size_t index, tcp::endpoint endpoint,
                        clock::duration per_attempt)
{
    stream_socket& socket = *r->sockets[index];
    // The per-attempt deadline closes the socket, which ends the connect with an error.
    asio::steady_timer limit{socket.get_executor()};
    bool expired = false;
    if (per_attempt != clock::duration::max()) {
        limit.expires_after(per_attempt);
        limit.async_wait([&socket, &expired](error_code ec) {
            if (!ec) {
                expired = true;
                error_code ignored;
                socket.close(ignored);
            }
        });
    }
    auto [ec] = co_await socket.async_connect(asio::generic::stream_protocol::endpoint{endpoint},
                                              use_tuple);
    limit.cancel();
    // The wait handler above refers to this frame: let it run (cancelled) before returning.
    co_await asio::post(socket.get_executor(), asio::use_awaitable);
    --r->running;
    if (!ec && !r->winner) {
        r->winner = index;
    } else if (ec) {
        r->last = ec;
        r->attempt_timed_out = r->attempt_timed_out || expired;
    }
    r->wake.cancel();
}

} // namespace

std::vector<tcp::endpoint> interleave_families(std::vector<tcp::endpoint> const& endpoints)
{
    std::vector<tcp::endpoint> first_family;
    std::vector<tcp::endpoint> other_family;
    for (auto const& e : endpoints) {
        bool const same = e.address().is_v6() == endpoints.front().address().is_v6();
        (same ? first_family : other_family).push_back(e);
    }
    std::vector<tcp::endpoint> out;
    for (std::size_t i = 0; i < std::max(first_family.size(), other_family.size()); ++i) {
        if (i < first_family.size()) {
            out.push_back(first_family[i]);
        }
        if (i < other_family.size()) {
            out.push_back(other_family[i]);
        }
    }
    return out;
}

awaitable<race_result> race_connect(std::vector<tcp::endpoint> endpoints,
                                    clock::duration per_attempt, clock::duration stagger)
{
    auto ex = co_await asio::this_coro::executor;
    auto r = std::make_shared<race>(ex);
    // Closes the losers, and everything if this coroutine is cancelled (a deadline).
    struct closer {
        std::shared_ptr<race> r;
        ~closer() { r->close_all(r->winner); }
    } const guard{r};
    std::size_t next = 0;
    auto start_next = [&] {
        r->sockets.push_back(std::make_unique<stream_socket>(ex));
        ++r->running;
        asio::co_spawn(ex, attempt(r, next, endpoints[next], per_attempt), asio::detached);
        ++next;
    };
    start_next();
    while (!r->winner && (r->running != 0 || next < endpoints.size())) {
        if (r->running == 0) {
            start_next(); // every attempt so far failed: no reason to wait
            continue;
        }
        if (next < endpoints.size()) {
            r->wake.expires_after(stagger);
        } else {
            r->wake.expires_at(clock::time_point::max());
        }
        auto [ec] = co_await r->wake.async_wait(use_tuple);
        if (!ec && !r->winner && next < endpoints.size()) {
            start_next(); // the stagger passed without an answer: race the next address
        }
        // ec (cancelled) means an attempt ended: loop to look at the outcome. A cancellation
        // of this coroutine itself shows up as the wait's error too, so check for it.
        if (ec && (co_await asio::this_coro::cancellation_state).cancelled() !=
                      asio::cancellation_type::none) {
            throw boost::system::system_error{asio::error::operation_aborted};
        }
    }
    race_result result;
    result.last = r->last;
    result.attempt_timed_out = r->attempt_timed_out;
    if (r->winner) {
        result.socket.emplace(std::move(*r->sockets[*r->winner]));
    }
    co_return result;
}

} // namespace ahttp::client::detail
