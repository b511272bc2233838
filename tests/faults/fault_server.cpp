// SPDX-License-Identifier: BSL-1.0
// The server of the fault tests, in a child process so that a real SIGTERM reaches run_app.
// Usage: ahttp_fault_server [--shutdown-timeout-ms N]
// Binds 127.0.0.1 on a free port and prints run_app's banner ("Running on http://…:PORT").
//   GET /slow?ms=N  sleeps N ms, then answers slow_body_size bytes (a checkable pattern)
//   GET /inflight   how many /slow and /forever handlers are running now
//   GET /throw      throws (a 500)
//   GET /forever    sleeps for an hour (only a shutdown ends it)
//   GET /           "ok"
#include "faults/fault_app.hpp"

#include <ahttp/web.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>

int main(int argc, char** argv)
{
    ahttp::web::server_options options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.access_log = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--shutdown-timeout-ms") == 0 && i + 1 < argc) {
            options.shutdown_timeout = std::chrono::milliseconds{std::atol(argv[++i])};
        } else {
            std::fprintf(stderr, "usage: ahttp_fault_server [--shutdown-timeout-ms N]\n");
            return 2;
        }
    }
    ahttp::web::application app = ahttp::test::make_fault_app();
    try {
        ahttp::web::run_app(app, options);
    } catch (std::exception const& e) {
        std::fprintf(stderr, "ahttp_fault_server: %s\n", e.what());
        return 1;
    }
    std::fprintf(stderr, "ahttp_fault_server: stopped\n");
    return 0;
}
