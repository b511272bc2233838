// SPDX-License-Identifier: BSL-1.0
// examples/server_hello: the seeds' hello-world server — "/" and "/{name}".
#include <ahttp/web.hpp>

#include <cstdlib>
#include <string>

namespace web = ahttp::web;

ahttp::awaitable<web::response> hello(web::request&)
{
    co_return web::response::text("Hello, World!");
}

ahttp::awaitable<web::response> greet(web::request& request)
{
    std::string name{request.path_param("name")}; // already percent-decoded
    co_return web::response::text("Hello, " + name + "!\n");
}

int main(int argc, char** argv)
{
    web::application app;
    app.router().add_get("/", hello);
    app.router().add_get("/{name}", greet);

    // Blocks until SIGINT/SIGTERM, then drains in-flight requests.
    std::uint16_t const port = argc > 1 ? static_cast<std::uint16_t>(std::atoi(argv[1])) : 8080;
    web::run_app(app, {.host = "127.0.0.1", .port = port});
}
