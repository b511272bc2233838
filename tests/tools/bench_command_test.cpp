// SPDX-License-Identifier: BSL-1.0
// `ahttp bench` as a user runs it, against an ahttp server in this process that counts what it
// receives: exact request counts in every mode, JSON and SVG output, a held rate, headers and
// bodies, error statuses, connection errors and bad arguments; and run_load() in-process, as
// `ahttp demo` calls it.
#include "bench/load_generator.hpp"
#include "support/ports.hpp"
#include "support/process.hpp"

#include <ahttp/sleep.hpp>
#include <ahttp/testing/test_server.hpp>
#include <ahttp/web.hpp>

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <arpa/inet.h>
#include <atomic>
#include <filesystem>
#include <netinet/in.h>
#include <regex>
#include <string>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace web = ahttp::web;
namespace json = boost::json;
namespace fs = std::filesystem;
using ahttp::test::run_process;

std::atomic<std::uint64_t> hits{0};
std::atomic<std::uint64_t> good_posts{0};
std::atomic<std::uint64_t> closing{0};
std::atomic<std::uint64_t> http10_keepalive{0};

ahttp::awaitable<web::response> count(web::request& request)
{
    hits.fetch_add(1);
    if (request.version_minor() == 0 &&
        request.headers().value_or("Connection", "") == "keep-alive") {
        http10_keepalive.fetch_add(1);
    }
    if (request.headers().value_or("Connection", "") == "close") {
        closing.fetch_add(1);
    }
    co_return web::response::text("hello");
}

ahttp::awaitable<web::response> echo(web::request& request)
{
    std::string const body = co_await request.read();
    if (body == "payload" && request.headers().value_or("X-Bench", "") == "yes") {
        good_posts.fetch_add(1);
    }
    co_return web::response::text(body);
}

ahttp::awaitable<web::response> big(web::request&)
{
    co_return web::response::text(std::string(std::size_t{1} << 20, 'x'));
}

std::atomic<std::uint64_t> flaky_calls{0};

/// Every other request answers too late for a 100 ms timeout.
ahttp::awaitable<web::response> flaky(web::request&)
{
    if (flaky_calls.fetch_add(1) % 2 == 1) {
        co_await ahttp::sleep(400ms);
    }
    co_return web::response::text("late or not");
}

std::size_t line_count(std::string const& text)
{
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

class BenchCommandTest : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        app_ = new web::application;
        app_->router().add_get("/", count);
        app_->router().add_post("/echo", echo);
        app_->router().add_get("/flaky", flaky);
        app_->router().add_get("/big", big);
        server_ = new ahttp::testing::test_server{*app_};
    }
    static void TearDownTestSuite()
    {
        delete server_;
        delete app_;
    }
    void SetUp() override
    {
        hits = 0;
        good_posts = 0;
        closing = 0;
        http10_keepalive = 0;
    }

    static std::vector<std::string> bench(std::vector<std::string> args)
    {
        args.insert(args.begin(), {AHTTP_TOOL, "bench"});
        return args;
    }

    /// Runs the tool with --json and returns the parsed summary (null on failure).
    static json::object run_json(std::vector<std::string> args)
    {
        args.push_back("--json");
        auto const result = run_process(bench(std::move(args)), {}, 30s);
        EXPECT_EQ(result.exit_code, 0) << result.err;
        EXPECT_EQ(line_count(result.out), 1u) << result.out;
        boost::system::error_code ec;
        json::value v = json::parse(result.out, ec);
        EXPECT_FALSE(ec) << result.out;
        return ec || !v.is_object() ? json::object{} : v.as_object();
    }

    static inline web::application* app_ = nullptr;
    static inline ahttp::testing::test_server* server_ = nullptr;
};

TEST_F(BenchCommandTest, CountsEveryRequestTheServerSawInEachMode)
{
    for (std::string const mode : {"async", "threads", "serial"}) {
        hits = 0;
        json::object const out =
            run_json({"-n", "500", "-c", "10", "--mode", mode, server_->url("/")});
        ASSERT_FALSE(out.empty()) << mode;
        EXPECT_EQ(out.at("completed").to_number<std::uint64_t>(), 500u) << mode;
        EXPECT_EQ(hits.load(), 500u) << mode;
        EXPECT_EQ(out.at("failed").to_number<std::uint64_t>(), 0u) << mode;
        EXPECT_EQ(out.at("status").at("200").to_number<std::uint64_t>(), 500u) << mode;
        EXPECT_EQ(out.at("mode").as_string(), mode);
    }
}

TEST_F(BenchCommandTest, PrintsAWrkStyleSummary)
{
    auto const result = run_process(bench({"-n", "200", "-c", "4", server_->url("/")}), {}, 30s);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_TRUE(result.err.empty()) << result.err; // not a TTY: no progress bar
    for (char const* text :
         {"Running 200 requests @ ", "Latency distribution", "99.900%", "200 requests in ",
          "Requests/sec:", "Transfer/sec:", "Status codes: 200: 200"}) {
        EXPECT_NE(result.out.find(text), std::string::npos) << text << "\n" << result.out;
    }
    EXPECT_EQ(hits.load(), 200u);
}

TEST_F(BenchCommandTest, JsonHasTheExpectedKeysAndNumbers)
{
    json::object const out = run_json({"-n", "300", "-c", "5", server_->url("/")});
    ASSERT_FALSE(out.empty());
    for (char const* key : {"url", "mode", "concurrency", "threads", "rate", "elapsed_s",
                            "completed", "failed", "requests_per_sec", "bytes", "bytes_per_sec",
                            "latency_us", "status", "errors", "cpu_s", "cpu_us_per_request"}) {
        EXPECT_TRUE(out.contains(key)) << key;
    }
    json::object const& latency = out.at("latency_us").as_object();
    double const p50 = latency.at("p50").to_number<double>();
    double const p99 = latency.at("p99").to_number<double>();
    double const max = latency.at("max").to_number<double>();
    EXPECT_GT(p50, 0.0);
    EXPECT_LE(p50, p99);
    EXPECT_LE(p99, max);
    EXPECT_GT(out.at("requests_per_sec").to_number<double>(), 0.0);
    EXPECT_GT(out.at("bytes").to_number<std::uint64_t>(), 300u * 5); // at least the bodies
    for (char const* key : {"connect", "timeout", "read", "other", "status_4xx_5xx"}) {
        EXPECT_EQ(out.at("errors").at(key).to_number<std::uint64_t>(), 0u) << key;
    }
    EXPECT_TRUE(out.at("rate").is_null());
}

TEST_F(BenchCommandTest, PlotIsAnSvgDocument)
{
    fs::path const dir = fs::temp_directory_path() / ("ahttp-bench-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::string const plot = (dir / "latency.svg").string();
    std::string const sweep = (dir / "sweep.svg").string();
    auto r =
        run_process(bench({"-n", "200", "-c", "4", "--plot", plot, server_->url("/")}), {}, 30s);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    r = run_process(bench({"--clients", "1..2", "-n", "20", "--plot", sweep, server_->url("/")}),
                    {}, 30s);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    for (std::string const& file : {plot, sweep}) {
        auto const parsed = run_process(
            {ahttp::test::system_python, "-c",
             "import sys, xml.etree.ElementTree as E; print(E.parse(sys.argv[1]).getroot().tag)",
             file},
            {}, 30s);
        EXPECT_EQ(parsed.exit_code, 0) << file << ": " << parsed.err;
        EXPECT_EQ(parsed.out, "{http://www.w3.org/2000/svg}svg\n") << file;
    }
    std::error_code ignored;
    fs::remove_all(dir, ignored);
}

TEST_F(BenchCommandTest, HoldsAConstantRate)
{
    json::object const out = run_json({"--rate", "200", "-d", "2s", "-c", "10", server_->url("/")});
    ASSERT_FALSE(out.empty());
    double const achieved = out.at("requests_per_sec").to_number<double>();
    EXPECT_NEAR(achieved, 200.0, 20.0);
    EXPECT_NEAR(static_cast<double>(out.at("completed").to_number<std::uint64_t>()), 400.0, 40.0);
    EXPECT_EQ(out.at("rate").to_number<double>(), 200.0);
}

TEST_F(BenchCommandTest, SendsHeadersAndBody)
{
    json::object const out = run_json(
        {"-n", "50", "-c", "5", "-H", "X-Bench: yes", "--body", "payload", server_->url("/echo")});
    ASSERT_FALSE(out.empty());
    EXPECT_EQ(out.at("status").at("200").to_number<std::uint64_t>(), 50u);
    EXPECT_EQ(good_posts.load(), 50u); // POST, since a body was given
}

TEST_F(BenchCommandTest, NoKeepaliveSendsConnectionClose)
{
    json::object const out = run_json({"-n", "40", "-c", "4", "--no-keepalive", server_->url("/")});
    ASSERT_FALSE(out.empty());
    EXPECT_EQ(out.at("completed").to_number<std::uint64_t>(), 40u);
    EXPECT_EQ(closing.load(), 40u);
}

TEST_F(BenchCommandTest, Http10SendsHttp10RequestsAskingForKeepAlive)
{
    json::object const out = run_json({"-n", "40", "-c", "4", "--http1.0", server_->url("/")});
    ASSERT_FALSE(out.empty());
    EXPECT_EQ(out.at("completed").to_number<std::uint64_t>(), 40u);
    EXPECT_EQ(http10_keepalive.load(), 40u);
}

TEST_F(BenchCommandTest, CountsErrorStatusesApartFromFailures)
{
    json::object const out = run_json({"-n", "30", "-c", "3", server_->url("/missing")});
    ASSERT_FALSE(out.empty());
    EXPECT_EQ(out.at("completed").to_number<std::uint64_t>(), 30u);
    EXPECT_EQ(out.at("status").at("404").to_number<std::uint64_t>(), 30u);
    EXPECT_EQ(out.at("errors").at("status_4xx_5xx").to_number<std::uint64_t>(), 30u);
    EXPECT_EQ(out.at("failed").to_number<std::uint64_t>(), 0u);
}

TEST_F(BenchCommandTest, CountsLargeBodies)
{
    json::object const out = run_json({"-n", "20", "-c", "4", server_->url("/big")});
    ASSERT_FALSE(out.empty());
    EXPECT_EQ(out.at("completed").to_number<std::uint64_t>(), 20u);
    std::uint64_t const bytes = out.at("bytes").to_number<std::uint64_t>();
    EXPECT_GE(bytes, 20u << 20);
    EXPECT_LT(bytes, (20u << 20) + 20u * 1024); // heads are small
}

TEST_F(BenchCommandTest, PartialFailuresStillGiveASummary)
{
    flaky_calls = 0;
    auto const result = run_process(
        bench({"-n", "20", "-c", "4", "--timeout", "100ms", server_->url("/flaky")}), {}, 30s);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(result.out.find("10 requests in "), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("Socket errors: connect 0, read 0, timeout 10, other 0"),
              std::string::npos)
        << result.out;
    EXPECT_EQ(flaky_calls.load(), 20u);
}

TEST_F(BenchCommandTest, SweepPrintsOneRowPerClientCount)
{
    auto const result =
        run_process(bench({"--clients", "1..3", "-n", "50", server_->url("/")}), {}, 30s);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    std::regex const row{R"(^\s*(\d+)\s+[0-9.]+s\s+[0-9.]+\s+0$)"};
    std::vector<std::string> clients;
    std::istringstream lines{result.out};
    for (std::string line; std::getline(lines, line);) {
        std::smatch m;
        if (std::regex_match(line, m, row)) {
            clients.push_back(m[1]);
        }
    }
    EXPECT_EQ(clients, (std::vector<std::string>{"1", "2", "3"})) << result.out;
    EXPECT_EQ(hits.load(), 50u * (1 + 2 + 3));
}

TEST_F(BenchCommandTest, ConnectionRefusedIsOneLineAndFails)
{
    std::string const url = "http://127.0.0.1:" + std::to_string(ahttp::test::free_port()) + "/";
    for (std::vector<std::string> const& args : {std::vector<std::string>{"-n", "100", url},
                                                 {"-d", "5s", "-c", "20", url},
                                                 {"--clients", "1..3", "-n", "10", url}}) {
        auto const result = run_process(bench(args), {}, 30s);
        EXPECT_EQ(result.exit_code, 1) << result.err;
        EXPECT_EQ(line_count(result.err), 1u) << result.err;
        EXPECT_EQ(result.err.rfind("ahttp: ", 0), 0u) << result.err;
    }
}

TEST_F(BenchCommandTest, BadArgumentsGiveOneLineAndExitTwo)
{
    std::string const url = server_->url("/");
    for (std::vector<std::string> const& args : std::vector<std::vector<std::string>>{
             {"-c", "0", url},
             {"-n", "0", url},
             {"-n", "10", "-d", "1s", url},
             {"-d", "soon", url},
             {"not a url"},
             {"ftp://127.0.0.1/"},
             {"--rate", "0", "-n", "10", url},
             {"--rate", "-5", "-n", "10", url},
             {"--mode", "fibers", "-n", "10", url},
             {"--body-file", "/nonexistent/ahttp-body", "-n", "10", url},
             {"--body", "x", "--body-file", "/etc/hostname", "-n", "10", url},
             {"-H", "no colon", "-n", "10", url},
             {"-m", "BREW", "-n", "10", url},
             {"--clients", "3..1", url},
             {"--clients", "1..2", "-d", "1s", url},
             {"--timeout", "0", "-n", "10", url},
             {"--plot", "/nonexistent/dir/out.svg", "-n", "10", url},
         }) {
        auto const result = run_process(bench(args), {}, 30s);
        std::string joined;
        for (auto const& a : args) {
            joined += a + ' ';
        }
        EXPECT_EQ(result.exit_code, 2) << joined << "\n" << result.err;
        EXPECT_EQ(line_count(result.err), 1u) << joined << "\n" << result.err;
        EXPECT_EQ(result.err.rfind("ahttp: ", 0), 0u) << joined << "\n" << result.err;
        EXPECT_TRUE(result.out.empty()) << joined << "\n" << result.out;
    }
    EXPECT_EQ(hits.load(), 0u);
}

TEST_F(BenchCommandTest, RunLoadInProcessForTheDemo)
{
    ahttp::cli::bench::load_options options;
    options.url = server_->url("/");
    options.requests = 200;
    options.concurrency = 8;
    ahttp::cli::bench::load_report const report = ahttp::cli::bench::run_load(options);
    EXPECT_EQ(report.completed, 200u);
    EXPECT_EQ(report.failed, 0u);
    EXPECT_EQ(report.status_counts.at(200), 200u);
    EXPECT_EQ(report.latency.count(), 200u);
    EXPECT_GT(report.elapsed_seconds, 0.0);
    EXPECT_GT(report.bytes, 200u * 5);
    EXPECT_EQ(hits.load(), 200u);

    options.mode = ahttp::cli::bench::load_mode::threads;
    options.threads = 4;
    ahttp::cli::bench::load_report const threaded = ahttp::cli::bench::run_load(options);
    EXPECT_EQ(threaded.completed, 200u);
    EXPECT_EQ(threaded.client_seconds.size(), 4u);
}

} // namespace
