// SPDX-License-Identifier: BSL-1.0
// The load generator behind `ahttp bench` (and `ahttp demo`): runs requests against one URL
// in one of three shapes and returns what happened, latency histogram included.
#pragma once

#include "bench/histogram.hpp"

#include <ahttp/http/method.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ahttp::cli::bench {

/// How requests are sent.
enum class load_mode {
    async,   ///< one event loop, `concurrency` request loops sharing one session (limit =
             ///< concurrency)
    threads, ///< `threads` threads, each with its own event loop, session and one request loop
    serial,  ///< one request after another
};

/// "async", "threads", "serial".
char const* to_string(load_mode mode) noexcept;

/// What to send, how much, how fast. Exactly one of `requests` and `duration` is non-zero.
struct load_options {
    std::string url;
    std::uint64_t requests = 0;           ///< total requests; 0: run for `duration`
    std::chrono::nanoseconds duration{0}; ///< how long to send; 0: send `requests`
    std::size_t concurrency = 10; ///< async: request loops; threads: threads, unless `threads`
    load_mode mode = load_mode::async;
    std::size_t threads = 0; ///< threads mode: 0 means `concurrency`
    double rate = 0;         ///< total req/s (wrk2-style); 0: no limit
    http::method method = http::method::get;
    std::vector<std::pair<std::string, std::string>> headers{};
    std::optional<std::string> body{};
    bool keepalive = true; ///< false: Connection: close on every request
    bool http10 = false;   ///< HTTP/1.0 request lines (asking for keep-alive unless !keepalive)
    std::chrono::nanoseconds timeout{std::chrono::seconds{10}}; ///< per request, body included
    /// Called about ten times a second from the calling thread with the requests finished so
    /// far (for a progress bar); may be empty.
    std::function<void(std::uint64_t)> on_progress{};
};

/// Why requests failed (a response with status >= 400 is not a failure: see `http_errors`).
struct error_counts {
    std::uint64_t connect = 0; ///< refused, unreachable, DNS, TLS handshake
    std::uint64_t timeout = 0; ///< the per-request deadline passed
    std::uint64_t read = 0;    ///< reset or closed mid-response, malformed or truncated response
    std::uint64_t other = 0;
    std::uint64_t total() const noexcept { return connect + timeout + read + other; }
};

struct load_report {
    double elapsed_seconds = 0;  ///< from the first request sent to the last one finished
    std::uint64_t completed = 0; ///< responses read to their end, whatever their status
    std::uint64_t failed = 0;    ///< requests that ended in an exception (see `errors`)
    std::map<unsigned, std::uint64_t> status_counts{};
    std::uint64_t http_errors = 0; ///< responses with status >= 400 (counted in `completed`)
    std::uint64_t bytes = 0;       ///< response bytes: head (as reconstructed) and body
    error_counts errors{};
    std::string first_error{}; ///< the first failure's message, if any
    bool aborted = false;      ///< stopped early: could not connect before any response
    histogram latency{};       ///< per completed request; from the intended send time with a rate
    std::vector<double> client_seconds{}; ///< per request loop in threads mode: its run time
    double cpu_seconds = 0;               ///< CPU time (user + system) of the threads that sent
    double requests_per_second() const noexcept
    {
        return elapsed_seconds > 0 ? static_cast<double>(completed) / elapsed_seconds : 0.0;
    }
};

/// Checks the options as the command line would.
/// @throws cli::usage_error naming the first bad one (URL, counts, rate, mode/threads).
void validate(load_options const& options);

/// Runs the load and returns its report; blocks the calling thread (threads of its own do the
/// work, each on its own io_context, so it may be called beside a server in the same process).
/// A run where the server cannot be reached stops at the first connect error if no response
/// came before it: then `completed == 0`, `aborted` is set and `first_error` says why.
/// @throws cli::usage_error for options validate() rejects.
load_report run_load(load_options const& options);

} // namespace ahttp::cli::bench
