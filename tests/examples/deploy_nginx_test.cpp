// SPDX-License-Identifier: BSL-1.0
// examples/deploy_nginx under a real nginx: two instances behind the example's nginx.conf
// (filled in for a private run directory and pre-picked free ports), both serve; one is
// restarted (SIGTERM, graceful exit, started again on its port) while four clients keep
// sending requests one after another, at once: no client sees a failure.
#include "support/app_process.hpp"
#include "support/ports.hpp"
#include "support/process.hpp"
#include "support/raw_client.hpp"
#include "support/running_process.hpp"

#include <ahttp/client.hpp>
#include <ahttp/gather.hpp>
#include <ahttp/sleep.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <arpa/inet.h>
#include <atomic>
#include <chrono>
#include <csignal>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <iostream>
#include <mutex>
#include <netinet/in.h>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;
using ahttp::test::accepts_connections;
using ahttp::test::free_ports;
using ahttp::test::running_process;
using ahttp::test::stop_cleanly;
using ahttp::test::wait_for_banner;
namespace client = ahttp::client;
namespace fs = std::filesystem;

char const* const nginx_binary = "/usr/sbin/nginx";

/// Reads what the processes have written (so none blocks on a full pipe) for about `time`.
void read_output(std::initializer_list<running_process*> processes, std::chrono::milliseconds time)
{
    auto const each = std::max(1ms, time / static_cast<int>(processes.size()));
    for (running_process* p : processes) {
        if (p != nullptr) {
            p->wait_for_stderr(std::string{"\x01"}, each); // never matches: just reads
        }
    }
}

/// Reads the processes' output until `done()` or `limit`; returns `done()`.
bool wait_until(std::function<bool()> const& done, std::chrono::milliseconds limit,
                std::initializer_list<running_process*> processes)
{
    auto const deadline = clock_type::now() + limit;
    while (!done()) {
        if (clock_type::now() >= deadline) {
            return false;
        }
        read_output(processes, 20ms);
    }
    return true;
}

/// Starts an instance of the example and waits for its banner.
void start_instance(std::optional<running_process>& instance, std::uint16_t port,
                    std::string const& name)
{
    instance.emplace(
        std::vector<std::string>{AHTTP_EXAMPLE_DEPLOY_NGINX, std::to_string(port), name});
    auto const match = instance->wait_for_stdout(ahttp::test::run_app_banner(), 20s);
    ASSERT_TRUE(match) << name << ": no banner; stderr: " << instance->err();
    EXPECT_EQ((*match)[1].str(), std::to_string(port));
}

/// The example's nginx.conf, its placeholders filled in.
std::string nginx_config(fs::path const& run_dir, std::uint16_t listen, std::uint16_t a,
                         std::uint16_t b)
{
    std::ifstream in{AHTTP_EXAMPLE_DEPLOY_NGINX_CONF};
    std::stringstream text;
    text << in.rdbuf();
    std::string config = text.str();
    for (auto const& [key, value] :
         {std::pair<std::string, std::string>{"@RUN_DIR@", run_dir.string()},
          {"@LISTEN_PORT@", std::to_string(listen)},
          {"@APP_A_PORT@", std::to_string(a)},
          {"@APP_B_PORT@", std::to_string(b)}}) {
        for (auto at = config.find(key); at != std::string::npos; at = config.find(key, at)) {
            config.replace(at, key.size(), value);
        }
    }
    return config;
}

/// Four clients sending GETs one after another, at once, until told to stop (bounded).
struct load_state {
    std::atomic<bool> stop{false};
    std::atomic<bool> finished{false};
    std::atomic<int> sent{0};
    std::atomic<int> ok{0};
    std::mutex mutex;
    std::vector<std::string> failures;
    std::set<std::string> bodies;

    void record(std::string body)
    {
        std::lock_guard lock{mutex};
        bodies.insert(std::move(body));
    }
    void fail(std::string what)
    {
        std::lock_guard lock{mutex};
        failures.push_back(std::move(what));
    }
    bool saw(std::string const& body)
    {
        std::lock_guard lock{mutex};
        return bodies.contains(body);
    }
};

constexpr int max_requests = 2000;
constexpr auto max_load_time = 20s;

ahttp::awaitable<void> keep_asking(load_state& state, std::string url)
{
    auto executor = co_await boost::asio::this_coro::executor;
    client::session_options options{.timeout = {.total = 5s}};
    client::session session{executor, std::move(options)};
    auto const deadline = clock_type::now() + max_load_time;
    while (!state.stop && clock_type::now() < deadline && state.sent < max_requests) {
        ++state.sent;
        std::string failure;
        try {
            client::response response = co_await session.get(url);
            std::string body = co_await response.text();
            if (response.status_code() == 200) {
                ++state.ok;
                state.record(std::move(body));
            } else {
                failure = "status " + std::to_string(response.status_code()) + ": " + body;
            }
        } catch (std::exception const& e) {
            failure = e.what();
        }
        if (!failure.empty()) {
            state.fail(std::move(failure));
        }
        co_await ahttp::sleep(10ms);
    }
}

ahttp::awaitable<void> four_clients(load_state& state, std::string url)
{
    co_await ahttp::gather(keep_asking(state, url), keep_asking(state, url),
                           keep_asking(state, url), keep_asking(state, url));
}

/// "Hello from app-a (pid 123)\n" → "123".
std::string pid_in(std::string const& body)
{
    std::smatch match;
    return std::regex_search(body, match, std::regex{R"(\(pid (\d+)\))"}) ? match[1].str() : "";
}

TEST(DeployNginxExamplesTest, RestartsAnInstanceBehindNginxWithoutAFailedRequest)
{
    if (::access(nginx_binary, X_OK) != 0) {
        GTEST_SKIP() << "nginx is not installed (apt-get install nginx-light)";
    }
    std::string pattern = (fs::temp_directory_path() / "ahttp-deploy-nginx-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    fs::path const run_dir = pattern;
    struct remove_at_exit {
        fs::path path;
        ~remove_at_exit()
        {
            std::error_code ignored;
            fs::remove_all(path, ignored);
        }
    } const cleanup{run_dir};

    auto const ports = free_ports(3);
    std::uint16_t const listen = ports[0], port_a = ports[1], port_b = ports[2];
    std::optional<running_process> a, b;
    start_instance(a, port_a, "app-a");
    start_instance(b, port_b, "app-b");
    ASSERT_FALSE(HasFatalFailure());

    std::ofstream{run_dir / "nginx.conf"} << nginx_config(run_dir, listen, port_a, port_b);
    running_process nginx{{nginx_binary, "-p", run_dir.string(), "-c",
                           (run_dir / "nginx.conf").string(), "-e",
                           (run_dir / "error.log").string()}};
    // Stop nginx (master and worker) however the test ends: SIGTERM is its fast shutdown.
    struct stop_nginx {
        running_process& nginx;
        ~stop_nginx()
        {
            nginx.signal(SIGTERM);
            EXPECT_EQ(nginx.wait_exit(10s), 0) << nginx.err();
        }
    } const stop{nginx};
    ASSERT_TRUE(wait_until([&] { return accepts_connections(listen); }, 10s, {&nginx}))
        << "nginx did not start: " << nginx.err();

    // Round robin: both instances answer, each with its name and pid.
    std::set<std::string> first_bodies;
    for (int i = 0; i < 6; ++i) {
        auto const r = ahttp::test::request(listen, "GET", "/");
        EXPECT_EQ(r.status, 200) << r.head;
        first_bodies.insert(r.body);
    }
    std::string old_a, old_b;
    for (auto const& body : first_bodies) {
        (body.starts_with("Hello from app-a (pid ") ? old_a : old_b) = pid_in(body);
    }
    ASSERT_FALSE(old_a.empty()) << "app-a never answered";
    ASSERT_FALSE(old_b.empty()) << "app-b never answered";
    EXPECT_EQ(first_bodies.size(), 2u);
    // nginx passes the client's address in X-Real-IP; the instance logs it.
    EXPECT_TRUE(
        a->wait_for_stderr(std::regex{R"((^|\n)127\.0\.0\.1 \[.*\] "GET / HTTP/1\.1" 200 )"}, 5s))
        << a->err();

    // Four clients keep asking while app-a restarts.
    load_state state;
    std::string const url = "http://127.0.0.1:" + std::to_string(listen) + "/";
    auto const load_started = clock_type::now();
    std::thread load{[&state, url] {
        try {
            ahttp::run(four_clients(state, url));
        } catch (std::exception const& e) {
            state.fail(e.what());
        }
        state.finished = true;
    }};
    struct join_at_exit {
        load_state& state;
        std::thread& thread;
        ~join_at_exit()
        {
            state.stop = true;
            thread.join();
        }
    } const join{state, load};

    EXPECT_TRUE(wait_until([&] { return state.ok >= 40; }, 10s, {&*a, &*b, &nginx}));
    int const ok_before_stop = state.ok;
    a->signal(SIGTERM); // graceful: stop accepting, finish in-flight requests, exit 0
    int code = -1;
    ASSERT_TRUE(wait_until(
        [&] {
            code = a->wait_exit(20ms);
            return code != -1 || a->signalled() != 0;
        },
        15s, {&*b, &nginx}));
    EXPECT_EQ(code, 0) << "signal " << a->signalled() << "; stderr: " << a->err();
    // A deployment takes a moment (a new binary, its startup): requests meanwhile meet a
    // closed port, which nginx must hide.
    wait_until([&] { return false; }, 300ms, {&*b, &nginx});
    int const ok_while_down = state.ok - ok_before_stop;
    start_instance(a, port_a, "app-a");
    ASSERT_FALSE(HasFatalFailure());

    // nginx takes the new app-a back once fail_timeout (2 s) has passed since the refusal.
    bool const new_a_served = wait_until(
        [&] {
            std::lock_guard lock{state.mutex};
            return std::any_of(state.bodies.begin(), state.bodies.end(), [&](auto const& body) {
                return body.starts_with("Hello from app-a") && pid_in(body) != old_a;
            });
        },
        10s, {&*a, &*b, &nginx});
    EXPECT_TRUE(new_a_served) << "the restarted app-a never answered";
    int const target = std::max(state.ok + 40, 200);
    wait_until([&] { return state.ok >= target; }, 10s, {&*a, &*b, &nginx});
    state.stop = true;
    EXPECT_TRUE(wait_until([&] { return state.finished.load(); }, 10s, {&*a, &*b, &nginx}));
    double const seconds = std::chrono::duration<double>(clock_type::now() - load_started).count();

    {
        std::lock_guard lock{state.mutex};
        EXPECT_TRUE(state.failures.empty())
            << state.failures.size() << " failed, first: " << state.failures.front();
        EXPECT_TRUE(state.bodies.contains("Hello from app-b (pid " + old_b + ")\n"));
    }
    EXPECT_GE(state.ok.load(), 200);
    EXPECT_GT(ok_while_down, 0);
    std::cout << "[          ] " << state.ok << " of " << state.sent << " requests answered in "
              << seconds << " s; " << ok_while_down << " while app-a was stopping/down\n";

    for (running_process* instance : {&*a, &*b}) {
        instance->signal(SIGTERM);
        EXPECT_EQ(instance->wait_exit(15s), 0) << instance->err();
    }
}

} // namespace
