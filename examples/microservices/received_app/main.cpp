// SPDX-License-Identifier: BSL-1.0
// examples/microservices/received_app: seed 000's middle service — each request calls the
// slow upstream (late_app) through a client::session and wraps its answer. The call is
// awaited, so two requests that arrive together are answered together.
//   received_app 8001 http://127.0.0.1:8000/
#include <ahttp/client.hpp>
#include <ahttp/web.hpp>

#include <boost/json.hpp>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

namespace client = ahttp::client;
namespace web = ahttp::web;

// Application state: the upstream's URL, and one session (one connection pool) for every
// request, opened at startup on the server's event loop and closed at cleanup (aiohttp's
// cleanup_ctx idiom; a session per request would throw keep-alive away).
inline web::app_key<std::string> const upstream_url{"upstream_url"};
inline web::app_key<std::shared_ptr<client::session>> const upstream{"upstream"};

ahttp::awaitable<void> open_session(web::application& app)
{
    auto executor = co_await boost::asio::this_coro::executor;
    app.set(upstream, std::make_shared<client::session>(executor));
}

ahttp::awaitable<void> close_session(web::application& app)
{
    app.get(upstream).reset(); // closes its connections while the event loop still runs
    co_return;
}

ahttp::awaitable<web::response> task(web::request& request)
{
    std::string const name{request.path_param("task")};
    std::cout << "Received " << name << " request" << std::endl;

    client::session& session = *request.app().get(upstream);
    client::response response = co_await session.get(request.app().get(upstream_url));
    response.raise_for_status(); // an upstream 5xx becomes our 500
    boost::json::value answer = co_await response.json();

    std::cout << "Send " << name << " response" << std::endl;
    co_return web::response::json(boost::json::object{{"res", std::move(answer)}});
}

int main(int argc, char** argv)
{
    std::uint16_t const port = argc > 1 ? static_cast<std::uint16_t>(std::atoi(argv[1])) : 8001;
    std::string const late_app = argc > 2 ? argv[2] : "http://127.0.0.1:8000/";

    web::application app;
    app.set(upstream_url, late_app);
    app.on_startup(open_session);
    app.on_cleanup(close_session);
    app.router().add_get("/{task}", task);
    web::run_app(app, {.host = "127.0.0.1", .port = port});
}
