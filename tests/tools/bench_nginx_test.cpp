// SPDX-License-Identifier: BSL-1.0
// `ahttp bench` against nginx: the requests the tool reports are the lines of nginx's access log.
#include "support/ports.hpp"
#include "support/process.hpp"
#include "support/running_process.hpp"

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <arpa/inet.h>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using ahttp::test::accepts_connections;
using ahttp::test::free_port;
using ahttp::test::run_process;
using ahttp::test::running_process;

std::size_t lines_of(fs::path const& file)
{
    std::ifstream in{file};
    return static_cast<std::size_t>(
        std::count(std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}, '\n'));
}

TEST(BenchNginxTest, ReportedCountMatchesTheAccessLog)
{
    if (!fs::exists("/usr/sbin/nginx")) {
        GTEST_SKIP() << "nginx is not installed";
    }
    std::string pattern = (fs::temp_directory_path() / "ahttp-bench-nginx-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    fs::path const dir = pattern;
    std::string const d = dir.string();
    std::uint16_t const port = free_port();
    std::ofstream{dir / "nginx.conf"}
        << "daemon off; master_process off; worker_processes 1; pid " << d
        << "/nginx.pid; error_log " << d << "/error.log;\nevents { worker_connections 256; }\n"
        << "http {\n  access_log " << d << "/access.log; client_body_temp_path " << d
        << "; proxy_temp_path " << d << "; fastcgi_temp_path " << d << "; uwsgi_temp_path " << d
        << "; scgi_temp_path " << d << ";\n  keepalive_requests 100000;\n"
        << "  server { listen 127.0.0.1:" << port
        << "; location / { default_type text/plain; return 200 \"hello\"; } }\n}\n";
    auto nginx = std::make_unique<running_process>(std::vector<std::string>{
        "/usr/sbin/nginx", "-p", d, "-c", d + "/nginx.conf", "-e", d + "/error.log"});
    auto const deadline = std::chrono::steady_clock::now() + 10s;
    while (!accepts_connections(port) && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(20ms);
    }
    ASSERT_TRUE(accepts_connections(port)) << "nginx did not start";
    std::size_t const probes = lines_of(dir / "access.log"); // accepts() sends no request

    std::string const url = "http://127.0.0.1:" + std::to_string(port) + "/";
    for (std::string const mode : {"async", "threads"}) {
        std::size_t const before = lines_of(dir / "access.log");
        auto const result = run_process(
            {AHTTP_TOOL, "bench", "-n", "500", "-c", "10", "--mode", mode, "--json", url}, {}, 30s);
        ASSERT_EQ(result.exit_code, 0) << result.err;
        auto const out = boost::json::parse(result.out).as_object();
        EXPECT_EQ(out.at("completed").to_number<std::uint64_t>(), 500u) << mode;
        // nginx logs a request after its response is sent, so the last lines may trail the
        // tool's exit by a moment: wait for them (bounded), then expect no more and no fewer.
        auto const logged = [&] { return lines_of(dir / "access.log") - before; };
        auto const log_deadline = std::chrono::steady_clock::now() + 5s;
        while (logged() < 500u && std::chrono::steady_clock::now() < log_deadline) {
            std::this_thread::sleep_for(10ms);
        }
        std::this_thread::sleep_for(50ms);
        EXPECT_EQ(logged(), 500u) << mode;
    }
    EXPECT_EQ(probes, 0u);
    nginx.reset();
    std::error_code ignored;
    fs::remove_all(dir, ignored);
}

} // namespace
