// SPDX-License-Identifier: BSL-1.0
// examples/microservices/late_app: seed 000's slow upstream — every answer takes 1 s.
//   late_app 8000        (0 picks a free port, printed in the banner)
#include <ahttp/sleep.hpp>
#include <ahttp/web.hpp>

#include <boost/json.hpp>

#include <cstdlib>
#include <iostream>

using namespace std::chrono_literals;
namespace web = ahttp::web;

ahttp::awaitable<web::response> call_api(web::request&)
{
    std::cout << "Received request in late app." << std::endl;
    // Awaited, unlike the seed's time.sleep(10): the loop serves other requests meanwhile.
    co_await ahttp::sleep(1s);
    co_return web::response::json(boost::json::object{{"message", "success"}});
}

int main(int argc, char** argv)
{
    web::application app;
    app.router().add_get("/", call_api);
    std::uint16_t const port = argc > 1 ? static_cast<std::uint16_t>(std::atoi(argv[1])) : 8000;
    web::run_app(app, {.host = "127.0.0.1", .port = port});
}
