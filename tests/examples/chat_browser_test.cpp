// SPDX-License-Identifier: BSL-1.0
// examples/chat in Debian's headless Chromium: two pages (two WebSocket clients) chat through
// the example server; each page must show both messages, in the same order. Screenshots of
// both pages are saved as test artifacts.
#include "support/app_process.hpp"
#include "support/process.hpp"
#include "support/running_process.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <regex>
#include <string>

namespace {

using namespace std::chrono_literals;
using ahttp::test::running_process;

TEST(ChatBrowserTest, TwoChromiumPagesChatThroughTheServer)
{
    std::filesystem::path const driver = AHTTP_BROWSER_DIR "/run_page.mjs";
    // CI installs both (scripts/install-deps.sh): missing is a failure, not a skip.
    ASSERT_TRUE(std::filesystem::exists("/usr/bin/chromium"))
        << "/usr/bin/chromium missing: run scripts/install-deps.sh";
    ASSERT_TRUE(std::filesystem::exists(AHTTP_BROWSER_DIR "/node_modules/playwright-core"))
        << "tests/browser/node_modules missing: run scripts/install-deps.sh";

    running_process server{{AHTTP_EXAMPLE_CHAT, "0"}};
    auto const port = ahttp::test::wait_for_banner(server);
    ASSERT_NE(port, 0);
    std::string const base = "http://127.0.0.1:" + std::to_string(port) + "/";

    std::filesystem::create_directories(AHTTP_ARTIFACT_DIR);
    std::string const screenshot = AHTTP_ARTIFACT_DIR "/chat.png";
    auto const r = ahttp::test::run_process(
        {"node", driver.string(), "--url", base + "?name=alice&say=hello%20bob", "--url",
         base + "?name=bob&say=hi%20alice", "--until",
         "document.querySelectorAll('#log li').length >= 2", "--print",
         "[...document.querySelectorAll('#log li')].map((li) => li.textContent).sort()",
         "--screenshot", screenshot, "--timeout", "20000"},
        {}, 60s);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    // One JSON line per page, both with both messages (sorted: the order of two people typing
    // at once is the server's to choose, but each message arrives exactly once).
    std::string const both = R"(["alice: hello bob","bob: hi alice"])";
    EXPECT_EQ(r.out, both + "\n" + both + "\n") << r.err;
    EXPECT_TRUE(std::filesystem::exists(AHTTP_ARTIFACT_DIR "/chat-1.png"));
    EXPECT_TRUE(std::filesystem::exists(AHTTP_ARTIFACT_DIR "/chat-2.png"));

    server.signal(SIGINT);
    EXPECT_EQ(server.wait_exit(30s), 0) << server.err();
}

} // namespace
