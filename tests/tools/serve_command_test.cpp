// SPDX-License-Identifier: BSL-1.0
// `ahttp serve DIR` as a child process: files, index, Range, ETag revalidation, confinement,
// and a clean exit on SIGINT. Asked with curl, a real client.
#include "support/process.hpp"
#include "support/running_process.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>

namespace {

using namespace std::chrono_literals;
using ahttp::test::run_process;
using ahttp::test::running_process;

class ServeCommandTest : public ::testing::Test {
protected:
    ServeCommandTest()
    {
        root_ =
            std::filesystem::temp_directory_path() / ("ahttp_serve_" + std::to_string(::getpid()));
        std::filesystem::create_directories(root_ / "docs");
        std::ofstream{root_ / "hello.txt"} << "0123456789";
        std::ofstream{root_ / "docs" / "index.html"} << "<h1>docs</h1>";
        server_ = std::make_unique<running_process>(std::vector<std::string>{
            AHTTP_TOOL, "serve", root_.string(), "--host", "127.0.0.1", "--port", "0"});
        std::regex const banner{R"(Running on http://127\.0\.0\.1:(\d+))"};
        auto const match = server_->wait_for_stdout(banner, 20s);
        if (match) {
            base_ = "http://127.0.0.1:" + (*match)[1].str();
        }
    }

    ~ServeCommandTest() override { std::filesystem::remove_all(root_); }

    /// curl's status line and headers (-i), then the body.
    ahttp::test::process_result curl(std::vector<std::string> args)
    {
        args.insert(args.begin(), {"curl", "-s", "-i", "--max-time", "10"});
        return run_process(args);
    }

    std::filesystem::path root_;
    std::unique_ptr<running_process> server_;
    std::string base_;
};

TEST_F(ServeCommandTest, ServesFilesIndexesAndRanges)
{
    ASSERT_FALSE(base_.empty()) << server_->out() << server_->err();
    auto const file = curl({base_ + "/hello.txt"});
    EXPECT_NE(file.out.find("HTTP/1.1 200 OK"), std::string::npos) << file.out;
    EXPECT_EQ(file.out.substr(file.out.size() - 10), "0123456789");

    auto const index = curl({base_ + "/docs/"});
    EXPECT_NE(index.out.find("<h1>docs</h1>"), std::string::npos) << index.out;

    auto const listing = curl({base_ + "/"});
    EXPECT_NE(listing.out.find("hello.txt"), std::string::npos) << listing.out;

    auto const range = curl({"-H", "Range: bytes=2-4", base_ + "/hello.txt"});
    EXPECT_NE(range.out.find("HTTP/1.1 206"), std::string::npos) << range.out;
    EXPECT_EQ(range.out.substr(range.out.size() - 3), "234");

    std::smatch etag;
    ASSERT_TRUE(std::regex_search(file.out, etag, std::regex{"ETag: (\"[^\"]+\")"})) << file.out;
    auto const revalidated = curl({"-H", "If-None-Match: " + etag[1].str(), base_ + "/hello.txt"});
    EXPECT_NE(revalidated.out.find("HTTP/1.1 304"), std::string::npos) << revalidated.out;

    auto const escape = curl({"--path-as-is", base_ + "/../../etc/passwd"});
    EXPECT_EQ(escape.out.find("root:"), std::string::npos) << escape.out;
    EXPECT_EQ(escape.out.find("HTTP/1.1 200"), std::string::npos) << escape.out;

    server_->signal(SIGINT);
    EXPECT_EQ(server_->wait_exit(30s), 0) << server_->err();
    EXPECT_NE(server_->err().find("\"GET /hello.txt HTTP/1.1\" 200 10"), std::string::npos)
        << server_->err();
}

TEST(ServeCommandErrorsTest, MissingDirectoryAndBusyPortAreOneLine)
{
    auto const missing = run_process({AHTTP_TOOL, "serve", "/no/such/dir", "--port", "0"});
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_EQ(missing.err, "ahttp: /no/such/dir: not a directory\n");

    running_process first{{AHTTP_TOOL, "serve", "/tmp", "--host", "127.0.0.1", "--port", "0"}};
    auto const match = first.wait_for_stdout(std::regex{R"(127\.0\.0\.1:(\d+))"}, 20s);
    ASSERT_TRUE(match);
    auto const busy = run_process(
        {AHTTP_TOOL, "serve", "/tmp", "--host", "127.0.0.1", "--port", (*match)[1].str()});
    EXPECT_EQ(busy.exit_code, 1);
    EXPECT_EQ(std::count(busy.err.begin(), busy.err.end(), '\n'), 1) << busy.err;
    EXPECT_NE(busy.err.find("in use"), std::string::npos) << busy.err;
}

} // namespace
