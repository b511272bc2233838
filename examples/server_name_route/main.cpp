// SPDX-License-Identifier: BSL-1.0
// examples/server_name_route: routes with typed parameters, a route table, and a JSON answer.
#include <ahttp/web.hpp>

#include <boost/json.hpp>

#include <cstdlib>
#include <string>

namespace web = ahttp::web;

ahttp::awaitable<web::response> user(web::request& request)
{
    int const id = std::stoi(std::string{request.path_param("id")}); // {id:\d+} guarantees digits
    co_return web::response::json(
        boost::json::object{{"id", id}, {"name", "user" + std::to_string(id)}});
}

ahttp::awaitable<web::response> greet(web::request& request)
{
    std::string const greeting{request.query().value_or("greeting", "Hello")};
    co_return web::response::text(greeting + ", " + std::string{request.path_param("name")} + "!");
}

int main(int argc, char** argv)
{
    web::application app;
    app.router().add_routes({
        web::get("/users/{id:\\d+}", user, {.name = "user"}),
        web::get("/{name}", greet),
    });
    // `server_name_route 0` picks a free port (printed in the banner).
    std::uint16_t const port = argc > 1 ? static_cast<std::uint16_t>(std::atoi(argv[1])) : 8080;
    web::run_app(app, {.host = "127.0.0.1", .port = port, .workers = 0}); // one worker per core
}
