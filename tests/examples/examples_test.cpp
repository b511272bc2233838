// SPDX-License-Identifier: BSL-1.0
// Smoke runs of the example programs as child processes: each server is started on port 0,
// found through its banner, asked over 127.0.0.1, stopped with SIGINT, and must exit 0.
// The demo runs to completion. The binaries' paths come from CMake (AHTTP_EXAMPLE_*).
#include "support/app_process.hpp"
#include "support/process.hpp"
#include "support/raw_client.hpp"
#include "support/running_process.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <optional>
#include <poll.h>
#include <regex>
#include <spawn.h>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;
using ahttp::test::running_process;
using ahttp::test::stop_cleanly;
using ahttp::test::wait_for_banner;

TEST(ExamplesTest, ServerHelloAnswersAndStopsOnSigint)
{
    running_process server{{AHTTP_EXAMPLE_SERVER_HELLO, "0"}};
    auto const port = wait_for_banner(server);
    ASSERT_NE(port, 0);
    EXPECT_NE(server.out().find("(Press CTRL+C to quit)"), std::string::npos) << server.out();

    auto const root = ahttp::test::request(port, "GET", "/");
    EXPECT_EQ(root.status, 200);
    EXPECT_EQ(root.body, "Hello, World!");
    EXPECT_EQ(root.header("Content-Type"), "text/plain; charset=utf-8");
    auto const named = ahttp::test::request(port, "GET", "/Ada%20Lovelace");
    EXPECT_EQ(named.status, 200);
    EXPECT_EQ(named.body, "Hello, Ada Lovelace!\n");
    EXPECT_EQ(ahttp::test::request(port, "GET", "/a/b").status, 404);

    // run_app logs every request on stderr in aiohttp's default format.
    EXPECT_TRUE(server.wait_for_stderr(R"("GET /a/b HTTP/1.1" 404)", 5s)) << server.err();
    std::regex const line{
        R"((^|\n)127\.0\.0\.1 \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d \+0000\] "GET /Ada%20Lovelace HTTP/1\.1" 200 21 "-" "-"\n)"};
    EXPECT_TRUE(std::regex_search(server.err(), line)) << server.err();

    stop_cleanly(server);
}

TEST(ExamplesTest, ServerHelloStopsOnSigintWithAnOpenKeepAliveConnection)
{
    running_process server{{AHTTP_EXAMPLE_SERVER_HELLO, "0"}};
    auto const port = wait_for_banner(server);
    ASSERT_NE(port, 0);
    ahttp::test::raw_client client{port};
    client.send("GET /idle HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(ahttp::test::parse_response(client.read_response()).body, "Hello, idle!\n");
    stop_cleanly(server);
    EXPECT_TRUE(client.closed_by_peer());
}

TEST(ExamplesTest, ServerHelloReportsAPortInUse)
{
    running_process first{{AHTTP_EXAMPLE_SERVER_HELLO, "0"}};
    auto const port = wait_for_banner(first);
    ASSERT_NE(port, 0);
    auto const second =
        ahttp::test::run_process({AHTTP_EXAMPLE_SERVER_HELLO, std::to_string(port)}, {}, 20s);
    EXPECT_FALSE(second.timed_out);
    EXPECT_NE(second.exit_code, 0);
    EXPECT_NE(second.err.find("127.0.0.1:" + std::to_string(port)), std::string::npos)
        << second.err;
    EXPECT_EQ(second.out.find("Running on"), std::string::npos) << second.out;
    stop_cleanly(first);
}

TEST(ExamplesTest, ServerNameRouteAnswersJsonAndQuery)
{
    running_process server{{AHTTP_EXAMPLE_SERVER_NAME_ROUTE, "0"}};
    auto const port = wait_for_banner(server);
    ASSERT_NE(port, 0);

    // One worker per core share the port: ask enough times to reach more than one.
    for (int i = 0; i < 8; ++i) {
        auto const user = ahttp::test::request(port, "GET", "/users/" + std::to_string(40 + i));
        EXPECT_EQ(user.status, 200);
        EXPECT_EQ(user.header("Content-Type"), "application/json");
        EXPECT_EQ(user.body, R"({"id":)" + std::to_string(40 + i) + R"(,"name":"user)" +
                                 std::to_string(40 + i) + R"("})");
    }
    EXPECT_EQ(ahttp::test::request(port, "GET", "/Ada").body, "Hello, Ada!");
    EXPECT_EQ(ahttp::test::request(port, "GET", "/Ada?greeting=Bonjour").body, "Bonjour, Ada!");
    // {id:\d+} refuses letters; /{name} takes one segment only.
    EXPECT_EQ(ahttp::test::request(port, "GET", "/users/abc").status, 404);

    stop_cleanly(server);
}

TEST(ExamplesTest, ClientGetFetchesFromServerHello)
{
    running_process server{{AHTTP_EXAMPLE_SERVER_HELLO, "0"}};
    auto const port = wait_for_banner(server);
    ASSERT_NE(port, 0);
    std::string const base = "http://127.0.0.1:" + std::to_string(port);

    auto const ok = ahttp::test::run_process({AHTTP_EXAMPLE_CLIENT_GET, base + "/"}, {}, 30s);
    EXPECT_EQ(ok.exit_code, 0) << ok.err;
    EXPECT_EQ(ok.out, "200 OK\n13 bytes\n");
    // Wrong usage: one line, exit 2. A refused connection: one line, exit 1.
    auto const usage = ahttp::test::run_process({AHTTP_EXAMPLE_CLIENT_GET}, {}, 30s);
    EXPECT_EQ(usage.exit_code, 2);
    stop_cleanly(server);
    auto const refused = ahttp::test::run_process({AHTTP_EXAMPLE_CLIENT_GET, base + "/"}, {}, 30s);
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_NE(refused.err.find("failed: "), std::string::npos) << refused.err;
}

TEST(ExamplesTest, WebsocketClientTalksToTheEchoServer)
{
    running_process server{{AHTTP_EXAMPLE_WEBSOCKET_ECHO_SERVER, "0"}};
    auto const port = wait_for_banner(server);
    ASSERT_NE(port, 0);
    std::string const url = "ws://127.0.0.1:" + std::to_string(port) + "/echo";

    auto const ok = ahttp::test::run_process(
        {AHTTP_EXAMPLE_WEBSOCKET_CLIENT, url, "hello", "wörld", "three"}, {}, 30s);
    EXPECT_EQ(ok.exit_code, 0) << ok.err;
    EXPECT_EQ(ok.out, "hello\nwörld\nthree\n");
    auto const usage = ahttp::test::run_process({AHTTP_EXAMPLE_WEBSOCKET_CLIENT}, {}, 30s);
    EXPECT_EQ(usage.exit_code, 2);
    auto const not_ws = ahttp::test::run_process(
        {AHTTP_EXAMPLE_WEBSOCKET_CLIENT, "ws://127.0.0.1:" + std::to_string(port) + "/nope"}, {},
        30s);
    EXPECT_EQ(not_ws.exit_code, 1);
    EXPECT_NE(not_ws.err.find("failed: "), std::string::npos) << not_ws.err;
    stop_cleanly(server);
}

TEST(ExamplesTest, ServerStaticFilesServesADirectory)
{
    namespace fs = std::filesystem;
    std::string pattern = (fs::temp_directory_path() / "ahttp-example-static-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    fs::path const root = pattern;
    struct remove_at_exit {
        fs::path path;
        ~remove_at_exit()
        {
            std::error_code ignored;
            fs::remove_all(path, ignored);
        }
    } const cleanup{root};
    auto const write = [&](std::string const& name, std::string const& content) {
        fs::create_directories((root / name).parent_path());
        std::ofstream{root / name, std::ios::binary} << content;
    };
    write("hello.txt", "Hello, static!\n");
    write("docs/index.html", "<h1>docs</h1>\n");
    write("app.js", "console.log('identity');\n");
    write("gz/app.js", "console.log('gzip');\n");
    auto const gzip = ahttp::test::run_process({"gzip", "-n", (root / "gz/app.js").string()});
    ASSERT_EQ(gzip.exit_code, 0) << gzip.err;
    fs::rename(root / "gz/app.js.gz", root / "app.js.gz");

    running_process server{{AHTTP_EXAMPLE_SERVER_STATIC_FILES, root.string(), "0"}};
    auto const port = wait_for_banner(server);
    ASSERT_NE(port, 0);
    std::string const base = "http://127.0.0.1:" + std::to_string(port);
    auto const curl = [](std::vector<std::string> argv) {
        argv.insert(argv.begin(), {"curl", "-sS", "-f"});
        return ahttp::test::run_process(argv);
    };

    auto const hello = curl({base + "/hello.txt"});
    EXPECT_EQ(hello.exit_code, 0) << hello.err;
    EXPECT_EQ(hello.out, "Hello, static!\n");
    auto const listing = curl({base + "/"});
    EXPECT_EQ(listing.exit_code, 0) << listing.err;
    EXPECT_NE(listing.out.find("<a href=\"hello.txt\">hello.txt</a>"), std::string::npos)
        << listing.out;
    EXPECT_NE(listing.out.find("<a href=\"docs/\">docs/</a>"), std::string::npos) << listing.out;
    EXPECT_EQ(curl({base + "/docs/"}).out, "<h1>docs</h1>\n");
    EXPECT_EQ(curl({"-r", "7-13", base + "/hello.txt"}).out, "static!");
    // The precompressed sibling, for a client that accepts gzip; the file for one that does not.
    auto const coded = curl({"--compressed", "-D", "-", base + "/app.js"});
    EXPECT_EQ(coded.exit_code, 0) << coded.err;
    EXPECT_NE(coded.out.find("Content-Encoding: gzip\r\n"), std::string::npos) << coded.out;
    EXPECT_TRUE(coded.out.ends_with("\r\n\r\nconsole.log('gzip');\n")) << coded.out;
    EXPECT_EQ(curl({base + "/app.js"}).out, "console.log('identity');\n");
    EXPECT_EQ(ahttp::test::request(port, "GET", "/../etc/passwd").status, 404);
    EXPECT_EQ(ahttp::test::request(port, "GET", "/missing.txt").status, 404);

    stop_cleanly(server);
}

TEST(ExamplesTest, ServerStaticFilesRefusesAMissingDirectory)
{
    auto const r = ahttp::test::run_process(
        {AHTTP_EXAMPLE_SERVER_STATIC_FILES, "/nonexistent/ahttp-example", "0"}, {}, 20s);
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("not a directory"), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find("Running on"), std::string::npos) << r.out;
}

} // namespace
