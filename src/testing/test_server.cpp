// SPDX-License-Identifier: BSL-1.0
// testing::test_server: an app_runner on a background thread.
#include <ahttp/testing/test_server.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <future>
#include <thread>

namespace ahttp::testing {

namespace asio = boost::asio;

struct test_server::impl {
    asio::io_context context{1};
    asio::executor_work_guard<asio::io_context::executor_type> guard{context.get_executor()};
    std::unique_ptr<web::app_runner> runner;
    std::thread thread;
    bool stopped = false;
};

web::server_options test_server::quiet_options()
{
    web::server_options options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.access_log = false;
    options.print_banner = false;
    options.handle_signals = false;
    options.shutdown_timeout = std::chrono::seconds{5};
    return options;
}

test_server::test_server(web::application& app, web::server_options options)
    : impl_(std::make_unique<impl>())
{
    impl_->runner = std::make_unique<web::app_runner>(app, std::move(options));
    std::promise<void> started;
    auto ready = started.get_future();
    asio::co_spawn(impl_->context, impl_->runner->start(), [&started](std::exception_ptr const& e) {
        e ? started.set_exception(e) : started.set_value();
    });
    impl_->thread = std::thread([this] { impl_->context.run(); });
    try {
        ready.get();
    } catch (...) {
        impl_->guard.reset();
        impl_->context.stop();
        impl_->thread.join();
        throw;
    }
}

test_server::~test_server()
{
    stop();
}

void test_server::stop()
{
    if (impl_->stopped) {
        return;
    }
    impl_->stopped = true;
    std::promise<void> done;
    auto finished = done.get_future();
    asio::co_spawn(impl_->context, impl_->runner->shutdown(),
                   [&done](std::exception_ptr const&) { done.set_value(); });
    finished.wait();
    impl_->guard.reset();
    impl_->context.stop();
    impl_->thread.join();
}

std::uint16_t test_server::port() const noexcept
{
    return impl_->runner->port();
}

std::string test_server::url(std::string const& path) const
{
    return "http://127.0.0.1:" + std::to_string(port()) + path;
}

std::size_t test_server::connection_count() const noexcept
{
    return impl_->runner->connection_count();
}

} // namespace ahttp::testing
