// SPDX-License-Identifier: BSL-1.0
// examples/deploy_nginx: one ahttp instance of several behind nginx (see README.md and
// nginx.conf). Each answers with its name and pid, so you can watch nginx spread requests
// and a restarted instance come back. SIGTERM stops it gracefully: it stops accepting, lets
// the requests in flight finish, then exits 0 — nginx sends new requests to the others.
//   deploy_nginx 8081 app-a
#include <ahttp/web.hpp>

#include <cstdlib>
#include <string>
#include <unistd.h>

using namespace std::chrono_literals;
namespace web = ahttp::web;

inline web::app_key<std::string> const instance_name{"instance_name"};

ahttp::awaitable<web::response> hello(web::request& request)
{
    std::string const name = request.app().get(instance_name);
    co_return web::response::text("Hello from " + name + " (pid " + std::to_string(::getpid()) +
                                  ")\n");
}

int main(int argc, char** argv)
{
    std::uint16_t const port = argc > 1 ? static_cast<std::uint16_t>(std::atoi(argv[1])) : 8081;
    std::string const name = argc > 2 ? argv[2] : "app-" + std::to_string(port);

    web::application app;
    app.set(instance_name, name);
    app.router().add_get("/", hello);

    web::server_options options{.host = "127.0.0.1", .port = port}; // nginx is the public face
    // nginx passes the client's address in X-Real-IP (see nginx.conf); log it, not nginx's.
    options.access_log_format = R"(%{X-Real-IP}i %t "%r" %s %b "%{User-Agent}i")";
    // nginx closes idle upstream connections after 60 s (keepalive_timeout in the upstream
    // block): keep ours open longer, so nginx, not us, closes an idle one.
    options.timeouts.keepalive = 75s;
    options.shutdown_timeout = 10s; // on SIGTERM, in-flight requests get this long to finish
    web::run_app(app, std::move(options));
}
