// SPDX-License-Identifier: BSL-1.0
#include "client/connection.hpp"
#include "client/round_writes.hpp"
#include "hot_path.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>

namespace ahttp::client::detail {

AHTTP_HOT_PATH void round_writes::add(connection& conn, std::string_view bytes)
{
    queue_.push_back({&conn, bytes});
    conn.set_write_queued(true);
    if (!flush_posted_) {
        // Posted from a completion, it runs after the completions already queued: the rest
        // of this round.
        boost::asio::post(executor_, [self = shared_from_this()] { self->flush(); });
        flush_posted_ = true; // after: a post that throws leaves the next add() to post
    }
}

AHTTP_HOT_PATH void round_writes::withdraw(connection& conn) noexcept
{
    if (!conn.write_queued()) {
        return; // the usual case: it went out with its round
    }
    conn.set_write_queued(false);
    auto const it =
        std::find_if(queue_.begin(), queue_.end(), [&](entry const& e) { return e.conn == &conn; });
    if (it != queue_.end()) {
        queue_.erase(it);
    }
}

AHTTP_HOT_PATH void round_writes::flush() noexcept
{
    flush_posted_ = false;
    // hand_back_write() only records and cancels: nothing here runs a request's code, so
    // the queue does not change under the loop.
    for (entry const& e : queue_) {
        e.conn->set_write_queued(false);
        error_code ec;
        std::size_t const sent = e.conn->write_now(e.bytes, ec);
        if (ec || sent < e.bytes.size()) {
            e.conn->hand_back_write(e.bytes.substr(sent), ec);
        }
    }
    queue_.clear();
}

} // namespace ahttp::client::detail
