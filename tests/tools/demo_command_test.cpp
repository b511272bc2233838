// SPDX-License-Identifier: BSL-1.0
// `ahttp demo --quick`: every seed runs, and the behaviour each is about shows — the awaited
// upstream call serves two callers together (≥ 1.6× faster than blocking; a behaviour, not a
// performance target), async beats serial, all 100 httpbin queries match, 8 sweep rows.
#include "support/process.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace {

using namespace std::chrono_literals;

double seconds_after(std::string const& out, std::string const& label)
{
    std::smatch match;
    std::regex const row{label + R"(\s+([0-9.]+)s)"};
    if (!std::regex_search(out, match, row)) {
        ADD_FAILURE() << "no row '" << label << "' in:\n" << out;
        return 0;
    }
    return std::stod(match[1].str());
}

TEST(DemoCommandTest, QuickRunShowsEverySeedsBehaviour)
{
    auto const result = ahttp::test::run_process({AHTTP_TOOL, "demo", "--quick"}, {}, 120s);
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;

    double const blocking = seconds_after(result.out, "blocking call");
    double const awaited = seconds_after(result.out, "awaited call");
    double const on_thread = seconds_after(result.out, "blocking call in to_thread");
    EXPECT_GE(blocking, 1.9);
    EXPECT_GE(blocking, 1.6 * awaited);
    EXPECT_GE(blocking, 1.6 * on_thread);
    EXPECT_LT(awaited, 1.5);

    std::smatch serial, async;
    ASSERT_TRUE(std::regex_search(result.out, serial, std::regex{R"(serial\s+([0-9.]+))"}));
    ASSERT_TRUE(std::regex_search(result.out, async, std::regex{R"(async\s+([0-9.]+))"}));
    EXPECT_LT(std::stod(async[1].str()), std::stod(serial[1].str()));

    EXPECT_NE(result.out.find("100 of 100 answered 200 with their own key"), std::string::npos)
        << result.out;

    std::regex const sweep_row{R"(\n {2,}([1-8]) +[0-9]+\.[0-9]{3}(?=\n))"};
    auto const rows =
        std::distance(std::sregex_iterator(result.out.begin(), result.out.end(), sweep_row), {});
    EXPECT_EQ(rows, 8) << result.out;
}

} // namespace
