// SPDX-License-Identifier: BSL-1.0
// Smoke runs of the seed scenarios in examples/ as child processes: the microservices trio
// (seed 000), mass_fetch (002), httpbin_queries and client_verbs_streaming against the real
// httpbin under gunicorn (003), bench_clients (004). Servers start on port 0 and are found
// through their banner; every wait is bounded. Binary paths come from CMake (AHTTP_EXAMPLE_*).
#include "support/app_process.hpp"
#include "support/process.hpp"
#include "support/python_httpbin.hpp"
#include "support/running_process.hpp"

#include <ahttp/testing/test_server.hpp>
#include <ahttp/web.hpp>

#include <boost/json.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <initializer_list>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

using namespace std::chrono_literals;
using ahttp::test::process_result;
using ahttp::test::running_process;
using ahttp::test::stop_cleanly;
using ahttp::test::wait_for_banner;
namespace web = ahttp::web;

std::string base_url(std::uint16_t port)
{
    return "http://127.0.0.1:" + std::to_string(port);
}

/// Runs `argv` to completion (at most `limit`) while reading the servers' output, so that a
/// server logging every request never blocks on a full pipe.
process_result run_while_reading(std::vector<std::string> argv, std::chrono::milliseconds limit,
                                 std::initializer_list<running_process*> servers)
{
    auto result = std::async(std::launch::async, [argv = std::move(argv), limit] {
        return ahttp::test::run_process(argv, {}, limit);
    });
    while (result.wait_for(0ms) != std::future_status::ready) {
        for (running_process* server : servers) {
            server->wait_for_stderr(std::string{"\x01"}, 20ms); // never matches: just reads
        }
    }
    return result.get();
}

double seconds_in(std::string const& text, std::regex const& pattern)
{
    std::smatch match;
    if (!std::regex_search(text, match, pattern)) {
        ADD_FAILURE() << "no match in:\n" << text;
        return -1;
    }
    return std::stod(match[1].str());
}

// ---- seed 000 ---------------------------------------------------------------------------------

/// late_app, and received_app calling it, each started on a free port.
class MicroservicesExamplesTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        auto const late_port = wait_for_banner(late);
        ASSERT_NE(late_port, 0);
        received.emplace(
            std::vector<std::string>{AHTTP_EXAMPLE_RECEIVED_APP, "0", base_url(late_port) + "/"});
        received_port = wait_for_banner(*received);
        ASSERT_NE(received_port, 0);
    }

    running_process late{{AHTTP_EXAMPLE_LATE_APP, "0"}};
    std::optional<running_process> received;
    std::uint16_t received_port = 0;
};

TEST_F(MicroservicesExamplesTest, AnswerTwoCallersInOneSecondNotTwo)
{

    auto const r =
        ahttp::test::run_process({AHTTP_EXAMPLE_SENDER, base_url(received_port)}, {}, 30s);
    ASSERT_FALSE(r.timed_out) << r.out;
    EXPECT_EQ(r.exit_code, 0) << r.err;
    for (char const* task : {"task1", "task2"}) {
        std::string const name{task};
        EXPECT_NE(r.out.find("--- " + name + " status = 200\n"), std::string::npos) << r.out;
        EXPECT_NE(r.out.find("--- " + name + R"( {"res":{"message":"success"}})" + "\n"),
                  std::string::npos)
            << r.out;
    }
    // The upstream takes 1 s; served one after the other, the two would take 2 s.
    double const seconds = seconds_in(r.out, std::regex{R"(\ntwo requests took (\d+\.\d\d) s\n)"});
    EXPECT_GE(seconds, 0.95);
    EXPECT_LT(seconds, 1.8);

    // received_app took both requests before it answered either.
    EXPECT_TRUE(received->wait_for_stdout(std::regex{"Send task\\d response\n.*Send task\\d"}, 5s))
        << received->out();
    std::string const& log = received->out();
    auto const first_send = log.find("Send task");
    EXPECT_LT(log.find("Received task1 request"), first_send) << log;
    EXPECT_LT(log.find("Received task2 request"), first_send) << log;
    EXPECT_TRUE(late.wait_for_stdout(std::regex{"(Received request in late app.\n.*){2}"}, 5s))
        << late.out();

    stop_cleanly(*received); // runs its cleanup hook (closing the upstream session)
    stop_cleanly(late);
}

TEST_F(MicroservicesExamplesTest, ReceivedAppAnswers500WhenTheUpstreamIsDown)
{
    // An upstream nobody listens on: the handler's exception becomes a 500, the app goes on.
    auto const ok =
        ahttp::test::run_process({AHTTP_EXAMPLE_SENDER, base_url(received_port)}, {}, 30s);
    EXPECT_EQ(ok.exit_code, 0) << ok.err;
    stop_cleanly(late);

    auto const down =
        ahttp::test::run_process({AHTTP_EXAMPLE_SENDER, base_url(received_port)}, {}, 30s);
    EXPECT_EQ(down.exit_code, 0) << down.err;
    EXPECT_NE(down.out.find("--- task1 status = 500\n"), std::string::npos) << down.out;
    EXPECT_NE(down.out.find("--- task2 status = 500\n"), std::string::npos) << down.out;
    stop_cleanly(*received);
}

// ---- seed 002 ---------------------------------------------------------------------------------

ahttp::awaitable<web::response> hello_json(web::request&)
{
    co_return web::response::json(boost::json::object{{"message", "Hello, World!"}});
}

TEST(SeedExamplesTest, MassFetchSends600GetsThroughOneSession)
{
    // The seed's FastAPI app: three paths answering {"message":"Hello, World!"} (27 bytes).
    web::application app;
    for (char const* path : {"/", "/test/", "/aaa/"}) {
        app.router().add_get(path, hello_json);
    }
    ahttp::testing::test_server server{app};
    std::string const base = base_url(server.port());

    auto const r = ahttp::test::run_process({AHTTP_EXAMPLE_MASS_FETCH, base}, {}, 60s);
    ASSERT_FALSE(r.timed_out) << r.out;
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(std::regex_search(
        r.out,
        std::regex{R"(^600 requests, 600 answered 200, 16200 body bytes, in \d+\.\d\d s\n$)"}))
        << r.out;

    // A base URL missing a path: the 404s are counted, not thrown; the exit status says so.
    auto const partial = ahttp::test::run_process({AHTTP_EXAMPLE_MASS_FETCH, base + "/x"}, {}, 60s);
    EXPECT_EQ(partial.exit_code, 1);
    EXPECT_NE(partial.out.find("600 requests, 0 answered 200"), std::string::npos) << partial.out;
    EXPECT_EQ(ahttp::test::run_process({AHTTP_EXAMPLE_MASS_FETCH}, {}, 30s).exit_code, 2);
}

// ---- seeds 003 and 004's client: the real httpbin ---------------------------------------------

class HttpbinExamplesTest : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        httpbin_ = std::make_unique<ahttp::test::python_httpbin>();
        base_ = httpbin_->port() == 0 ? std::string{} : httpbin_->url() + "/";
    }
    static void TearDownTestSuite() { httpbin_.reset(); }

    void SetUp() override
    {
        if (base_.empty()) {
            GTEST_FAIL() << "gunicorn did not start: " << httpbin_->err();
        }
    }

    static inline std::unique_ptr<ahttp::test::python_httpbin> httpbin_;
    static inline std::string base_;
};

TEST_F(HttpbinExamplesTest, HttpbinQueriesGetsAHundredKeysBack)
{
    auto const r = ahttp::test::run_process({AHTTP_EXAMPLE_HTTPBIN_QUERIES, base_}, {}, 60s);
    ASSERT_FALSE(r.timed_out) << r.out;
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(std::regex_search(
        r.out, std::regex{R"(^100 of 100 answered 200 with their key, in \d+\.\d\d s\n$)"}))
        << r.out;
    EXPECT_EQ(r.err, "");

    // Not httpbin (/nothing/get is a 404): each failed status is reported, exit 1.
    auto const wrong =
        ahttp::test::run_process({AHTTP_EXAMPLE_HTTPBIN_QUERIES, base_ + "nothing/"}, {}, 60s);
    EXPECT_EQ(wrong.exit_code, 1);
    EXPECT_NE(wrong.out.find("0 of 100 answered 200"), std::string::npos) << wrong.out;
    EXPECT_NE(wrong.err.find("key 0: status 404"), std::string::npos) << wrong.err;
}

TEST_F(HttpbinExamplesTest, ClientVerbsStreamingUsesEveryVerbAndStreamsToAFile)
{
    namespace fs = std::filesystem;
    fs::path const file =
        fs::temp_directory_path() / ("ahttp-example-download-" + std::to_string(::getpid()));
    auto const r = ahttp::test::run_process(
        {AHTTP_EXAMPLE_CLIENT_VERBS_STREAMING, base_, file.string()}, {}, 60s);
    ASSERT_FALSE(r.timed_out) << r.out;
    EXPECT_EQ(r.exit_code, 0) << r.err;
    // httpbin's /anything echoes the method and the body we sent.
    for (char const* line :
         {"GET     200  args {\"verb\":\"get\"}\n", "POST    200  json {\"name\":\"ahttp\"}\n",
          "PUT     200  data \"replaced\"\n", "PATCH   200  form {\"field\":\"value\"}\n",
          "DELETE  200\n"}) {
        EXPECT_NE(r.out.find(line), std::string::npos) << line << " missing in:\n" << r.out;
    }
    EXPECT_TRUE(std::regex_search(r.out, std::regex{R"(\nHEAD    200  Content-Length: \d+ )"}))
        << r.out;
    EXPECT_TRUE(std::regex_search(r.out, std::regex{R"(\nOPTIONS 200  Allow: .*PATCH)"})) << r.out;

    std::smatch match;
    ASSERT_TRUE(std::regex_search(
        r.out, match, std::regex{R"(\nstreamed (\d+) bytes in (\d+) pieces to (.+)\n$)"}))
        << r.out;
    EXPECT_EQ(match[1].str(), "102400");
    EXPECT_GT(std::stoi(match[2].str()), 1); // read piece by piece, not at once
    EXPECT_EQ(match[3].str(), file.string());
    std::error_code ec;
    EXPECT_EQ(fs::file_size(file, ec), 102400u) << ec.message();
    fs::remove(file, ec);

    EXPECT_EQ(
        ahttp::test::run_process({AHTTP_EXAMPLE_CLIENT_VERBS_STREAMING, base_}, {}, 30s).exit_code,
        2);
}

// ---- seed 004 ---------------------------------------------------------------------------------

TEST(SeedExamplesTest, BenchClientsPrintsTheSeedsTable)
{
    running_process server{{AHTTP_EXAMPLE_SERVER_HELLO, "0"}};
    auto const port = wait_for_banner(server);
    ASSERT_NE(port, 0);

    // 50 requests per client instead of 1000: 1 + 2 + … + 8 clients = 1800 requests.
    auto const r = run_while_reading({AHTTP_EXAMPLE_BENCH_CLIENTS, base_url(port) + "/", "50"}, 60s,
                                     {&server});
    ASSERT_FALSE(r.timed_out) << r.out;
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::string expected = R"(clients, average seconds per 50 requests\n)";
    for (int k = 1; k <= 8; ++k) {
        expected += std::to_string(k) + R"(, \d+\.\d{3}\n)";
    }
    EXPECT_TRUE(std::regex_match(r.out, std::regex{expected})) << r.out;

    EXPECT_EQ(ahttp::test::run_process({AHTTP_EXAMPLE_BENCH_CLIENTS}, {}, 30s).exit_code, 2);
    EXPECT_EQ(ahttp::test::run_process({AHTTP_EXAMPLE_BENCH_CLIENTS, base_url(port), "0"}, {}, 30s)
                  .exit_code,
              2);
    stop_cleanly(server);
}

} // namespace
