// SPDX-License-Identifier: BSL-1.0
// Making a client::session inside a test coroutine, shared by the client tests.
#pragma once

#include <ahttp/client/session.hpp>

#include <boost/asio/this_coro.hpp>

namespace ahttp::test {

/// A session on the calling coroutine's executor. Options are passed as a named object
/// (std::move(options)): g++ 12 copies a braced temporary inside a co_await bitwise
/// (docs/design/0003).
inline awaitable<client::session> make_session(client::session_options options)
{
    auto executor = co_await boost::asio::this_coro::executor;
    client::session session{executor, std::move(options)};
    co_return session;
}

/// A session with the default options.
inline awaitable<client::session> make_session()
{
    auto executor = co_await boost::asio::this_coro::executor;
    client::session session{executor};
    co_return session;
}

} // namespace ahttp::test
