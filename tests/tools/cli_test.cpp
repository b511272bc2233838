// SPDX-License-Identifier: BSL-1.0
// The tool's command line as a user meets it: help, version, bad arguments (one line, exit 2),
// and the duration/size helpers the subcommands share.
#include "cli.hpp"
#include "support/process.hpp"
#include "units.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace {

using namespace std::chrono_literals;
using ahttp::test::run_process;

std::size_t line_count(std::string const& text)
{
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

TEST(CliTest, HelpListsEverySubcommand)
{
    auto const result = run_process({AHTTP_TOOL, "--help"});
    EXPECT_EQ(result.exit_code, 0);
    for (char const* name : {"get", "post", "put", "patch", "delete", "head", "options", "serve",
                             "httpbin", "bench", "demo"}) {
        EXPECT_NE(result.out.find(std::string{"  "} + name), std::string::npos) << name;
    }
}

TEST(CliTest, VersionPrintsOneLine)
{
    auto const result = run_process({AHTTP_TOOL, "--version"});
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.out, "ahttp 0.1.0\n");
}

TEST(CliTest, BadArgumentsGiveOneLineAndExitTwo)
{
    for (std::vector<std::string> const& argv : std::vector<std::vector<std::string>>{
             {AHTTP_TOOL},
             {AHTTP_TOOL, "frobnicate"},
             {AHTTP_TOOL, "get"},
             {AHTTP_TOOL, "get", "http://127.0.0.1:1/", "--timeout", "soon"},
             {AHTTP_TOOL, "serve", "--port", "70000"},
             {AHTTP_TOOL, "bench", "http://127.0.0.1:1/", "-c", "0"},
         }) {
        auto const result = run_process(argv);
        std::string joined;
        for (auto const& a : argv) {
            joined += a + ' ';
        }
        EXPECT_EQ(result.exit_code, 2) << joined << "\n" << result.err;
        EXPECT_EQ(line_count(result.err), 1u) << joined << "\n" << result.err;
        EXPECT_EQ(result.err.rfind("ahttp: ", 0), 0u) << joined << "\n" << result.err;
        EXPECT_TRUE(result.out.empty()) << joined << "\n" << result.out;
    }
}

TEST(CliTest, DurationsParseAsPeopleTypeThem)
{
    using ahttp::cli::parse_duration;
    EXPECT_EQ(parse_duration("250ms", "--t"), 250ms);
    EXPECT_EQ(parse_duration("10s", "--t"), 10s);
    EXPECT_EQ(parse_duration("1.5s", "--t"), 1500ms);
    EXPECT_EQ(parse_duration("30", "--t"), 30s);
    EXPECT_EQ(parse_duration("2m", "--t"), 120s);
    for (char const* bad : {"", "s", "-1s", "0", "10 s", "10x", "nan", "1e300s"}) {
        EXPECT_THROW(parse_duration(bad, "--t"), ahttp::cli::usage_error) << bad;
    }
}

TEST(CliTest, SizesAndDurationsPrintCompactly)
{
    EXPECT_EQ(ahttp::cli::format_bytes(512), "512 B");
    EXPECT_EQ(ahttp::cli::format_bytes(1536), "1.5 KiB");
    EXPECT_EQ(ahttp::cli::format_bytes(3u << 20), "3.0 MiB");
    EXPECT_EQ(ahttp::cli::format_duration(812us), "812us");
    EXPECT_EQ(ahttp::cli::format_duration(3410us), "3.41ms");
    EXPECT_EQ(ahttp::cli::format_duration(1200ms), "1.20s");
}

} // namespace
