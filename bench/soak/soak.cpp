// SPDX-License-Identifier: BSL-1.0
// `make soak`: an ahttp server in a child process under mixed load for --seconds (keep-alive,
// a new connection per request, pipelining, large bodies, errors, aborted and timed-out
// requests), then SIGTERM. Fails (exit 1) if the server's resident memory at the end is more
// than --max-growth above what it was at the baseline point, if any request had an
// unexpected outcome, or if the server did not exit 0.
//
// Both memory samples are taken with the load paused, every request finished and the server's
// free heap handed back to the kernel (GET /trim: malloc_trim). Without that, RSS swings by
// several MiB with whether the last large body happened to sit at the top of the heap when it
// was freed, and a sample says more about that luck than about growth. The pooled keep-alive
// connections stay open at both points.
//
// Usage: ahttp_soak [--seconds N] [--baseline-seconds B] [--max-growth F] [--report-every S]
//                   [--server-log PATH] [--inject-leak BYTES]
//   N default 600; B default min(60, N/3); F default 0.05; S default 10; PATH default
//   $TMPDIR/ahttp_soak_server.log. The server's stderr goes to PATH: its one line per /throw
//   is expected, any other line is reported and fails the run. --inject-leak makes the server
//   leak BYTES per GET /, to check that the soak catches a leak.
#include <ahttp/client.hpp>
#include <ahttp/sleep.hpp>
#include <ahttp/task_group.hpp>
#include <ahttp/wait_for.hpp>
#include <ahttp/web.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <malloc.h>
#include <random>
#include <string>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace client = ahttp::client;
namespace web = ahttp::web;
using ahttp::awaitable;
using clock_type = std::chrono::steady_clock;

// ---------------------------------------------------------------- the server (child process)

/// Bytes the server leaks on each GET / (--inject-leak: shows that the RSS check can fail).
std::size_t injected_leak = 0;

awaitable<web::response> hello(web::request&)
{
    if (injected_leak > 0) {
        auto* lost = new char[injected_leak];
        std::memset(lost, 1, injected_leak); // touched, so it is resident
    }
    co_return web::response::text("Hello, World!");
}

awaitable<web::response> echo(web::request& request)
{
    std::string body = co_await request.read();
    co_return web::response::bytes(std::move(body));
}

std::size_t query_size(web::request& request, char const* name, std::size_t fallback)
{
    std::string const value{request.query().value_or(name, "")};
    return value.empty() ? fallback : static_cast<std::size_t>(std::stoul(value));
}

awaitable<web::response> big(web::request& request)
{
    co_return web::response::bytes(std::string(query_size(request, "n", 1024), 'b'));
}

awaitable<web::response> stream(web::request& request)
{
    std::size_t const chunks = query_size(request, "n", 16);
    web::stream_response out;
    out.headers().set("Content-Type", "application/octet-stream");
    co_await out.prepare(request);
    std::string const chunk(4096, 's');
    for (std::size_t i = 0; i < chunks; ++i) {
        co_await out.write(chunk);
    }
    co_await out.write_eof();
    co_return out;
}

awaitable<web::response> thrower(web::request&)
{
    throw std::runtime_error("soak: /throw");
    co_return web::response{};
}

/// Returns the free heap to the kernel, so that RSS measures memory in use (see above).
awaitable<web::response> trim(web::request&)
{
    ::malloc_trim(0);
    co_return web::response::text("trimmed");
}

awaitable<web::response> slow(web::request& request)
{
    co_await ahttp::sleep(std::chrono::milliseconds{query_size(request, "ms", 100)});
    co_return web::response::text("slept");
}

awaitable<void> serve(web::application& app, web::server_options options, int port_pipe)
{
    web::app_runner runner{app, std::move(options)};
    co_await runner.start();
    std::string const port = std::to_string(runner.port()) + "\n";
    if (::write(port_pipe, port.data(), port.size()) < 0) {
        std::perror("soak server: write");
    }
    ::close(port_pipe);
    asio::signal_set signals{co_await asio::this_coro::executor, SIGINT, SIGTERM};
    co_await signals.async_wait(asio::use_awaitable);
    co_await runner.shutdown();
}

int run_server(int port_pipe, std::string const& log_path)
{
    ::prctl(PR_SET_PDEATHSIG, SIGKILL); // never outlive the load generator
    // Thousands of expected "Error handling request GET /throw" lines would bury the report.
    if (int const log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644); log >= 0) {
        ::dup2(log, 2);
        ::close(log);
    }
    web::application app;
    app.router().add_get("/", hello);
    app.router().add_post("/echo", echo);
    app.router().add_get("/big", big);
    app.router().add_get("/stream", stream);
    app.router().add_get("/throw", thrower);
    app.router().add_get("/slow", slow);
    app.router().add_get("/trim", trim);
    web::server_options options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.access_log = false;
    options.shutdown_timeout = 10s;
    try {
        ahttp::run(serve(app, std::move(options), port_pipe));
    } catch (std::exception const& e) {
        std::fprintf(stderr, "soak server: %s\n", e.what());
        return 1;
    }
    return 0;
}

// ---------------------------------------------------------------- the load (parent process)

enum class kind : std::size_t { keepalive, fresh, pipelined, large, errors, count };
constexpr std::array<char const*, static_cast<std::size_t>(kind::count)> kind_names{
    "keep-alive", "new connection", "pipelined", "large bodies", "errors"};

struct load_state {
    std::uint16_t port = 0;
    bool stop = false;
    bool paused = false;
    int busy = 0; ///< workers inside an iteration
    std::array<std::uint64_t, static_cast<std::size_t>(kind::count)> ok{};
    std::array<std::uint64_t, static_cast<std::size_t>(kind::count)> unexpected{};
    std::vector<std::string> first_failures;

    std::string url(std::string const& path) const
    {
        return "http://127.0.0.1:" + std::to_string(port) + path;
    }
    void record(kind k, bool good, std::string const& what)
    {
        auto const i = static_cast<std::size_t>(k);
        if (good) {
            ++ok[i];
            return;
        }
        ++unexpected[i];
        if (first_failures.size() < 20) {
            first_failures.push_back(std::string{kind_names[i]} + ": " + what);
        }
    }
    std::uint64_t total_ok() const
    {
        std::uint64_t n = 0;
        for (auto v : ok) {
            n += v;
        }
        return n;
    }
    std::uint64_t total_unexpected() const
    {
        std::uint64_t n = 0;
        for (auto v : unexpected) {
            n += v;
        }
        return n;
    }
};

/// Marks a worker busy for one iteration (the memory samples wait until none is).
struct busy_scope {
    explicit busy_scope(load_state& s) noexcept : state(s) { ++state.busy; }
    ~busy_scope() { --state.busy; }
    busy_scope(busy_scope const&) = delete;
    busy_scope& operator=(busy_scope const&) = delete;
    load_state& state;
};

/// Waits while the load is paused; false once it is to stop.
awaitable<bool> next_round(load_state& s)
{
    while (s.paused && !s.stop) {
        co_await ahttp::sleep(5ms);
    }
    co_return !s.stop;
}

awaitable<client::session> make_session(client::session_options options)
{
    auto executor = co_await asio::this_coro::executor;
    client::session session{executor, std::move(options)};
    co_return session;
}

/// GET / in a loop: on kept-alive connections (kind::keepalive), or a new connection for
/// every request (kind::fresh).
awaitable<void> hello_worker(load_state& s, kind what)
{
    client::session_options options{.timeout = {.total = 30s},
                                    .connector = {.force_close = what == kind::fresh}};
    client::session session = co_await make_session(std::move(options));
    std::string const url = s.url("/");
    while (co_await next_round(s)) {
        busy_scope const busy{s};
        try {
            client::response r = co_await session.get(url);
            std::string const body = co_await r.text();
            s.record(what, r.status_code() == 200 && body == "Hello, World!",
                     "status " + std::to_string(r.status_code()) + " body " + body);
        } catch (std::exception const& e) {
            s.record(what, false, e.what());
        }
    }
}

/// Sends `depth` requests in one write and reads the responses; a connection lasts
/// `batches_per_connection` batches.
awaitable<void> pipelined_worker(load_state& s)
{
    constexpr int depth = 16;
    constexpr int batches_per_connection = 50;
    std::string batch;
    for (int i = 0; i < depth; ++i) {
        batch += i % 4 == 3 ? "GET /big?n=3000 HTTP/1.1\r\nHost: soak\r\n\r\n"
                            : "GET / HTTP/1.1\r\nHost: soak\r\n\r\n";
    }
    auto executor = co_await asio::this_coro::executor;
    asio::ip::tcp::endpoint const server{asio::ip::address_v4::loopback(), s.port};
    while (co_await next_round(s)) {
        asio::ip::tcp::socket socket{executor};
        try {
            co_await ahttp::wait_for(socket.async_connect(server, asio::use_awaitable), 10s);
            beast::flat_buffer buffer;
            for (int b = 0; b < batches_per_connection; ++b) {
                if (!co_await next_round(s)) {
                    break;
                }
                busy_scope const busy{s};
                co_await ahttp::wait_for(
                    asio::async_write(socket, asio::buffer(batch), asio::use_awaitable), 10s);
                bool good = true;
                for (int i = 0; i < depth; ++i) {
                    beast::http::response<beast::http::string_body> response;
                    co_await ahttp::wait_for(
                        beast::http::async_read(socket, buffer, response, asio::use_awaitable),
                        10s);
                    std::size_t const expected = i % 4 == 3 ? 3000 : 13;
                    good =
                        good && response.result_int() == 200 && response.body().size() == expected;
                }
                s.record(kind::pipelined, good, "a pipelined batch had a wrong response");
            }
        } catch (std::exception const& e) {
            s.record(kind::pipelined, false, e.what());
        }
    }
}

awaitable<void> large_worker(load_state& s, unsigned seed)
{
    std::mt19937 random{seed};
    client::session_options options{.timeout = {.total = 60s}};
    client::session session = co_await make_session(std::move(options));
    std::uniform_int_distribution<std::size_t> upload{64 * 1024, 1000 * 1024};
    std::uniform_int_distribution<std::size_t> download{256 * 1024, 4 * 1024 * 1024};
    std::uniform_int_distribution<std::size_t> chunks{1, 256};
    for (unsigned round = 0; co_await next_round(s); ++round) {
        busy_scope const busy{s};
        try {
            if (round % 3 == 0) {
                std::string sent(upload(random), '\0');
                for (std::size_t i = 0; i < sent.size(); ++i) {
                    sent[i] = static_cast<char>('A' + (i * 7 + round) % 26);
                }
                client::request_options post{.data = sent};
                client::response r = co_await session.post(s.url("/echo"), std::move(post));
                std::string const back = co_await r.read();
                s.record(kind::large, r.status_code() == 200 && back == sent,
                         "echo of " + std::to_string(sent.size()) + " bytes: status " +
                             std::to_string(r.status_code()) + ", " + std::to_string(back.size()) +
                             " bytes back");
            } else if (round % 3 == 1) {
                std::size_t const n = download(random);
                client::response r = co_await session.get(s.url("/big?n=" + std::to_string(n)));
                std::string const body = co_await r.read();
                s.record(kind::large,
                         r.status_code() == 200 && body.size() == n &&
                             body.find_first_not_of('b') == std::string::npos,
                         "/big of " + std::to_string(n) + ": " + std::to_string(body.size()));
            } else {
                std::size_t const n = chunks(random);
                client::response r = co_await session.get(s.url("/stream?n=" + std::to_string(n)));
                std::string const body = co_await r.read();
                s.record(kind::large, r.status_code() == 200 && body.size() == n * 4096,
                         "/stream of " + std::to_string(n) +
                             " chunks: " + std::to_string(body.size()) + " bytes");
            }
        } catch (std::exception const& e) {
            s.record(kind::large, false, e.what());
        }
    }
}

/// Sends `bytes` on a new connection and reads until the server closes (bounded).
awaitable<std::string> raw_exchange(std::uint16_t port, std::string bytes, bool close_early)
{
    auto executor = co_await asio::this_coro::executor;
    asio::ip::tcp::socket socket{executor};
    asio::ip::tcp::endpoint const server{asio::ip::address_v4::loopback(), port};
    co_await ahttp::wait_for(socket.async_connect(server, asio::use_awaitable), 10s);
    co_await ahttp::wait_for(asio::async_write(socket, asio::buffer(bytes), asio::use_awaitable),
                             10s);
    std::string received;
    if (close_early) {
        co_return received;
    }
    std::array<char, 4096> buffer;
    for (int i = 0; i < 1000; ++i) {
        auto [ec, n] = co_await ahttp::wait_for(
            socket.async_read_some(asio::buffer(buffer), asio::as_tuple(asio::use_awaitable)), 10s);
        if (ec) {
            break;
        }
        received.append(buffer.data(), n);
    }
    co_return received;
}

/// Each round one failure the server (and the client) must take in stride.
awaitable<void> errors_worker(load_state& s)
{
    client::session_options options{.timeout = {.total = 30s}};
    client::session session = co_await make_session(std::move(options));
    for (unsigned round = 0; co_await next_round(s); ++round) {
        busy_scope const busy{s};
        unsigned const which = round % 8;
        try {
            switch (which) {
            case 0: { // a handler that throws: 500
                client::response r = co_await session.get(s.url("/throw"));
                co_await r.read();
                s.record(kind::errors, r.status_code() == 500, "/throw: not 500");
                break;
            }
            case 1: { // no such route: 404
                client::response r = co_await session.get(s.url("/no/such/route"));
                co_await r.read();
                s.record(kind::errors, r.status_code() == 404, "not 404");
                break;
            }
            case 2: { // a body over client_max_size: 413, or the server closes as we send
                client::request_options post{.data = std::string(2 * 1024 * 1024, 'z')};
                try {
                    client::response r = co_await session.post(s.url("/echo"), std::move(post));
                    co_await r.read();
                    s.record(kind::errors, r.status_code() == 413,
                             "oversized body: " + std::to_string(r.status_code()));
                } catch (client::connection_error const&) {
                    s.record(kind::errors, true, {});
                }
                break;
            }
            case 3: { // garbage: 400 and close
                std::string const answer =
                    co_await raw_exchange(s.port, "BLAH BLAH BLAH\r\n\r\n", false);
                s.record(kind::errors, answer.starts_with("HTTP/1.1 400"),
                         "garbage got: " + answer.substr(0, 40));
                break;
            }
            case 4: { // half a request, then gone
                co_await raw_exchange(s.port, "GET / HTTP/1.1\r\nHost: soak\r\nX-Half:", true);
                s.record(kind::errors, true, {});
                break;
            }
            case 5: { // the client drops a large response after its first piece
                client::response r = co_await session.get(s.url("/big?n=4000000"));
                std::string_view const piece = co_await r.read_chunk(16384);
                s.record(kind::errors, r.status_code() == 200 && !piece.empty(), "no first piece");
                break; // the response goes unread: its connection is closed, not pooled
            }
            case 6: { // a read timeout while the handler sleeps
                client::request_options quick{.timeout = {.sock_read = 50ms}};
                try {
                    co_await session.get(s.url("/slow?ms=300"), std::move(quick));
                    s.record(kind::errors, false, "no timeout");
                } catch (client::timeout_error const&) {
                    s.record(kind::errors, true, {});
                }
                break;
            }
            default: { // and the same session still works
                client::response r = co_await session.get(s.url("/"));
                s.record(kind::errors, co_await r.text() == "Hello, World!", "after errors");
                break;
            }
            }
        } catch (std::exception const& e) {
            s.record(kind::errors, false, "case " + std::to_string(which) + ": " + e.what());
        }
    }
}

/// VmRSS of `pid` in KiB (0 if unreadable).
std::size_t rss_kib(pid_t pid)
{
    std::ifstream status{"/proc/" + std::to_string(pid) + "/status"};
    std::string line;
    while (std::getline(status, line)) {
        if (line.starts_with("VmRSS:")) {
            return static_cast<std::size_t>(std::stoul(line.substr(6)));
        }
    }
    return 0;
}

struct settings {
    std::chrono::seconds duration{600};
    std::chrono::seconds baseline{0}; // 0: min(60 s, duration / 3)
    double max_growth = 0.05;
    std::chrono::seconds report_every{10};
    std::size_t inject_leak = 0;
    std::string server_log =
        (std::filesystem::temp_directory_path() / "ahttp_soak_server.log").string();
};

/// The server's log lines other than the expected one per /throw, and how many there were.
std::vector<std::string> unexpected_log_lines(std::string const& path, std::size_t& count)
{
    std::ifstream log{path};
    std::vector<std::string> first;
    std::string line;
    count = 0;
    while (std::getline(log, line)) {
        if (line.starts_with("Error handling request GET /throw: soak: /throw")) {
            continue;
        }
        if (++count <= 10) {
            first.push_back(line);
        }
    }
    return first;
}

struct figures {
    std::size_t baseline_kib = 0;
    std::size_t end_kib = 0;
    std::size_t peak_kib = 0;
    double baseline_at = 0;
    double end_at = 0;
};

double seconds_since(clock_type::time_point start)
{
    return std::chrono::duration<double>(clock_type::now() - start).count();
}

/// Pauses the load, waits for every iteration in progress to end, trims the server's heap and
/// reads its RSS.
awaitable<std::size_t> quiet_rss(load_state& s, pid_t server)
{
    s.paused = true;
    for (int i = 0; i < 6000 && s.busy > 0; ++i) { // at most 60 s: every request is bounded
        co_await ahttp::sleep(10ms);
    }
    co_await ahttp::sleep(200ms); // let the server finish closing what the clients closed
    try {
        std::string const answer = co_await raw_exchange(
            s.port, "GET /trim HTTP/1.1\r\nHost: soak\r\nConnection: close\r\n\r\n", false);
        if (!answer.starts_with("HTTP/1.1 200")) {
            s.record(kind::errors, false, "/trim answered: " + answer.substr(0, 40));
        }
    } catch (std::exception const& e) {
        s.record(kind::errors, false, std::string{"/trim: "} + e.what());
    }
    co_await ahttp::sleep(50ms);
    std::size_t const rss = rss_kib(server);
    s.paused = false;
    co_return rss;
}

awaitable<void> monitor(load_state& s, settings const& config, pid_t server, figures& out)
{
    auto const start = clock_type::now();
    auto const end = start + config.duration;
    auto const baseline_at = start + config.baseline;
    auto next_report = start + config.report_every;
    bool baseline_taken = false;
    while (clock_type::now() < end) {
        co_await ahttp::sleep(100ms);
        out.peak_kib = std::max(out.peak_kib, rss_kib(server));
        if (!baseline_taken && clock_type::now() >= baseline_at) {
            out.baseline_kib = co_await quiet_rss(s, server);
            out.baseline_at = seconds_since(start);
            baseline_taken = true;
            std::printf("%6.1f s  baseline: server RSS %zu KiB (load paused, heap trimmed)\n",
                        out.baseline_at, out.baseline_kib);
        }
        if (clock_type::now() >= next_report) {
            next_report += config.report_every;
            std::printf("%6.1f s  %10llu requests ok, %llu unexpected, server RSS %zu KiB\n",
                        seconds_since(start), static_cast<unsigned long long>(s.total_ok()),
                        static_cast<unsigned long long>(s.total_unexpected()), rss_kib(server));
            std::fflush(stdout);
        }
    }
    out.end_kib = co_await quiet_rss(s, server);
    out.end_at = seconds_since(start);
    s.stop = true;
}

awaitable<void> drive(load_state& s, settings config, pid_t server, figures& out)
{
    ahttp::task_group group{co_await asio::this_coro::executor};
    for (int i = 0; i < 4; ++i) {
        group.spawn(hello_worker(s, kind::keepalive));
    }
    for (int i = 0; i < 2; ++i) {
        group.spawn(hello_worker(s, kind::fresh));
        group.spawn(pipelined_worker(s));
        group.spawn(large_worker(s, 1234u + static_cast<unsigned>(i)));
        group.spawn(errors_worker(s));
    }
    group.spawn(monitor(s, config, server, out));
    co_await group.wait();
}

/// Waits up to `limit` for `pid` to exit; its exit status, or -1 (then it is killed).
int reap(pid_t pid, std::chrono::milliseconds limit)
{
    auto const deadline = clock_type::now() + limit;
    for (;;) {
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid) {
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        }
        if (clock_type::now() >= deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            return -1;
        }
        std::this_thread::sleep_for(20ms);
    }
}

int usage()
{
    std::fprintf(stderr,
                 "usage: ahttp_soak [--seconds N] [--baseline-seconds B] "
                 "[--max-growth F] [--report-every S] [--server-log PATH] [--inject-leak BYTES]\n");
    return 2;
}

} // namespace

int main(int argc, char** argv)
{
    settings config;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string const name = argv[i];
        char const* value = argv[i + 1];
        if (name == "--seconds") {
            config.duration = std::chrono::seconds{std::atol(value)};
        } else if (name == "--baseline-seconds") {
            config.baseline = std::chrono::seconds{std::atol(value)};
        } else if (name == "--max-growth") {
            config.max_growth = std::atof(value);
        } else if (name == "--inject-leak") {
            config.inject_leak = static_cast<std::size_t>(std::atol(value));
        } else if (name == "--server-log") {
            config.server_log = value;
        } else if (name == "--report-every") {
            config.report_every = std::chrono::seconds{std::max(1L, std::atol(value))};
        } else {
            return usage();
        }
    }
    if (argc % 2 == 0 || config.duration.count() < 3) {
        return usage();
    }
    if (config.baseline.count() <= 0) {
        config.baseline = std::min(std::chrono::seconds{60}, config.duration / 3);
    }
    if (config.baseline >= config.duration) {
        std::fprintf(stderr, "ahttp_soak: the baseline must come before the end\n");
        return 2;
    }

    // The server is forked before any thread or event loop exists in this process.
    int port_pipe[2];
    if (::pipe(port_pipe) != 0) {
        std::perror("pipe");
        return 1;
    }
    pid_t const server = ::fork();
    if (server < 0) {
        std::perror("fork");
        return 1;
    }
    if (server == 0) {
        ::close(port_pipe[0]);
        injected_leak = config.inject_leak;
        std::_Exit(run_server(port_pipe[1], config.server_log));
    }
    ::close(port_pipe[1]);
    char port_text[16] = {};
    ssize_t const got = ::read(port_pipe[0], port_text, sizeof port_text - 1);
    ::close(port_pipe[0]);
    load_state state;
    state.port = got > 0 ? static_cast<std::uint16_t>(std::atoi(port_text)) : 0;
    if (state.port == 0) {
        std::fprintf(stderr, "ahttp_soak: the server did not start\n");
        reap(server, 5s);
        return 1;
    }
    std::printf("ahttp_soak: server pid %d on 127.0.0.1:%u; %lld s of load, baseline at %lld s, "
                "allowed growth %.1f%%\n",
                static_cast<int>(server), static_cast<unsigned>(state.port),
                static_cast<long long>(config.duration.count()),
                static_cast<long long>(config.baseline.count()), config.max_growth * 100);
    std::fflush(stdout);

    figures out;
    std::string load_failure;
    try {
        ahttp::run(drive(state, config, server, out));
    } catch (std::exception const& e) {
        load_failure = e.what();
    }
    std::size_t const client_kib = rss_kib(::getpid());
    ::kill(server, SIGTERM);
    int const server_exit = reap(server, 30s);

    // A pipelined round is a batch of 16 requests; every other round is one request.
    std::printf("\n%-16s %12s %12s\n", "load (rounds)", "ok", "unexpected");
    for (std::size_t i = 0; i < kind_names.size(); ++i) {
        std::printf("%-16s %12llu %12llu\n", kind_names[i],
                    static_cast<unsigned long long>(state.ok[i]),
                    static_cast<unsigned long long>(state.unexpected[i]));
    }
    for (auto const& f : state.first_failures) {
        std::printf("  unexpected: %s\n", f.c_str());
    }
    double const growth = out.baseline_kib == 0
                              ? 1.0
                              : (static_cast<double>(out.end_kib) - out.baseline_kib) /
                                    static_cast<double>(out.baseline_kib);
    std::printf("\nserver RSS: %zu KiB at %.1f s (baseline), %zu KiB at %.1f s (end), peak %zu "
                "KiB under load; growth %+.2f%% (allowed %.1f%%)\n",
                out.baseline_kib, out.baseline_at, out.end_kib, out.end_at, out.peak_kib,
                growth * 100, config.max_growth * 100);
    std::printf("load generator RSS at the end: %zu KiB; server exit status %d\n", client_kib,
                server_exit);

    std::size_t log_count = 0;
    auto const log_lines = unexpected_log_lines(config.server_log, log_count);
    for (auto const& line : log_lines) {
        std::printf("  server log: %s\n", line.c_str());
    }

    bool pass = true;
    if (log_count > 0) {
        std::printf("FAIL: %zu unexpected lines in the server log (%s)\n", log_count,
                    config.server_log.c_str());
        pass = false;
    }
    if (!load_failure.empty()) {
        std::printf("FAIL: the load stopped: %s\n", load_failure.c_str());
        pass = false;
    }
    if (growth > config.max_growth) {
        std::printf("FAIL: server RSS grew by %.2f%%\n", growth * 100);
        pass = false;
    }
    if (state.total_unexpected() > 0) {
        std::printf("FAIL: %llu unexpected outcomes\n",
                    static_cast<unsigned long long>(state.total_unexpected()));
        pass = false;
    }
    if (server_exit != 0) {
        std::printf("FAIL: the server exited with %d after SIGTERM\n", server_exit);
        pass = false;
    }
    std::printf("%s\n", pass ? "PASS" : "FAIL");
    return pass ? 0 : 1;
}
