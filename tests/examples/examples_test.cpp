// SPDX-License-Identifier: BSL-1.0
// Smoke runs of the example programs as child processes: each server is started on port 0,
// found through its banner, asked over 127.0.0.1, stopped with SIGINT, and must exit 0.
// The demo runs to completion. The binaries' paths come from CMake (AHTTP_EXAMPLE_*).
#include "support/process.hpp"
#include "support/raw_client.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <fcntl.h>
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

extern char** environ;

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

/// A child process left running while the test talks to it; killed if the test leaves early.
class running_process {
public:
    explicit running_process(std::vector<std::string> const& argv)
    {
        int out_pipe[2], err_pipe[2];
        if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) {
            throw std::runtime_error("pipe failed");
        }
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
        posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
        std::vector<char*> args;
        for (auto const& a : argv) {
            args.push_back(const_cast<char*>(a.c_str()));
        }
        args.push_back(nullptr);
        int const rc = ::posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        ::close(out_pipe[1]);
        ::close(err_pipe[1]);
        fds_[0] = out_pipe[0];
        fds_[1] = err_pipe[0];
        if (rc != 0) {
            pid_ = -1;
            throw std::runtime_error("cannot spawn " + argv[0]);
        }
    }

    ~running_process()
    {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        for (int fd : fds_) {
            if (fd >= 0) {
                ::close(fd);
            }
        }
    }
    running_process(running_process const&) = delete;
    running_process& operator=(running_process const&) = delete;

    /// Reads output until stdout matches `pattern` (returns the match) or `limit` passes.
    std::optional<std::smatch> wait_for_stdout(std::regex const& pattern,
                                               std::chrono::milliseconds limit)
    {
        auto const deadline = clock_type::now() + limit;
        for (;;) {
            std::smatch match;
            if (std::regex_search(out_, match, pattern)) {
                return match;
            }
            if (!read_some(deadline)) {
                return std::nullopt;
            }
        }
    }

    /// Waits up to `limit` for the output to show `text` on stderr.
    bool wait_for_stderr(std::string const& text, std::chrono::milliseconds limit)
    {
        auto const deadline = clock_type::now() + limit;
        while (err_.find(text) == std::string::npos) {
            if (!read_some(deadline)) {
                return false;
            }
        }
        return true;
    }

    void signal(int number) { ::kill(pid_, number); }

    /// Waits up to `limit` for the exit, reading the rest of the output; returns the exit
    /// status, or -1 on a timeout or a death by signal (then `signalled()` tells which).
    int wait_exit(std::chrono::milliseconds limit)
    {
        auto const deadline = clock_type::now() + limit;
        while (read_some(deadline)) {
        }
        for (;;) {
            int status = 0;
            pid_t const done = ::waitpid(pid_, &status, WNOHANG);
            if (done == pid_) {
                pid_ = -1;
                if (WIFSIGNALED(status)) {
                    signal_ = WTERMSIG(status);
                }
                return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            }
            if (clock_type::now() >= deadline) {
                return -1;
            }
            std::this_thread::sleep_for(10ms);
        }
    }

    int signalled() const noexcept { return signal_; }
    std::string const& out() const noexcept { return out_; }
    std::string const& err() const noexcept { return err_; }

private:
    /// Reads what is available on either pipe; false once both are closed or at `deadline`.
    bool read_some(clock_type::time_point deadline)
    {
        if (fds_[0] < 0 && fds_[1] < 0) {
            return false;
        }
        auto const left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
        if (left.count() <= 0) {
            return false;
        }
        pollfd p[2] = {{fds_[0], POLLIN, 0}, {fds_[1], POLLIN, 0}};
        int const ready = ::poll(p, 2, static_cast<int>(left.count()));
        if (ready < 0 && errno != EINTR) {
            return false;
        }
        for (int i = 0; i < 2; ++i) {
            if (p[i].fd < 0 || (p[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
                continue;
            }
            char buffer[8192];
            ssize_t const n = ::read(p[i].fd, buffer, sizeof buffer);
            if (n <= 0) {
                ::close(fds_[i]);
                fds_[i] = -1;
            } else {
                (i == 0 ? out_ : err_).append(buffer, static_cast<std::size_t>(n));
            }
        }
        return true;
    }

    pid_t pid_ = -1;
    int fds_[2] = {-1, -1};
    std::string out_;
    std::string err_;
    int signal_ = 0;
};

std::regex const banner{R"(======== Running on http://127\.0\.0\.1:(\d+) ========)"};

/// Starts `binary 0`, waits for the banner and returns the port it names (0 on failure).
std::uint16_t start_on_free_port(running_process& server)
{
    auto const match = server.wait_for_stdout(banner, 20s);
    if (!match) {
        ADD_FAILURE() << "no banner; stdout: " << server.out() << "\nstderr: " << server.err();
        return 0;
    }
    int const port = std::stoi((*match)[1].str());
    EXPECT_GT(port, 0);
    EXPECT_LT(port, 65536);
    return static_cast<std::uint16_t>(port);
}

/// Callers answer a request first: run_app prints its banner before it installs its SIGINT
/// handler, so a SIGINT sent the moment the banner appears can kill the process outright.
void stop_cleanly(running_process& server)
{
    server.signal(SIGINT);
    int const code = server.wait_exit(30s);
    EXPECT_EQ(code, 0) << "signal " << server.signalled() << "\nstderr: " << server.err();
}

TEST(ExamplesTest, ServerHelloAnswersAndStopsOnSigint)
{
    running_process server{{AHTTP_EXAMPLE_SERVER_HELLO, "0"}};
    auto const port = start_on_free_port(server);
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
    auto const port = start_on_free_port(server);
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
    auto const port = start_on_free_port(first);
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
    auto const port = start_on_free_port(server);
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

TEST(ExamplesTest, DemoRunsBothSeedsAndExitsZero)
{
    auto const r = ahttp::test::run_process({AHTTP_EXAMPLE_DEMO}, {}, 100s);
    ASSERT_FALSE(r.timed_out) << r.out;
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");

    auto seconds_for = [&](std::string const& mode) {
        std::smatch match;
        std::regex const line{"\\n  " + mode + " +two requests took (\\d+\\.\\d\\d) s\\n"};
        if (!std::regex_search(r.out, match, line)) {
            ADD_FAILURE() << "no line for " << mode << " in:\n" << r.out;
            return 0.0;
        }
        return std::stod(match[1].str());
    };
    EXPECT_NE(r.out.find("Seed 000: "), std::string::npos) << r.out;
    double const blocking = seconds_for("blocking");
    double const async = seconds_for("async");
    double const to_thread = seconds_for("to_thread");
    // The upstream answers after 1 s; a blocked loop serialises the two callers.
    EXPECT_GE(blocking, 1.95);
    EXPECT_GE(async, 0.95);
    EXPECT_GE(to_thread, 0.95);
    EXPECT_LT(async, blocking);
    EXPECT_LT(to_thread, blocking);

    EXPECT_NE(r.out.find("Seed 002: 600 GETs"), std::string::npos) << r.out;
    for (char const* mode : {"serial", "threads\\(5\\)", "async"}) {
        std::regex const row{std::string{"\\n  "} + mode + R"( +\d+\.\d\d +\d+\.\dx\n)"};
        EXPECT_TRUE(std::regex_search(r.out, row)) << mode << " row missing in:\n" << r.out;
    }
    std::regex const serial_row{R"(\n  serial +(\d+\.\d\d) +1\.0x\n)"};
    std::smatch match;
    ASSERT_TRUE(std::regex_search(r.out, match, serial_row)) << r.out;
    EXPECT_GE(std::stod(match[1].str()), 3.0); // 600 requests × 5 ms, one at a time
}

} // namespace
