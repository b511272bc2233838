// SPDX-License-Identifier: BSL-1.0
// install_httpbin: every endpoint group plus the CORS middleware, on one application.
#include "httpbin/httpbin_app.hpp"
#include "httpbin/httpbin_routes.hpp"

namespace ahttp::cli {

void install_httpbin(ahttp::web::application& app)
{
    app.use(httpbin::cors_middleware());
    web::router& router = app.router();
    httpbin::add_echo_routes(router);
    httpbin::add_status_routes(router);
    httpbin::add_redirect_routes(router);
    httpbin::add_cookie_routes(router);
    httpbin::add_auth_routes(router);
    httpbin::add_stream_routes(router);
    httpbin::add_page_routes(router);
}

} // namespace ahttp::cli
