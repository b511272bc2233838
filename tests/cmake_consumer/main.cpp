// SPDX-License-Identifier: BSL-1.0
// A consumer of ahttp: serves one request to itself and prints the answer.
#include <ahttp/testing/test_server.hpp>
#include <ahttp/web.hpp>

#include <iostream>

ahttp::awaitable<ahttp::web::response> hello(ahttp::web::request&)
{
    co_return ahttp::web::response::text("consumer ok");
}

int main()
{
    ahttp::web::application app;
    app.router().add_get("/", hello);
    ahttp::testing::test_server server{app};
    std::cout << (server.port() != 0 ? "consumer ok" : "no port") << '\n';
}
