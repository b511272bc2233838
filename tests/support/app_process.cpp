// SPDX-License-Identifier: BSL-1.0
#include "support/app_process.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <string>

namespace ahttp::test {

std::regex const& run_app_banner()
{
    static std::regex const banner{R"(======== Running on http://127\.0\.0\.1:(\d+) ========)"};
    return banner;
}

std::uint16_t wait_for_banner(running_process& server, std::chrono::milliseconds limit)
{
    auto const match = server.wait_for_stdout(run_app_banner(), limit);
    if (!match) {
        ADD_FAILURE() << "no banner; stdout: " << server.out() << "\nstderr: " << server.err();
        return 0;
    }
    int const port = std::stoi((*match)[1].str());
    EXPECT_GT(port, 0);
    EXPECT_LT(port, 65536);
    return static_cast<std::uint16_t>(port);
}

void stop_cleanly(running_process& server)
{
    server.signal(SIGINT);
    int const code = server.wait_exit(std::chrono::seconds{30});
    EXPECT_EQ(code, 0) << "signal " << server.signalled() << "\nstderr: " << server.err();
}

} // namespace ahttp::test
