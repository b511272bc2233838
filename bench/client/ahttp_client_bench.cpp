// SPDX-License-Identifier: BSL-1.0
// The client measured by bench/client/run.sh: N GETs from C coroutines sharing one
// client::session on one io_context; prints one JSON line.
//
//   ahttp_client_bench URL [URL...] -n 20000 -c 100 [--limit L] [--timeout S]
//
// Request i goes to URL[i % number of URLs]. Each coroutine takes the next request number,
// awaits the response, reads its body to the end (so the connection goes back to the pool) and
// counts its status; exceptions are counted as errors. --limit is the connector's `limit`
// (default: C, at least 1); --timeout the `total` deadline of each request in seconds
// (default 30). Only public headers are used.
#include <ahttp/client.hpp>
#include <ahttp/gather.hpp>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <map>
#include <string>
#include <string_view>
#include <sys/resource.h>
#include <utility>
#include <vector>

namespace client = ahttp::client;

namespace {

struct config {
    std::vector<std::string> urls;
    std::size_t requests = 20000;
    std::size_t concurrency = 100;
    std::size_t limit = 0; // 0: same as concurrency
    double timeout_s = 30.0;
};

// One io_context, one thread: the workers share these counters without locks.
struct tally {
    std::size_t next = 0;
    std::size_t total = 0;
    std::size_t responses = 0;
    std::size_t errors = 0;
    std::size_t body_bytes = 0;
    std::map<unsigned, std::size_t> statuses;
    std::string first_error;
};

double cpu_seconds()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    auto const seconds = [](timeval const& tv) {
        return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
    };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Parameters by value (pointers to state owned by the caller), no capturing lambdas: see
// docs/guide/client.md on g++ 12 and coroutines.
ahttp::awaitable<void> worker(client::session* session, std::vector<std::string> const* urls,
                              tally* t)
{
    while (t->next < t->total) {
        std::size_t const i = t->next++;
        try {
            client::response response = co_await session->get((*urls)[i % urls->size()]);
            std::string const body = co_await response.read();
            ++t->responses;
            ++t->statuses[response.status_code()];
            t->body_bytes += body.size();
        } catch (std::exception const& e) {
            ++t->errors;
            if (t->first_error.empty()) {
                t->first_error = e.what();
            }
        }
    }
}

ahttp::awaitable<void> run_all(config cfg, tally* t)
{
    auto executor = co_await boost::asio::this_coro::executor;
    auto const timeout = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>{cfg.timeout_s});
    client::session_options options{.timeout = {.total = timeout},
                                    .connector = {.limit = cfg.limit}};
    client::session session{executor, std::move(options)};
    std::vector<ahttp::awaitable<void>> workers;
    workers.reserve(cfg.concurrency);
    for (std::size_t i = 0; i < cfg.concurrency; ++i) {
        workers.push_back(worker(&session, &cfg.urls, t));
    }
    co_await ahttp::gather(std::move(workers));
}

[[noreturn]] void usage(char const* why)
{
    std::fprintf(stderr,
                 "ahttp_client_bench: %s\n"
                 "usage: ahttp_client_bench URL [URL...] [-n REQUESTS] [-c CONCURRENCY] "
                 "[--limit CONNECTIONS] [--timeout SECONDS]\n",
                 why);
    std::exit(2);
}

std::size_t parse_count(char const* text, char const* what)
{
    char* end = nullptr;
    unsigned long long const value = std::strtoull(text, &end, 10);
    if (end == text || *end != '\0' || value == 0) {
        usage(what);
    }
    return static_cast<std::size_t>(value);
}

config parse_args(int argc, char** argv)
{
    config cfg;
    for (int i = 1; i < argc; ++i) {
        std::string_view const arg = argv[i];
        bool const has_value = i + 1 < argc;
        if (arg == "-n" && has_value) {
            cfg.requests = parse_count(argv[++i], "-n needs a positive number");
        } else if (arg == "-c" && has_value) {
            cfg.concurrency = parse_count(argv[++i], "-c needs a positive number");
        } else if (arg == "--limit" && has_value) {
            cfg.limit = parse_count(argv[++i], "--limit needs a positive number");
        } else if (arg == "--timeout" && has_value) {
            char* end = nullptr;
            cfg.timeout_s = std::strtod(argv[++i], &end);
            if (*end != '\0' || !(cfg.timeout_s > 0)) {
                usage("--timeout needs a positive number of seconds");
            }
        } else if (arg.starts_with("-")) {
            usage("unknown option or missing value");
        } else {
            cfg.urls.emplace_back(arg);
        }
    }
    if (cfg.urls.empty()) {
        usage("no URL");
    }
    if (cfg.limit == 0) {
        cfg.limit = cfg.concurrency;
    }
    return cfg;
}

} // namespace

int main(int argc, char** argv)
{
    config const cfg = parse_args(argc, argv);
    tally t;
    t.total = cfg.requests;

    double const cpu0 = cpu_seconds();
    auto const start = std::chrono::steady_clock::now();
    std::string failure;
    try {
        ahttp::run(run_all(cfg, &t));
    } catch (std::exception const& e) {
        failure = e.what();
    }
    double const seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double const cpu = cpu_seconds() - cpu0;

    boost::json::object statuses;
    for (auto const& [code, count] : t.statuses) {
        statuses[std::to_string(code)] = count;
    }
    boost::json::object out;
    out["requests"] = t.responses;
    out["errors"] = t.errors;
    out["seconds"] = seconds;
    out["rps"] = seconds > 0 ? static_cast<double>(t.responses) / seconds : 0.0;
    out["cpu_seconds"] = cpu;
    out["concurrency"] = cfg.concurrency;
    out["limit"] = cfg.limit;
    out["body_bytes"] = t.body_bytes;
    out["statuses"] = std::move(statuses);
    if (!t.first_error.empty()) {
        out["first_error"] = t.first_error;
    }
    if (!failure.empty()) {
        out["failure"] = failure;
    }
    std::printf("%s\n", boost::json::serialize(out).c_str());
    return failure.empty() && t.errors == 0 ? 0 : 1;
}
