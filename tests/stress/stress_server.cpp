// SPDX-License-Identifier: BSL-1.0
// The server the stress tests attack, run as a child process so that its memory (VmRSS) and
// its file descriptors are its own, apart from the thousands of client sockets of the test.
//
// Usage: ahttp_stress_server [--header-read-ms N] [--body-read-ms N] [--keepalive-ms N]
//                            [--max-connections N] [--client-max-size N] [--big-size N]
// Prints "listening port=P pid=X" on stdout once it accepts connections, then serves until
// SIGTERM or SIGINT.
#include <ahttp/web.hpp>

#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <sys/resource.h>
#include <unistd.h>

namespace {

namespace web = ahttp::web;
using namespace std::chrono_literals;

// The handlers below are plain functions, so the runner and the big body are reached through
// these; the program serves one application for its whole life.
web::app_runner const* the_runner = nullptr;
std::string const* big_body = nullptr;

std::size_t resident_bytes()
{
    std::ifstream status{"/proc/self/status"};
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) {
            return std::stoull(line.substr(6)) * 1024;
        }
    }
    return 0;
}

ahttp::awaitable<web::response> ok(web::request&)
{
    co_return web::response::text("ok");
}

// Reads the whole body (bounded by client_max_size) and answers with its size.
ahttp::awaitable<web::response> read_all(web::request& req)
{
    std::string body = co_await req.read();
    co_return web::response::text(std::to_string(body.size()));
}

// Streams the body through without keeping it: what a proxy or an upload-to-disk does.
ahttp::awaitable<web::response> count(web::request& req)
{
    std::uint64_t total = 0;
    for (;;) {
        std::string_view const piece = co_await req.read_chunk();
        if (piece.empty()) {
            break;
        }
        total += piece.size();
    }
    co_return web::response::text(std::to_string(total));
}

ahttp::awaitable<web::response> form(web::request& req)
{
    web::form_data fields = co_await req.post();
    co_return web::response::text(std::to_string(fields.size()));
}

// A response held whole in memory, as most handlers build them.
ahttp::awaitable<web::response> big(web::request&)
{
    co_return web::response::bytes(*big_body);
}

// A streamed response of {mib} MiB in 64 KiB pieces.
ahttp::awaitable<web::response> stream(web::request& req)
{
    std::uint64_t const mib = std::stoull(std::string{req.path_param("mib")});
    std::string const piece(64 * 1024, 's');
    web::stream_response out;
    out.headers().set("Content-Type", "application/octet-stream");
    co_await out.prepare(req);
    for (std::uint64_t i = 0; i < mib * 16; ++i) {
        co_await out.write(piece);
    }
    co_await out.write_eof();
    co_return out;
}

ahttp::awaitable<web::response> stats(web::request&)
{
    co_return web::response::text("connections=" + std::to_string(the_runner->connection_count()) +
                                  " rss=" + std::to_string(resident_bytes()));
}

struct settings {
    web::server_options server;
    web::application_options app;
    std::size_t big_size = 8 * 1024 * 1024;
};

settings parse(int argc, char** argv)
{
    settings s;
    s.server.host = "127.0.0.1";
    s.server.port = 0;
    s.server.access_log = false; // nobody reads our stderr while thousands of requests run
    s.server.print_banner = false;
    s.server.handle_signals = false;
    s.server.shutdown_timeout = 1s;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string const name = argv[i];
        std::uint64_t const value = std::stoull(argv[i + 1]);
        if (name == "--header-read-ms") {
            s.server.timeouts.header_read = std::chrono::milliseconds{value};
        } else if (name == "--body-read-ms") {
            s.server.timeouts.body_read = std::chrono::milliseconds{value};
        } else if (name == "--keepalive-ms") {
            s.server.timeouts.keepalive = std::chrono::milliseconds{value};
        } else if (name == "--max-connections") {
            s.server.max_connections = value;
        } else if (name == "--client-max-size") {
            s.app.client_max_size = value;
        } else if (name == "--big-size") {
            s.big_size = value;
        } else {
            throw std::invalid_argument("unknown option " + name);
        }
    }
    return s;
}

ahttp::awaitable<void> serve(web::application& app, web::server_options options)
{
    web::app_runner runner{app, std::move(options)};
    co_await runner.start();
    the_runner = &runner;
    std::cout << "listening port=" << runner.port() << " pid=" << ::getpid() << std::endl;
    // From here on nobody reads our stderr pipe: once it filled up (a log line per failed
    // handler, thousands of them) the server would block in write(2) and every test would
    // time out. Startup errors above still reach the test.
    if (std::freopen("/dev/null", "w", stderr) == nullptr) {
        throw std::runtime_error("cannot redirect stderr");
    }
    boost::asio::signal_set signals{co_await boost::asio::this_coro::executor, SIGINT, SIGTERM};
    co_await signals.async_wait(boost::asio::use_awaitable);
    co_await runner.shutdown();
    the_runner = nullptr;
}

} // namespace

int main(int argc, char** argv)
{
    try {
        settings s = parse(argc, argv);
        // The flood test holds 10,000 connections here: lift the soft limit to the hard one.
        rlimit limit{};
        if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
            limit.rlim_cur = limit.rlim_max;
            ::setrlimit(RLIMIT_NOFILE, &limit);
        }
        std::string const body(s.big_size, 'b');
        big_body = &body;

        web::application app{s.app};
        app.router().add_get("/", ok);
        app.router().add_post("/read", read_all);
        app.router().add_post("/count", count);
        app.router().add_post("/form", form);
        app.router().add_get("/big", big);
        app.router().add_get("/stream/{mib:\\d+}", stream);
        app.router().add_get("/stats", stats);
        // Named first, then moved in: g++ 12 copies an options prvalue passed straight into a
        // coroutine parameter bitwise, and frees its strings twice.
        web::server_options options = s.server;
        ahttp::run(serve(app, std::move(options)));
        return 0;
    } catch (std::exception const& e) {
        std::cerr << "ahttp_stress_server: " << e.what() << '\n';
        return 1;
    }
}
