// SPDX-License-Identifier: BSL-1.0
#include "bench/load_generator.hpp"
#include "cli.hpp"

#include <ahttp/client.hpp>
#include <ahttp/gather.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <ctime>
#include <exception>
#include <mutex>
#include <thread>

namespace ahttp::cli::bench {

namespace {

namespace client = ahttp::client;
using clock_type = std::chrono::steady_clock;

/// Shared by every thread of a run.
struct run_state {
    load_options const* options = nullptr;
    clock_type::time_point start{};
    clock_type::time_point deadline = clock_type::time_point::max();
    std::atomic<std::uint64_t> next{0}; // tickets: request numbers, in schedule order
    std::atomic<std::uint64_t> done{0}; // requests finished, for the progress bar
    std::atomic<bool> stop{false};
    std::atomic<bool> any_response{false};
    std::mutex mutex; // guards what follows
    std::string first_error;
    bool aborted = false;
    std::size_t threads_finished = 0;
    std::condition_variable finished;
};

/// One thread's counts; merged once the thread is done.
struct thread_tally {
    histogram latency;
    std::array<std::uint64_t, 600> statuses{};
    std::map<unsigned, std::uint64_t> odd_statuses; // outside 0..599
    std::uint64_t completed = 0;
    std::uint64_t bytes = 0;
    error_counts errors;
    std::optional<std::uint64_t> quota; // this thread's share of `requests`, when split
    std::vector<double> loop_seconds;
    double cpu_seconds = 0;
    clock_type::time_point end{};
    std::exception_ptr failure;
};

double thread_cpu_seconds()
{
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

/// The next request's intended send time, or nothing when the run is over. Without a rate the
/// intended time is now; with one, request k is due at start + k / rate (wrk2's schedule), so
/// a late response delays the send times after it but not their latency's starting point.
std::optional<clock_type::time_point> claim(run_state& s, thread_tally& t)
{
    if (s.stop.load(std::memory_order_relaxed)) {
        return std::nullopt;
    }
    load_options const& o = *s.options;
    std::uint64_t ticket = 0;
    if (t.quota) {
        if (*t.quota == 0) {
            return std::nullopt;
        }
        --*t.quota;
    } else {
        ticket = s.next.fetch_add(1, std::memory_order_relaxed);
        if (o.requests != 0 && ticket >= o.requests) {
            return std::nullopt;
        }
    }
    if (o.rate > 0) {
        auto const offset = std::chrono::nanoseconds{
            static_cast<std::int64_t>(static_cast<double>(ticket) * 1e9 / o.rate)};
        auto const intended = s.start + offset;
        // With -d, the run ends on time even when it is behind schedule (as wrk2's does).
        if (intended >= s.deadline || clock_type::now() >= s.deadline) {
            return std::nullopt;
        }
        return intended;
    }
    auto const now = clock_type::now();
    if (now >= s.deadline) {
        return std::nullopt;
    }
    return now;
}

/// The response head's size on the wire, rebuilt from what the client parsed.
std::uint64_t head_size(client::response const& response)
{
    std::uint64_t size = 17 + response.reason().size(); // "HTTP/1.1 200 " ... "\r\n" + "\r\n"
    for (auto const& [name, value] : response.headers()) {
        size += name.size() + value.size() + 4;
    }
    return size;
}

bool is_connect_failure(error_code const& code)
{
    namespace e = boost::asio::error;
    return code == e::connection_refused || code == e::host_not_found ||
           code == e::host_not_found_try_again || code == e::no_data ||
           code == e::host_unreachable || code == e::network_unreachable ||
           code == std::errc::address_not_available || code == std::errc::connection_refused;
}

enum class failure_kind { none, connect, timeout, read, other };

void count_failure(run_state& s, thread_tally& t, failure_kind kind, std::string message)
{
    switch (kind) {
    case failure_kind::connect:
        ++t.errors.connect;
        break;
    case failure_kind::timeout:
        ++t.errors.timeout;
        break;
    case failure_kind::read:
        ++t.errors.read;
        break;
    default:
        ++t.errors.other;
        break;
    }
    std::lock_guard lock{s.mutex};
    if (s.first_error.empty()) {
        s.first_error = std::move(message);
    }
    // A server that cannot be reached at all: stop at once rather than fail for -d seconds.
    if (kind == failure_kind::connect && !s.any_response.load(std::memory_order_relaxed)) {
        s.aborted = true;
        s.stop.store(true, std::memory_order_relaxed);
    }
}

/// Counts a response that arrived in full.
void record_response(run_state& s, thread_tally& t, client::response const& response,
                     std::uint64_t body_size, clock_type::time_point begin)
{
    t.latency.record(clock_type::now() - begin);
    ++t.completed;
    unsigned const status = response.status_code();
    if (status < t.statuses.size()) {
        ++t.statuses[status];
    } else {
        ++t.odd_statuses[status];
    }
    t.bytes += head_size(response) + body_size;
    s.any_response.store(true, std::memory_order_relaxed);
}

/// One request of the run. Without a body it has no request_options at all (the session's
/// defaults say it all); a body is copied per request (the session consumes it).
awaitable<client::response> send_one(client::session& session, load_options const& o)
{
    if (!o.body) {
        return session.request(o.method, o.url);
    }
    client::request_options request;
    request.data = *o.body;
    return session.request(o.method, o.url, std::move(request));
}

// Parameters by pointer into state that outlives every loop; no capturing lambdas (g++ 12).
// One coroutine per connection for the whole run, the request inline: no coroutine frame
// per request besides the client's own.
awaitable<void> request_loop(client::session* session, run_state* s, thread_tally* t)
{
    load_options const& o = *s->options;
    boost::asio::steady_timer timer{co_await boost::asio::this_coro::executor};
    auto const started = clock_type::now();
    while (auto const intended = claim(*s, *t)) {
        // Only a --rate schedule can put a request in the future (claim() read the clock).
        if (o.rate > 0 && *intended > clock_type::now()) {
            timer.expires_at(*intended);
            co_await timer.async_wait(boost::asio::use_awaitable);
        }
        failure_kind kind = failure_kind::none;
        std::string message;
        bool reading = false;
        try {
            // The choice is made in send_one(), not by a ?: inside this co_await: g++ 12
            // miscompiled that (it ran the branch not taken, then destroyed a frame twice).
            awaitable<client::response> sent = send_one(*session, o);
            client::response response = co_await std::move(sent);
            reading = true;
            // Streamed, not read(): a large body is counted, never gathered into one string
            // (c connections x a big body would be a lot of memory for nothing).
            std::uint64_t body_size = 0;
            while (!response.is_eof()) {
                std::string_view const chunk = co_await response.read_chunk();
                if (chunk.empty()) {
                    break;
                }
                body_size += chunk.size();
            }
            record_response(*s, *t, response, body_size, *intended);
        } catch (client::timeout_error const& e) {
            kind = failure_kind::timeout;
            message = e.what();
        } catch (client::tls_error const& e) {
            kind = failure_kind::connect;
            message = e.what();
        } catch (client::connection_error const& e) {
            kind = !reading && is_connect_failure(e.code()) ? failure_kind::connect
                                                            : failure_kind::read;
            message = e.what();
        } catch (client::payload_error const& e) {
            kind = failure_kind::read;
            message = e.what();
        } catch (std::exception const& e) {
            kind = failure_kind::other;
            message = e.what();
        }
        if (kind != failure_kind::none) {
            count_failure(*s, *t, kind, std::move(message));
        }
        s->done.fetch_add(1, std::memory_order_relaxed);
    }
    t->loop_seconds.push_back(std::chrono::duration<double>(clock_type::now() - started).count());
}

awaitable<void> drive(run_state* s, thread_tally* t, std::size_t loops, std::size_t limit)
{
    load_options const& o = *s->options;
    client::session_options options;
    for (auto const& [name, value] : o.headers) {
        options.headers.add(name, value);
    }
    if (!o.keepalive) {
        options.headers.set("Connection", "close");
        options.connector.force_close = true;
    }
    options.version_minor = o.http10 ? 0 : 1;
    options.timeout.total = std::chrono::duration_cast<clock_type::duration>(o.timeout);
    options.connector.limit = limit;
    options.auto_decompress = false; // a load generator counts bytes, it does not decode them
    options.allow_redirects = false; // as wrk: a redirect is a response like any other
    client::session session{co_await boost::asio::this_coro::executor, std::move(options)};
    std::vector<awaitable<void>> tasks;
    tasks.reserve(loops);
    for (std::size_t i = 0; i < loops; ++i) {
        tasks.push_back(request_loop(&session, s, t));
    }
    co_await ahttp::gather(std::move(tasks));
}

void thread_main(run_state* s, thread_tally* t, std::size_t loops, std::size_t limit)
{
    double const cpu = thread_cpu_seconds();
    try {
        ahttp::run(drive(s, t, loops, limit));
    } catch (...) {
        t->failure = std::current_exception();
        s->stop.store(true);
    }
    t->cpu_seconds = thread_cpu_seconds() - cpu;
    t->end = clock_type::now();
    std::lock_guard lock{s->mutex};
    ++s->threads_finished;
    s->finished.notify_all();
}

} // namespace

char const* to_string(load_mode mode) noexcept
{
    switch (mode) {
    case load_mode::threads:
        return "threads";
    case load_mode::serial:
        return "serial";
    default:
        return "async";
    }
}

void validate(load_options const& o)
{
    auto const url = boost::urls::parse_uri(o.url);
    if (!url || (url->scheme() != "http" && url->scheme() != "https") ||
        url->encoded_host().empty()) {
        throw usage_error("'" + o.url + "' is not an http:// or https:// URL");
    }
    if ((o.requests == 0) == (o.duration.count() == 0)) {
        throw usage_error("give either a number of requests (-n) or a duration (-d)");
    }
    if (o.duration.count() < 0) {
        throw usage_error("-d: the duration must be positive");
    }
    if (o.concurrency == 0) {
        throw usage_error("-c: the concurrency must be at least 1");
    }
    if (!(o.rate >= 0) || !std::isfinite(o.rate)) {
        throw usage_error("--rate: the rate must be a positive number of requests per second");
    }
    if (o.method == http::method::unknown || o.method == http::method::connect) {
        throw usage_error("-m: unsupported method");
    }
    if (o.timeout.count() <= 0) {
        throw usage_error("--timeout: the timeout must be positive");
    }
}

load_report run_load(load_options const& options)
{
    validate(options);
    std::size_t thread_count = 1;
    std::size_t loops = 1;
    std::size_t limit = 1;
    switch (options.mode) {
    case load_mode::async:
        loops = options.concurrency;
        limit = options.concurrency;
        break;
    case load_mode::threads:
        thread_count = options.threads != 0 ? options.threads : options.concurrency;
        break;
    case load_mode::serial:
        break;
    }

    run_state s;
    s.options = &options;
    std::vector<thread_tally> tallies(thread_count);
    if (options.mode == load_mode::threads && options.requests != 0 && options.rate == 0) {
        // Each thread gets its share up front, as a pool of clients each given a list would.
        for (std::size_t i = 0; i < thread_count; ++i) {
            tallies[i].quota =
                options.requests / thread_count + (i < options.requests % thread_count ? 1 : 0);
        }
    }
    s.start = clock_type::now();
    if (options.duration.count() != 0) {
        s.deadline = s.start + std::chrono::duration_cast<clock_type::duration>(options.duration);
    }
    std::vector<std::thread> workers;
    workers.reserve(thread_count);
    for (std::size_t i = 0; i < thread_count; ++i) {
        workers.emplace_back(thread_main, &s, &tallies[i], loops, limit);
    }
    {
        std::unique_lock lock{s.mutex};
        while (s.threads_finished < thread_count) {
            s.finished.wait_for(lock, std::chrono::milliseconds{100});
            if (options.on_progress) {
                lock.unlock();
                options.on_progress(s.done.load(std::memory_order_relaxed));
                lock.lock();
            }
        }
    }
    for (std::thread& w : workers) {
        w.join();
    }

    load_report report;
    clock_type::time_point end = s.start;
    for (thread_tally& t : tallies) {
        if (t.failure) {
            std::rethrow_exception(t.failure);
        }
        end = std::max(end, t.end);
        report.latency.merge(t.latency);
        report.completed += t.completed;
        report.bytes += t.bytes;
        report.errors.connect += t.errors.connect;
        report.errors.timeout += t.errors.timeout;
        report.errors.read += t.errors.read;
        report.errors.other += t.errors.other;
        for (unsigned code = 0; code < t.statuses.size(); ++code) {
            if (t.statuses[code] != 0) {
                report.status_counts[code] += t.statuses[code];
            }
        }
        for (auto const& [code, count] : t.odd_statuses) {
            report.status_counts[code] += count;
        }
        if (options.mode == load_mode::threads) {
            report.client_seconds.insert(report.client_seconds.end(), t.loop_seconds.begin(),
                                         t.loop_seconds.end());
        }
        report.cpu_seconds += t.cpu_seconds;
    }
    for (auto const& [code, count] : report.status_counts) {
        if (code >= 400) {
            report.http_errors += count;
        }
    }
    report.failed = report.errors.total();
    report.first_error = s.first_error;
    report.aborted = s.aborted;
    report.elapsed_seconds = std::chrono::duration<double>(end - s.start).count();
    return report;
}

} // namespace ahttp::cli::bench
