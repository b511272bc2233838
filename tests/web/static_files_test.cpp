// SPDX-License-Identifier: BSL-1.0
// web::file_response and router::add_static over real sockets: sendfile, validators,
// conditional requests, ranges, and confinement to the static root.
#include "support/process.hpp"
#include "support/raw_client.hpp"

#include <ahttp/http/date.hpp>
#include <ahttp/testing/test_server.hpp>
#include <ahttp/web.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sys/stat.h>

namespace {

namespace fs = std::filesystem;
namespace web = ahttp::web;
using ahttp::test::parse_response;
using ahttp::test::raw_client;
using ahttp::test::request;
using ahttp::test::run_process;

/// A fresh directory under the build's temp dir, removed at the end of the test.
class temp_dir {
public:
    temp_dir()
    {
        std::string pattern = (fs::temp_directory_path() / "ahttp-static-XXXXXX").string();
        path_ = ::mkdtemp(pattern.data());
    }
    ~temp_dir()
    {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    fs::path const& path() const noexcept { return path_; }
    fs::path write(std::string const& name, std::string const& content) const
    {
        auto const file = path_ / name;
        fs::create_directories(file.parent_path());
        std::ofstream{file, std::ios::binary} << content;
        return file;
    }

private:
    fs::path path_;
};

std::string random_bytes(std::size_t size)
{
    std::mt19937 generator{42};
    std::string out(size, '\0');
    for (auto& c : out) {
        c = static_cast<char>(generator());
    }
    return out;
}

/// An app with GET /file answering file_response(path).
web::application file_app(fs::path const& path)
{
    web::application app;
    app.router().add_get("/file", [path](web::request&) -> ahttp::awaitable<web::response> {
        co_return web::file_response{path};
    });
    return app;
}

TEST(FileResponseTest, SendsSmallFileWithValidatorsAndType)
{
    temp_dir dir;
    auto const path = dir.write("hello.txt", "Hello, file!\n");
    auto app = file_app(path);
    ahttp::testing::test_server server{app};
    auto const r = request(server.port(), "GET", "/file");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "Hello, file!\n");
    EXPECT_EQ(r.header("Content-Length"), "13");
    EXPECT_EQ(r.header("Content-Type"), "text/plain; charset=utf-8");
    EXPECT_EQ(r.header("Accept-Ranges"), "bytes");
    EXPECT_TRUE(r.header("ETag").starts_with("\"")) << r.header("ETag");
    auto const modified = ahttp::http::parse_date(r.header("Last-Modified"));
    ASSERT_TRUE(modified.has_value()) << r.header("Last-Modified");
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(modified->time_since_epoch().count(), st.st_mtim.tv_sec);
}

TEST(FileResponseTest, SendsLargeFileByteExactAndKeepsConnection)
{
    temp_dir dir;
    std::string const content = random_bytes(3 * 1024 * 1024 + 17);
    auto app = file_app(dir.write("blob.bin", content));
    ahttp::testing::test_server server{app};
    raw_client client{server.port()};
    for (int i = 0; i < 2; ++i) {
        client.send("GET /file HTTP/1.1\r\nHost: x\r\n\r\n");
        auto const r = parse_response(client.read_response());
        EXPECT_EQ(r.status, 200);
        EXPECT_EQ(r.header("Content-Type"), "application/octet-stream");
        ASSERT_EQ(r.body.size(), content.size());
        EXPECT_TRUE(r.body == content);
    }
    EXPECT_EQ(server.connection_count(), 1u);
}

TEST(FileResponseTest, HeadHasLengthButNoBody)
{
    temp_dir dir;
    auto app = file_app(dir.write("page.html", std::string(100'000, 'h')));
    ahttp::testing::test_server server{app};
    raw_client client{server.port()};
    client.send("HEAD /file HTTP/1.1\r\nHost: x\r\n\r\nGET /file HTTP/1.1\r\nHost: x\r\n\r\n");
    auto const head = parse_response(client.read_response(true));
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(head.header("Content-Length"), "100000");
    EXPECT_EQ(head.header("Content-Type"), "text/html; charset=utf-8");
    EXPECT_EQ(head.body, "");
    auto const get = parse_response(client.read_response());
    EXPECT_EQ(get.body.size(), 100'000u); // the HEAD sent no body bytes
}

TEST(FileResponseTest, AnswersConditionalRequests)
{
    temp_dir dir;
    auto app = file_app(dir.write("a.css", "body{}"));
    ahttp::testing::test_server server{app};
    auto const first = request(server.port(), "GET", "/file");
    std::string const etag = first.header("ETag");
    std::string const modified = first.header("Last-Modified");
    ASSERT_FALSE(etag.empty());

    auto const same = request(server.port(), "GET", "/file", "If-None-Match: " + etag + "\r\n");
    EXPECT_EQ(same.status, 304);
    EXPECT_EQ(same.body, "");
    EXPECT_EQ(same.header("ETag"), etag);
    EXPECT_EQ(same.header("Content-Length"), "");
    // If-None-Match compares weakly, takes lists, and "*".
    EXPECT_EQ(
        request(server.port(), "GET", "/file", "If-None-Match: \"x\", W/" + etag + "\r\n").status,
        304);
    EXPECT_EQ(request(server.port(), "GET", "/file", "If-None-Match: *\r\n").status, 304);
    EXPECT_EQ(request(server.port(), "GET", "/file", "If-None-Match: \"other\"\r\n").status, 200);
    // If-None-Match wins over If-Modified-Since.
    EXPECT_EQ(request(server.port(), "GET", "/file",
                      "If-None-Match: \"other\"\r\nIf-Modified-Since: " + modified + "\r\n")
                  .status,
              200);
    EXPECT_EQ(
        request(server.port(), "GET", "/file", "If-Modified-Since: " + modified + "\r\n").status,
        304);
    EXPECT_EQ(request(server.port(), "GET", "/file",
                      "If-Modified-Since: Sat, 01 Jan 2000 00:00:00 GMT\r\n")
                  .status,
              200);
    // A malformed date is ignored.
    EXPECT_EQ(request(server.port(), "GET", "/file", "If-Modified-Since: yesterday\r\n").status,
              200);
    // If-Match compares strongly; If-Unmodified-Since fails for a file changed after it.
    EXPECT_EQ(request(server.port(), "GET", "/file", "If-Match: " + etag + "\r\n").status, 200);
    EXPECT_EQ(request(server.port(), "GET", "/file", "If-Match: W/" + etag + "\r\n").status, 412);
    EXPECT_EQ(request(server.port(), "GET", "/file", "If-Match: \"nope\"\r\n").status, 412);
    EXPECT_EQ(request(server.port(), "GET", "/file",
                      "If-Unmodified-Since: Sat, 01 Jan 2000 00:00:00 GMT\r\n")
                  .status,
              412);
}

TEST(FileResponseTest, ServesSingleByteRanges)
{
    temp_dir dir;
    std::string const content = "0123456789abcdefghij";
    auto app = file_app(dir.write("digits.txt", content));
    ahttp::testing::test_server server{app};
    auto const range = [&](std::string const& spec, std::string const& extra = {}) {
        return request(server.port(), "GET", "/file", "Range: " + spec + "\r\n" + extra);
    };
    auto const middle = range("bytes=2-5");
    EXPECT_EQ(middle.status, 206);
    EXPECT_EQ(middle.body, "2345");
    EXPECT_EQ(middle.header("Content-Range"), "bytes 2-5/20");
    EXPECT_EQ(middle.header("Content-Length"), "4");
    EXPECT_EQ(range("bytes=15-").body, "fghij");
    EXPECT_EQ(range("bytes=-3").body, "hij");
    EXPECT_EQ(range("bytes=-300").body, content);
    EXPECT_EQ(range("bytes=18-999").body, "ij");
    EXPECT_EQ(range("BYTES = 0-0").body, "0");

    auto const beyond = range("bytes=20-");
    EXPECT_EQ(beyond.status, 416);
    EXPECT_EQ(beyond.header("Content-Range"), "bytes */20");
    EXPECT_EQ(range("bytes=-0").status, 416);
    // Ignored: several ranges, bad syntax, another unit.
    for (auto const* spec : {"bytes=0-1,4-5", "bytes=5-2", "bytes=x-3", "lines=1-2", "bytes"}) {
        auto const whole = range(spec);
        EXPECT_EQ(whole.status, 200) << spec;
        EXPECT_EQ(whole.body, content) << spec;
    }
    // If-Range: a matching validator keeps the range, anything else gives the whole file.
    std::string const etag = middle.header("ETag");
    std::string const modified = middle.header("Last-Modified");
    EXPECT_EQ(range("bytes=0-1", "If-Range: " + etag + "\r\n").status, 206);
    EXPECT_EQ(range("bytes=0-1", "If-Range: " + modified + "\r\n").status, 206);
    EXPECT_EQ(range("bytes=0-1", "If-Range: \"stale\"\r\n").status, 200);
    EXPECT_EQ(range("bytes=0-1", "If-Range: W/" + etag + "\r\n").status, 200);
    EXPECT_EQ(range("bytes=0-1", "If-Range: Sat, 01 Jan 2000 00:00:00 GMT\r\n").status, 200);
    // HEAD ignores Range.
    EXPECT_EQ(request(server.port(), "HEAD", "/file", "Range: bytes=0-1\r\n").status, 200);
}

TEST(FileResponseTest, LargeRangeFromTheMiddleIsExact)
{
    temp_dir dir;
    std::string const content = random_bytes(2 * 1024 * 1024);
    auto app = file_app(dir.write("blob.bin", content));
    ahttp::testing::test_server server{app};
    auto const r = request(server.port(), "GET", "/file", "Range: bytes=100000-1299999\r\n");
    EXPECT_EQ(r.status, 206);
    ASSERT_EQ(r.body.size(), 1'200'000u);
    EXPECT_TRUE(r.body == content.substr(100'000, 1'200'000));
}

TEST(FileResponseTest, MissingFileIs404AndDirectoryIs403)
{
    temp_dir dir;
    auto missing = file_app(dir.path() / "nope.txt");
    ahttp::testing::test_server server{missing};
    EXPECT_EQ(request(server.port(), "GET", "/file").status, 404);
    auto directory = file_app(dir.path());
    ahttp::testing::test_server server2{directory};
    EXPECT_EQ(request(server2.port(), "GET", "/file").status, 403);
}

TEST(FileResponseTest, PipelinedSmallFilesComeBackInOrder)
{
    temp_dir dir;
    auto app = file_app(dir.write("x.txt", "xyz"));
    ahttp::testing::test_server server{app};
    raw_client client{server.port()};
    std::string batch;
    for (int i = 0; i < 8; ++i) {
        batch += "GET /file HTTP/1.1\r\nHost: x\r\n\r\n";
    }
    client.send(batch);
    for (int i = 0; i < 8; ++i) {
        EXPECT_EQ(parse_response(client.read_response()).body, "xyz");
    }
}

TEST(FileResponseTest, CurlDownloadsAndResumes)
{
    temp_dir dir;
    std::string const content = random_bytes(500'000);
    auto app = file_app(dir.write("blob.bin", content));
    ahttp::testing::test_server server{app};
    auto const out = dir.path() / "download.bin";
    // A partial file, then curl -C - resumes it with a Range request.
    {
        std::ofstream partial{out, std::ios::binary};
        partial << content.substr(0, 123'456);
    }
    auto const r =
        run_process({"curl", "-sS", "-f", "-C", "-", "-o", out.string(), server.url("/file")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::ifstream in{out, std::ios::binary};
    std::string const downloaded{std::istreambuf_iterator<char>{in}, {}};
    EXPECT_EQ(downloaded.size(), content.size());
    EXPECT_TRUE(downloaded == content);
}

// ---- add_static ----

class StaticFilesTest : public ::testing::Test {
protected:
    StaticFilesTest()
    {
        root_ = dir_.path() / "root";
        dir_.write("root/index.txt", "top");
        dir_.write("root/css/site.css", "body{}");
        dir_.write("root/docs/index.html", "<h1>docs</h1>");
        dir_.write("root/list/<b>&.txt", "odd name");
        dir_.write("root/list/sub/inner.txt", "inner");
        dir_.write("secret.txt", "outside the root");
        fs::create_symlink(dir_.path() / "secret.txt", root_ / "escape.txt");
        fs::create_symlink(root_ / "index.txt", root_ / "alias.txt");
        fs::create_symlink("css/site.css", root_ / "relative.css");
        fs::create_directory_symlink(dir_.path(), root_ / "up");
        ::mkfifo((root_ / "fifo").c_str(), 0600);
    }

    web::application make_app(web::static_options options = {})
    {
        web::application app;
        app.router().add_static("/static", root_, std::move(options));
        return app;
    }

    temp_dir dir_;
    fs::path root_;
};

TEST_F(StaticFilesTest, ServesFilesUnderThePrefix)
{
    auto app = make_app();
    ahttp::testing::test_server server{app};
    auto const css = request(server.port(), "GET", "/static/css/site.css");
    EXPECT_EQ(css.status, 200);
    EXPECT_EQ(css.body, "body{}");
    EXPECT_EQ(css.header("Content-Type"), "text/css; charset=utf-8");
    EXPECT_EQ(request(server.port(), "GET", "/static/index.txt").body, "top");
    EXPECT_EQ(request(server.port(), "GET", "/static//css/./site.css").body, "body{}");
    EXPECT_EQ(request(server.port(), "GET", "/static/css/%73ite.css").body, "body{}");
    EXPECT_EQ(request(server.port(), "HEAD", "/static/index.txt").header("Content-Length"), "3");
    EXPECT_EQ(request(server.port(), "GET", "/static/nope.txt").status, 404);
    EXPECT_EQ(request(server.port(), "POST", "/static/index.txt").status, 405);
    // A symlink that stays inside the root is fine.
    EXPECT_EQ(request(server.port(), "GET", "/static/alias.txt").body, "top");
    EXPECT_EQ(request(server.port(), "GET", "/static/relative.css").body, "body{}");
}

TEST_F(StaticFilesTest, NeverLeavesTheRoot)
{
    auto app = make_app();
    ahttp::testing::test_server server{app};
    for (auto const* target :
         {"/static/../secret.txt", "/static/%2e%2e/secret.txt", "/static/css/../../secret.txt",
          "/static/css/%2E%2E%2F%2E%2E%2Fsecret.txt", "/static/..%2fsecret.txt",
          "/static/escape.txt", "/static/up/secret.txt", "/static/%00", "/static/a%00b"}) {
        auto const r = request(server.port(), "GET", target);
        EXPECT_EQ(r.status, 404) << target << "\n" << r.head;
        EXPECT_EQ(r.body.find("outside"), std::string::npos) << target;
    }
    // A FIFO is neither read nor waited on.
    EXPECT_EQ(request(server.port(), "GET", "/static/fifo").status, 403);
}

TEST_F(StaticFilesTest, FollowSymlinksAllowsLinksOut)
{
    web::static_options options;
    options.follow_symlinks = true;
    auto app = make_app(options);
    ahttp::testing::test_server server{app};
    EXPECT_EQ(request(server.port(), "GET", "/static/escape.txt").body, "outside the root");
    EXPECT_EQ(request(server.port(), "GET", "/static/../secret.txt").status, 404);
}

TEST_F(StaticFilesTest, DirectoriesAreForbiddenWithoutIndex)
{
    auto app = make_app();
    ahttp::testing::test_server server{app};
    EXPECT_EQ(request(server.port(), "GET", "/static/docs/").status, 403);
    EXPECT_EQ(request(server.port(), "GET", "/static/").status, 403);
}

TEST_F(StaticFilesTest, ServesIndexFileAndRedirectsToTheSlash)
{
    web::static_options options;
    options.index_file = "index.html";
    auto app = make_app(options);
    ahttp::testing::test_server server{app};
    auto const moved = request(server.port(), "GET", "/static/docs?x=1");
    EXPECT_EQ(moved.status, 301);
    EXPECT_EQ(moved.header("Location"), "/static/docs/?x=1");
    auto const index = request(server.port(), "GET", "/static/docs/");
    EXPECT_EQ(index.status, 200);
    EXPECT_EQ(index.body, "<h1>docs</h1>");
    EXPECT_EQ(index.header("Content-Type"), "text/html; charset=utf-8");
    // A directory without that index and no listing: 403.
    EXPECT_EQ(request(server.port(), "GET", "/static/css/").status, 403);
}

TEST_F(StaticFilesTest, ListsDirectoriesWithEscapedNames)
{
    web::static_options options;
    options.show_index = true;
    auto app = make_app(options);
    ahttp::testing::test_server server{app};
    auto const r = request(server.port(), "GET", "/static/list/");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("Content-Type"), "text/html; charset=utf-8");
    EXPECT_NE(r.body.find("<title>Index of /static/list/</title>"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("<a href=\"%3Cb%3E%26.txt\">&lt;b&gt;&amp;.txt</a>"), std::string::npos)
        << r.body;
    EXPECT_NE(r.body.find("<a href=\"sub/\">sub/</a>"), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find("<b>"), std::string::npos);
    EXPECT_EQ(request(server.port(), "GET", "/static/list/%3Cb%3E%26.txt").body, "odd name");
}

TEST_F(StaticFilesTest, NamedRouteBuildsUrls)
{
    web::static_options options;
    options.name = "assets";
    auto app = make_app(options);
    EXPECT_EQ(app.router().url_for("assets", {{"filename", "css/site.css"}}),
              "/static/css/site.css");
}

TEST_F(StaticFilesTest, RejectsBadRootsAndPrefixes)
{
    web::application app;
    EXPECT_THROW(app.router().add_static("/s", root_ / "index.txt"), ahttp::error);
    EXPECT_THROW(app.router().add_static("/s", dir_.path() / "missing"), ahttp::error);
    EXPECT_THROW(app.router().add_static("s", root_), ahttp::error);
}

} // namespace
