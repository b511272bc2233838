// SPDX-License-Identifier: BSL-1.0
// app_runner and run_app: workers on threads, startup, graceful shutdown.
#include "web/worker.hpp"

#include <ahttp/web/run_app.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <csignal>
#include <iostream>
#include <thread>

namespace ahttp::web {
namespace {

namespace asio = boost::asio;

/// A worker with its own event loop and thread (workers 1..N-1).
struct threaded_worker {
    asio::io_context context{1};
    asio::executor_work_guard<asio::io_context::executor_type> guard{context.get_executor()};
    std::unique_ptr<detail::worker> worker;
    std::thread thread;
};

} // namespace

struct app_runner::impl {
    application& app;
    server_options options;
    std::unique_ptr<detail::worker> first; // runs on the executor start() was awaited on
    std::vector<std::unique_ptr<threaded_worker>> others;
    bool started = false;
    bool stopped = false;

    template <class F>
    void on_each_worker(F f)
    {
        if (first) {
            f(*first);
        }
        for (auto& t : others) {
            asio::post(t->context, [w = t->worker.get(), f] { f(*w); });
        }
    }

    std::size_t count() const noexcept
    {
        std::size_t n = first ? first->connection_count() : 0;
        for (auto const& t : others) {
            n += t->worker->connection_count();
        }
        return n;
    }

    void join() noexcept
    {
        for (auto& t : others) {
            t->guard.reset();
            if (t->thread.joinable()) {
                t->thread.join();
            }
        }
        others.clear();
    }
};

app_runner::app_runner(application& app, server_options options)
    : impl_(std::make_unique<impl>(impl{app, std::move(options), {}, {}, false, false}))
{
    if (impl_->options.workers == 0) {
        impl_->options.workers = std::max(1u, std::thread::hardware_concurrency());
    }
}

app_runner::~app_runner()
{
    // A runner destroyed without shutdown() still must not leave threads running.
    for (auto& t : impl_->others) {
        t->context.stop();
    }
    impl_->join();
}

std::uint16_t app_runner::port() const noexcept
{
    return impl_->first ? impl_->first->port() : 0;
}
std::size_t app_runner::connection_count() const noexcept
{
    return impl_->count();
}

awaitable<void> app_runner::start()
{
    if (impl_->started) {
        throw error(errc::invalid_state, "app_runner already started");
    }
    impl_->started = true;
    co_await impl_->app.startup();

    auto& o = impl_->options;
    bool const reuse_port = o.reuse_port || o.workers > 1;
    auto executor = co_await asio::this_coro::executor;
    impl_->first = std::make_unique<detail::worker>(executor, impl_->app, o, 0);
    impl_->first->listen(o.port, reuse_port);
    // With port 0 the kernel picks a port for the first listener; the others share it.
    std::uint16_t const port = impl_->first->port() ? impl_->first->port() : o.port;
    if (!o.unix_path.empty() && o.workers > 1) {
        o.workers = 1; // one listener per Unix socket path
    }
    for (std::size_t i = 1; i < o.workers; ++i) {
        auto t = std::make_unique<threaded_worker>();
        t->worker = std::make_unique<detail::worker>(t->context.get_executor(), impl_->app, o, i);
        t->worker->listen(port, true);
        impl_->others.push_back(std::move(t));
    }
    impl_->first->start();
    for (auto& t : impl_->others) {
        asio::post(t->context, [w = t->worker.get()] { w->start(); });
        t->thread = std::thread([ctx = &t->context] { ctx->run(); });
    }
}

awaitable<void> app_runner::shutdown()
{
    if (!impl_->started || impl_->stopped) {
        co_return;
    }
    impl_->stopped = true;
    auto executor = co_await asio::this_coro::executor;
    asio::steady_timer timer{executor};
    auto wait_until_empty = [&](std::chrono::steady_clock::time_point deadline) -> awaitable<void> {
        while (impl_->count() > 0 && std::chrono::steady_clock::now() < deadline) {
            timer.expires_after(std::chrono::milliseconds{10});
            co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        }
    };

    // aiohttp's order: stop listening, on_shutdown, let handlers finish, cleanup.
    impl_->on_each_worker([](detail::worker& w) { w.stop_accepting(); });
    co_await impl_->app.shutdown();
    impl_->on_each_worker([](detail::worker& w) { w.begin_drain(); });
    co_await wait_until_empty(std::chrono::steady_clock::now() + impl_->options.shutdown_timeout);
    if (impl_->count() > 0) {
        impl_->on_each_worker([](detail::worker& w) { w.force_close(); });
        co_await wait_until_empty(std::chrono::steady_clock::now() + std::chrono::seconds{5});
    }
    impl_->on_each_worker([](detail::worker& w) { w.stop(); });
    impl_->join();
    co_await impl_->app.cleanup();
}

namespace {

awaitable<void> serve_until_signal(app_runner& runner, server_options const& options)
{
    co_await runner.start();
    if (options.print_banner) {
        std::string const where =
            options.unix_path.empty()
                ? "http://" + options.host + ":" + std::to_string(runner.port())
                : "http://unix:" + options.unix_path + ":";
        std::cout << "======== Running on " << where << " ========\n(Press CTRL+C to quit)"
                  << std::endl;
    }
    if (options.handle_signals) {
        asio::signal_set signals{co_await asio::this_coro::executor, SIGINT, SIGTERM};
        co_await signals.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    co_await runner.shutdown();
}

} // namespace

void run_app(application& app, server_options options)
{
    asio::io_context context{1};
    app_runner runner{app, options};
    std::exception_ptr failure;
    asio::co_spawn(context, serve_until_signal(runner, options), [&](std::exception_ptr e) {
        failure = std::move(e);
        context.stop();
    });
    context.run();
    if (failure) {
        std::rethrow_exception(failure);
    }
}

} // namespace ahttp::web
