// SPDX-License-Identifier: BSL-1.0
// `ahttp ws` as a child process against an ahttp WebSocket server in this test (port 0):
// messages from arguments and from standard input, what the server received, exit statuses.
#include "support/process.hpp"

#include <ahttp/testing/test_server.hpp>
#include <ahttp/web.hpp>
#include <ahttp/websocket.hpp>

#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
using ahttp::test::run_process;
namespace web = ahttp::web;
namespace websocket = ahttp::websocket;

/// Echoes each message upper-cased (so the output proves a round trip), and records what it
/// received and how the client closed.
struct recorder {
    std::mutex mutex;
    std::vector<std::string> received;
    std::vector<std::string> protocols;
    std::optional<websocket::close_code> close;
};

ahttp::awaitable<void> shout(recorder& r, web::request& req, websocket::connection& ws)
{
    {
        std::lock_guard lock{r.mutex};
        r.protocols.push_back(ws.protocol() + "|" +
                              std::string{req.headers().value_or("X-Who", "")});
    }
    while (std::optional<websocket::message> m = co_await ws.receive()) {
        {
            std::lock_guard lock{r.mutex};
            r.received.push_back(m->data);
        }
        std::string loud = m->data;
        for (char& c : loud) {
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        co_await ws.send_text(loud);
    }
    std::lock_guard lock{r.mutex};
    r.close = ws.close_code();
}

class WsCommandTest : public ::testing::Test {
protected:
    WsCommandTest()
    {
        websocket::options options;
        options.protocols = {"shout.v1"};
        app_.router().add_websocket(
            "/shout",
            [this](web::request& req, websocket::connection& ws) { return shout(r_, req, ws); },
            options);
        server_.emplace(app_);
        url_ = "ws://127.0.0.1:" + std::to_string(server_->port()) + "/shout";
    }

    recorder r_;
    web::application app_;
    std::optional<ahttp::testing::test_server> server_;
    std::string url_;
};

TEST_F(WsCommandTest, SendsArgumentsAndPrintsReplies)
{
    auto const result = run_process(
        {AHTTP_TOOL, "ws", "-v", "-p", "shout.v1", "-H", "X-Who: cli", url_, "hello", "two words"},
        {}, 30s);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "HELLO\nTWO WORDS\n");
    EXPECT_NE(result.err.find("subprotocol: shout.v1"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("closed (1000)"), std::string::npos) << result.err;
    server_.reset(); // handlers done: the recorder is complete
    EXPECT_EQ(r_.received, (std::vector<std::string>{"hello", "two words"}));
    EXPECT_EQ(r_.protocols, (std::vector<std::string>{"shout.v1|cli"}));
    EXPECT_EQ(r_.close, websocket::close_code::normal);
}

TEST_F(WsCommandTest, SendsEachLineOfStandardInput)
{
    auto const result =
        run_process({AHTTP_TOOL, "ws", "--wait", "0.5", url_}, "first\nsecond\nthird\n", 30s);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "FIRST\nSECOND\nTHIRD\n");
    server_.reset();
    EXPECT_EQ(r_.received, (std::vector<std::string>{"first", "second", "third"}));
}

TEST_F(WsCommandTest, FailuresAreOneLineWithAnExitStatus)
{
    std::string const missing = "ws://127.0.0.1:" + std::to_string(server_->port()) + "/nope";
    auto const not_found = run_process({AHTTP_TOOL, "ws", missing, "x"}, {}, 30s);
    EXPECT_EQ(not_found.exit_code, 1);
    EXPECT_NE(not_found.err.find("answered 404"), std::string::npos) << not_found.err;

    auto const no_url = run_process({AHTTP_TOOL, "ws"}, {}, 30s);
    EXPECT_EQ(no_url.exit_code, 2);
    auto const bad_header = run_process({AHTTP_TOOL, "ws", "-H", "nocolon", url_, "x"}, {}, 30s);
    EXPECT_EQ(bad_header.exit_code, 2);
    EXPECT_NE(bad_header.err.find("-H needs Name:value"), std::string::npos) << bad_header.err;
    for (auto const* r : {&not_found, &no_url, &bad_header}) {
        EXPECT_EQ(std::count(r->err.begin(), r->err.end(), '\n'), 1) << r->err;
    }
}

} // namespace
