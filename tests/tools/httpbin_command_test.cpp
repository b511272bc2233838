// SPDX-License-Identifier: BSL-1.0
// The `ahttp httpbin` binary as a child process: it prints run_app's banner with the port it
// bound (--port 0), serves, and stops cleanly (exit 0) on SIGINT and on SIGTERM.
#include "support/process.hpp"
#include "support/running_process.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <regex>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
using ahttp::test::running_process;

/// Starts `ahttp httpbin --port 0 <extra>` and returns its port (0 if no banner came).
int start(running_process& process)
{
    auto const banner = process.wait_for_stdout(
        std::regex{R"(======== Running on http://127\.0\.0\.1:(\d+) ========)"}, 15s);
    return banner ? std::stoi((*banner)[1].str()) : 0;
}

std::string curl(std::string const& url)
{
    ahttp::test::process_result const run =
        ahttp::test::run_process({"curl", "-s", "-S", "--max-time", "10", url}, {}, 15s);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    return run.out;
}

void serves_then_stops_on(int signal_number)
{
    running_process tool{{AHTTP_TOOL, "httpbin", "--host", "127.0.0.1", "--port", "0"}};
    int const port = start(tool);
    ASSERT_NE(port, 0) << "no banner; stdout: " << tool.out() << " stderr: " << tool.err();

    std::string const base = "http://127.0.0.1:" + std::to_string(port);
    std::string const body = curl(base + "/get?from=binary");
    EXPECT_NE(body.find(R"("from":"binary")"), std::string::npos) << body;
    EXPECT_NE(body.find(R"("url":")" + base + "/get?from=binary\""), std::string::npos) << body;
    // The access log is on by default: one line per request on stderr.
    EXPECT_TRUE(tool.wait_for_stderr("GET /get?from=binary", 5s)) << tool.err();

    tool.signal(signal_number);
    EXPECT_EQ(tool.wait_exit(15s), 0)
        << "signal " << tool.signalled() << "; stderr: " << tool.err();
}

TEST(HttpbinCommandTest, ServesAndStopsCleanlyOnSigint)
{
    serves_then_stops_on(SIGINT);
}

TEST(HttpbinCommandTest, StopsCleanlyOnSigtermWithSeveralWorkers)
{
    running_process tool{{AHTTP_TOOL, "httpbin", "--port", "0", "--workers", "2", "--quiet"}};
    int const port = start(tool);
    ASSERT_NE(port, 0) << tool.err();
    std::string const body = curl("http://127.0.0.1:" + std::to_string(port) + "/ip");
    EXPECT_EQ(body, "{\"origin\":\"127.0.0.1\"}\n");
    tool.signal(SIGTERM);
    EXPECT_EQ(tool.wait_exit(15s), 0) << tool.err();
    EXPECT_EQ(tool.err().find("GET /ip"), std::string::npos) << "--quiet still logged";
}

TEST(HttpbinCommandTest, RefusesABadPortWithUsageStatus)
{
    ahttp::test::process_result const run =
        ahttp::test::run_process({AHTTP_TOOL, "httpbin", "--port", "70000"}, {}, 10s);
    EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
    EXPECT_NE(run.err.find("port"), std::string::npos) << run.err;
}

TEST(HttpbinCommandTest, ReportsAPortInUseInOneLine)
{
    running_process first{{AHTTP_TOOL, "httpbin", "--port", "0", "--quiet"}};
    int const port = start(first);
    ASSERT_NE(port, 0) << first.err();
    ahttp::test::process_result const second = ahttp::test::run_process(
        {AHTTP_TOOL, "httpbin", "--port", std::to_string(port), "--quiet"}, {}, 10s);
    EXPECT_EQ(second.exit_code, 1) << second.out << second.err;
    EXPECT_EQ(std::count(second.err.begin(), second.err.end(), '\n'), 1) << second.err;
    first.signal(SIGINT);
    EXPECT_EQ(first.wait_exit(15s), 0);
}

} // namespace
