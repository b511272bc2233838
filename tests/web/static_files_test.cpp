// SPDX-License-Identifier: BSL-1.0
// web::file_response and router::add_static over real sockets: sendfile, validators,
// conditional requests, ranges, and confinement to the static root.
#include "compression/encoder.hpp"
#include "support/files.hpp"
#include "support/process.hpp"
#include "support/raw_client.hpp"

#include <ahttp/http/date.hpp>
#include <ahttp/testing/test_server.hpp>
#include <ahttp/web.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
namespace web = ahttp::web;
using ahttp::test::parse_response;
using ahttp::test::random_bytes;
using ahttp::test::raw_client;
using ahttp::test::read_file;
using ahttp::test::request;
using ahttp::test::run_process;
using ahttp::test::temp_dir;

/// `text` compressed with `coding` (the library's own encoder; curl decodes it independently).
std::string compressed(ahttp::compression::coding coding, std::string_view text)
{
    ahttp::compression::encoder encoder{coding};
    std::string out;
    encoder.write(text, out);
    encoder.finish(out);
    return out;
}

/// What curl received: the head (as curl -D wrote it, lower-cased) and the body it saved.
struct curl_result {
    int exit_code = -1;
    std::string error;
    std::string head;
    std::string body;
    bool has(std::string_view header_line) const
    {
        std::string wanted{header_line};
        std::transform(wanted.begin(), wanted.end(), wanted.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return head.find("\r\n" + wanted + "\r\n") != std::string::npos;
    }
};

/// Runs curl with `options` on `url`, saving the head and body in `dir`.
curl_result curl(fs::path const& dir, std::vector<std::string> options, std::string const& url)
{
    auto const head_file = dir / "curl-head.txt";
    auto const body_file = dir / "curl-body.bin";
    std::vector<std::string> argv{
        "curl", "-sS", "-D", head_file.string(), "-o", body_file.string()};
    argv.insert(argv.end(), options.begin(), options.end());
    argv.push_back(url);
    auto const r = run_process(argv);
    curl_result out;
    out.exit_code = r.exit_code;
    out.error = r.err;
    out.head = read_file(head_file);
    std::transform(out.head.begin(), out.head.end(), out.head.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    out.body = read_file(body_file);
    return out;
}

/// Sets `path`'s modification time `age` before now (second precision, as HTTP dates).
void set_age(fs::path const& path, std::chrono::seconds age)
{
    auto const now =
        std::chrono::time_point_cast<std::chrono::seconds>(fs::file_time_type::clock::now());
    fs::last_write_time(path, now - age);
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

// ---- precompressed siblings (file_options::precompressed) ----

using ahttp::compression::coding;

/// A stylesheet F with siblings F.br and F.gz whose decoded text differs from F's, so that
/// every test can tell which representation it received.
struct precompressed_files {
    precompressed_files()
    {
        css = dir.write("site.css", plain);
        br = compressed(coding::br, br_text);
        gz = compressed(coding::gzip, gz_text);
        dir.write("site.css.br", br);
        dir.write("site.css.gz", gz);
        set_age(css, std::chrono::hours{3});
        set_age(dir.path() / "site.css.br", std::chrono::hours{2});
        set_age(dir.path() / "site.css.gz", std::chrono::hours{1});
    }
    temp_dir dir;
    std::string const plain = "body { color: black } /* identity */\n";
    std::string const br_text = "body { color: blue } /* from site.css.br */\n";
    std::string const gz_text = "body { color: green } /* from site.css.gz */\n";
    fs::path css;
    std::string br;
    std::string gz;
};

TEST(PrecompressedTest, CurlCompressedGetsTheBrotliSibling)
{
    precompressed_files files;
    auto app = file_app(files.css);
    ahttp::testing::test_server server{app};
    // curl --compressed offers "deflate, gzip, br, zstd" and decodes what it gets.
    auto const r = curl(files.dir.path(), {"--compressed"}, server.url("/file"));
    ASSERT_EQ(r.exit_code, 0) << r.error;
    EXPECT_TRUE(r.head.starts_with("http/1.1 200")) << r.head;
    EXPECT_EQ(r.body, files.br_text);
    EXPECT_TRUE(r.has("content-encoding: br")) << r.head;
    EXPECT_TRUE(r.has("content-type: text/css; charset=utf-8")) << r.head;
    EXPECT_TRUE(r.has("vary: accept-encoding")) << r.head;
    EXPECT_TRUE(r.has("content-length: " + std::to_string(files.br.size()))) << r.head;

    // Asked for br only, curl (without --compressed) saves the coded bytes as they are.
    auto const raw = curl(files.dir.path(), {"-H", "Accept-Encoding: br"}, server.url("/file"));
    ASSERT_EQ(raw.exit_code, 0) << raw.error;
    EXPECT_TRUE(raw.body == files.br);
    EXPECT_TRUE(raw.has("content-encoding: br")) << raw.head;
}

TEST(PrecompressedTest, GzipSiblingHasItsOwnValidators)
{
    precompressed_files files;
    auto app = file_app(files.css);
    ahttp::testing::test_server server{app};
    auto const gz = request(server.port(), "GET", "/file", "Accept-Encoding: gzip\r\n");
    EXPECT_EQ(gz.status, 200);
    EXPECT_TRUE(gz.body == files.gz);
    EXPECT_EQ(gz.header("Content-Encoding"), "gzip");
    EXPECT_EQ(gz.header("Content-Type"), "text/css; charset=utf-8");
    EXPECT_EQ(gz.header("Vary"), "Accept-Encoding");
    EXPECT_EQ(gz.header("Content-Length"), std::to_string(files.gz.size()));

    auto const plain = request(server.port(), "GET", "/file");
    EXPECT_EQ(plain.status, 200);
    EXPECT_EQ(plain.body, files.plain);
    EXPECT_EQ(plain.header("Content-Encoding"), "");
    // The identity response varies too: a cache must not hand it to a gzip client, or back.
    EXPECT_EQ(plain.header("Vary"), "Accept-Encoding");

    // Validators come from the file sent; the tags of the two representations differ.
    struct stat st {};
    ASSERT_EQ(::stat((files.dir.path() / "site.css.gz").c_str(), &st), 0);
    auto const gz_modified = ahttp::http::parse_date(gz.header("Last-Modified"));
    ASSERT_TRUE(gz_modified.has_value()) << gz.head;
    EXPECT_EQ(gz_modified->time_since_epoch().count(), st.st_mtim.tv_sec);
    EXPECT_NE(gz.header("Last-Modified"), plain.header("Last-Modified"));
    std::string const gz_tag = gz.header("ETag");
    EXPECT_TRUE(gz_tag.ends_with("-gzip\"")) << gz_tag;
    EXPECT_NE(gz_tag, plain.header("ETag"));

    // Conditional requests compare with the representation's own tag.
    auto const same = request(server.port(), "GET", "/file",
                              "Accept-Encoding: gzip\r\nIf-None-Match: " + gz_tag + "\r\n");
    EXPECT_EQ(same.status, 304);
    EXPECT_EQ(same.header("ETag"), gz_tag);
    EXPECT_EQ(same.header("Vary"), "Accept-Encoding");
    EXPECT_EQ(same.header("Content-Encoding"), "");
    EXPECT_EQ(request(server.port(), "GET", "/file", "If-None-Match: " + gz_tag + "\r\n").status,
              200);
    EXPECT_EQ(request(server.port(), "GET", "/file",
                      "Accept-Encoding: gzip\r\nIf-Modified-Since: " + gz.header("Last-Modified") +
                          "\r\n")
                  .status,
              304);

    // HEAD describes what GET would send.
    auto const head = request(server.port(), "HEAD", "/file", "Accept-Encoding: gzip\r\n");
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(head.body, "");
    EXPECT_EQ(head.header("Content-Length"), std::to_string(files.gz.size()));
    EXPECT_EQ(head.header("Content-Encoding"), "gzip");
    EXPECT_EQ(head.header("ETag"), gz_tag);
    EXPECT_EQ(head.header("Vary"), "Accept-Encoding");
}

TEST(PrecompressedTest, RangesAddressTheChosenRepresentation)
{
    precompressed_files files;
    auto app = file_app(files.css);
    ahttp::testing::test_server server{app};
    auto const part =
        request(server.port(), "GET", "/file", "Accept-Encoding: gzip\r\nRange: bytes=0-9\r\n");
    EXPECT_EQ(part.status, 206);
    EXPECT_TRUE(part.body == files.gz.substr(0, 10));
    EXPECT_EQ(part.header("Content-Encoding"), "gzip");
    EXPECT_EQ(part.header("Content-Range"), "bytes 0-9/" + std::to_string(files.gz.size()));
    // The rest, with curl, and If-Range on the sibling's tag: the pieces make the .gz.
    auto const rest =
        curl(files.dir.path(),
             {"-H", "Accept-Encoding: gzip", "-H", "If-Range: " + part.header("ETag"), "-r", "10-"},
             server.url("/file"));
    ASSERT_EQ(rest.exit_code, 0) << rest.error;
    EXPECT_TRUE(rest.head.starts_with("http/1.1 206")) << rest.head;
    EXPECT_TRUE(part.body + rest.body == files.gz);
    // Beyond the sibling's size (but inside F's): unsatisfiable, and no coding on the error.
    auto const beyond = request(
        server.port(), "GET", "/file",
        "Accept-Encoding: gzip\r\nRange: bytes=" + std::to_string(files.gz.size()) + "-\r\n");
    EXPECT_EQ(beyond.status, 416);
    EXPECT_EQ(beyond.header("Content-Range"), "bytes */" + std::to_string(files.gz.size()));
    EXPECT_EQ(beyond.header("Content-Encoding"), "");
}

TEST(PrecompressedTest, FollowsAcceptEncodingQualities)
{
    precompressed_files files;
    auto app = file_app(files.css);
    ahttp::testing::test_server server{app};
    auto const body_for = [&](std::string const& accept) {
        return request(server.port(), "GET", "/file", "Accept-Encoding: " + accept + "\r\n").body;
    };
    EXPECT_TRUE(body_for("gzip, br") == files.br); // br first at equal quality
    EXPECT_TRUE(body_for("br;q=0.5, gzip") == files.gz);
    EXPECT_TRUE(body_for("br;q=0, gzip") == files.gz);
    EXPECT_TRUE(body_for("X-GZIP") == files.gz);
    EXPECT_EQ(body_for("gzip;q=0"), files.plain); // q=0 refuses gzip
    EXPECT_EQ(body_for("gzip;q=0, br;q=0"), files.plain);
    EXPECT_EQ(body_for("deflate"), files.plain);
    EXPECT_EQ(body_for(""), files.plain);
    EXPECT_EQ(body_for("gzip;q=0.2, identity"), files.plain); // identity rated higher
    // Two fields combine as one list.
    auto const two = request(server.port(), "GET", "/file",
                             "Accept-Encoding: br;q=0\r\nAccept-Encoding: gzip\r\n");
    EXPECT_TRUE(two.body == files.gz);
    // curl asked to refuse gzip gets the identity file, which it saves unchanged.
    auto const refused =
        curl(files.dir.path(), {"-H", "Accept-Encoding: gzip;q=0"}, server.url("/file"));
    ASSERT_EQ(refused.exit_code, 0) << refused.error;
    EXPECT_EQ(refused.body, files.plain);
    EXPECT_FALSE(refused.has("content-encoding: gzip")) << refused.head;
    EXPECT_TRUE(refused.has("vary: accept-encoding")) << refused.head;
}

TEST(PrecompressedTest, MissingOrUnusableSiblingsFallBack)
{
    temp_dir dir;
    auto const only_gz = dir.write("only-gz.js", "plain js");
    dir.write("only-gz.js.gz", compressed(coding::gzip, "gz js"));
    auto const none = dir.write("none.js", "no siblings");
    auto const dir_sibling = dir.write("dir.js", "its siblings are directories");
    fs::create_directories(dir.path() / "dir.js.gz");
    fs::create_directories(dir.path() / "dir.js.br");
    auto const fifo_sibling = dir.write("fifo.js", "its sibling is a fifo");
    ASSERT_EQ(::mkfifo((dir.path() / "fifo.js.gz").c_str(), 0600), 0);

    web::application app;
    for (auto const& path : {only_gz, none, dir_sibling, fifo_sibling}) {
        std::string target{"/"}; // (not "/" + …: g++ 12 warns falsely, -Wrestrict)
        target.append(path.filename().string());
        app.router().add_get(target, [path](web::request&) -> ahttp::awaitable<web::response> {
            co_return web::file_response{path};
        });
    }
    ahttp::testing::test_server server{app};
    auto const get = [&](std::string const& target, std::string const& accept) {
        return request(server.port(), "GET", target, "Accept-Encoding: " + accept + "\r\n");
    };
    // Only a .gz: a br-only client gets the file, but the response still varies.
    auto const br_only = get("/only-gz.js", "br");
    EXPECT_EQ(br_only.body, "plain js");
    EXPECT_EQ(br_only.header("Content-Encoding"), "");
    EXPECT_EQ(br_only.header("Vary"), "Accept-Encoding");
    EXPECT_EQ(get("/only-gz.js", "gzip, br").header("Content-Encoding"), "gzip");
    // No sibling at all: nothing varies.
    auto const plain = get("/none.js", "gzip, br");
    EXPECT_EQ(plain.body, "no siblings");
    EXPECT_EQ(plain.header("Content-Encoding"), "");
    EXPECT_EQ(plain.header("Vary"), "");
    // Directories and FIFOs named like siblings are not siblings (and never block).
    for (auto const* target : {"/dir.js", "/fifo.js"}) {
        auto const r = get(target, "gzip, br");
        EXPECT_EQ(r.status, 200) << target;
        EXPECT_EQ(r.header("Content-Encoding"), "") << target;
        EXPECT_EQ(r.header("Vary"), "") << target;
    }
    EXPECT_EQ(get("/dir.js", "gzip").body, "its siblings are directories");
    // An unreadable sibling (root reads anything, so only checked for other users).
    if (::geteuid() != 0) {
        fs::permissions(dir.path() / "only-gz.js.gz", fs::perms::none);
        auto const r = get("/only-gz.js", "gzip");
        EXPECT_EQ(r.status, 200);
        EXPECT_EQ(r.body, "plain js");
        EXPECT_EQ(r.header("Content-Encoding"), "");
    }
}

TEST(PrecompressedTest, OffByOption)
{
    precompressed_files files;
    web::application app;
    app.router().add_get("/file", [&files](web::request&) -> ahttp::awaitable<web::response> {
        co_return web::file_response{files.css, {.precompressed = false}};
    });
    ahttp::testing::test_server server{app};
    auto const r = curl(files.dir.path(), {"--compressed"}, server.url("/file"));
    ASSERT_EQ(r.exit_code, 0) << r.error;
    EXPECT_EQ(r.body, files.plain);
    EXPECT_FALSE(r.has("content-encoding: br")) << r.head;
    EXPECT_EQ(r.head.find("vary:"), std::string::npos) << r.head;
}

TEST(PrecompressedTest, HandlerContentEncodingIsKept)
{
    // A handler that sends a coded file on purpose (Content-Encoding set) gets it untouched.
    precompressed_files files;
    web::application app;
    auto const gz_path = files.dir.path() / "site.css.gz";
    files.dir.write("site.css.gz.br", "not to be sent");
    app.router().add_get("/file", [gz_path](web::request&) -> ahttp::awaitable<web::response> {
        web::file_response r{gz_path, {.content_type = "text/css"}};
        r.headers().set(ahttp::http::field::content_encoding, "gzip");
        co_return r;
    });
    ahttp::testing::test_server server{app};
    auto const r = request(server.port(), "GET", "/file", "Accept-Encoding: gzip, br\r\n");
    EXPECT_TRUE(r.body == files.gz);
    EXPECT_EQ(r.header("Content-Encoding"), "gzip");
    EXPECT_EQ(r.header("Vary"), "");
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

TEST_F(StaticFilesTest, ServesPrecompressedSiblingsInsideTheRoot)
{
    std::string const app_js = "console.log('identity');\n";
    dir_.write("root/js/app.js", app_js);
    dir_.write("root/js/app.js.br", compressed(coding::br, "console.log('br');\n"));
    std::string const gz = compressed(coding::gzip, "console.log('gzip');\n");
    dir_.write("root/js/app.js.gz", gz);
    dir_.write("root/docs/index.html.gz", compressed(coding::gzip, "<h1>docs, gzip</h1>"));
    // Siblings that are no siblings: a directory, and links that leave the root.
    fs::create_directories(root_ / "css/site.css.gz");
    dir_.write("outside.gz", compressed(coding::gzip, "outside the root"));
    fs::create_symlink(dir_.path() / "outside.gz", root_ / "index.txt.gz");
    fs::create_symlink("../../outside.gz", root_ / "css/site.css.br");

    web::static_options options;
    options.index_file = "index.html";
    auto app = make_app(options);
    ahttp::testing::test_server server{app};

    auto const br = curl(dir_.path(), {"--compressed"}, server.url("/static/js/app.js"));
    ASSERT_EQ(br.exit_code, 0) << br.error;
    EXPECT_EQ(br.body, "console.log('br');\n");
    EXPECT_TRUE(br.has("content-encoding: br")) << br.head;
    EXPECT_TRUE(br.has("vary: accept-encoding")) << br.head;
    EXPECT_TRUE(br.has("content-type: text/javascript; charset=utf-8")) << br.head;

    auto const gzip =
        request(server.port(), "GET", "/static/js/app.js", "Accept-Encoding: gzip\r\n");
    EXPECT_TRUE(gzip.body == gz);
    EXPECT_EQ(gzip.header("Content-Encoding"), "gzip");
    auto const part = request(server.port(), "GET", "/static/js/app.js",
                              "Accept-Encoding: gzip\r\nRange: bytes=-5\r\n");
    EXPECT_EQ(part.status, 206);
    EXPECT_TRUE(part.body == gz.substr(gz.size() - 5));
    auto const head =
        request(server.port(), "HEAD", "/static/js/app.js", "Accept-Encoding: gzip\r\n");
    EXPECT_EQ(head.header("Content-Length"), std::to_string(gz.size()));
    EXPECT_EQ(head.header("Content-Encoding"), "gzip");
    auto const plain = request(server.port(), "GET", "/static/js/app.js");
    EXPECT_EQ(plain.body, app_js);
    EXPECT_EQ(plain.header("Vary"), "Accept-Encoding");

    // The index file has siblings too.
    auto const index = curl(dir_.path(), {"--compressed"}, server.url("/static/docs/"));
    ASSERT_EQ(index.exit_code, 0) << index.error;
    EXPECT_EQ(index.body, "<h1>docs, gzip</h1>");
    EXPECT_TRUE(index.has("content-type: text/html; charset=utf-8")) << index.head;

    // A directory, or a relative link out of the root, named like a sibling is ignored.
    auto const css =
        request(server.port(), "GET", "/static/css/site.css", "Accept-Encoding: gzip\r\n");
    EXPECT_EQ(css.status, 200);
    EXPECT_EQ(css.body, "body{}");
    EXPECT_EQ(css.header("Content-Encoding"), "");
    EXPECT_EQ(css.header("Vary"), "");

    // A sibling that leads out of the root is never opened: the file itself is sent.
    auto const escape =
        request(server.port(), "GET", "/static/index.txt", "Accept-Encoding: gzip\r\n");
    EXPECT_EQ(escape.status, 200);
    EXPECT_EQ(escape.body, "top");
    EXPECT_EQ(escape.header("Content-Encoding"), "");
    EXPECT_EQ(escape.header("Vary"), "");
}

TEST_F(StaticFilesTest, PrecompressedFollowsSymlinksOnlyWhenAllowed)
{
    dir_.write("outside.gz", compressed(coding::gzip, "outside the root"));
    fs::create_symlink(dir_.path() / "outside.gz", root_ / "index.txt.gz");
    web::static_options options;
    options.follow_symlinks = true;
    auto app = make_app(options);
    ahttp::testing::test_server server{app};
    auto const r = curl(dir_.path(), {"--compressed"}, server.url("/static/index.txt"));
    ASSERT_EQ(r.exit_code, 0) << r.error;
    EXPECT_EQ(r.body, "outside the root");
    EXPECT_TRUE(r.has("content-encoding: gzip")) << r.head;
}

TEST_F(StaticFilesTest, PrecompressedOffByOption)
{
    dir_.write("root/css/site.css.gz", compressed(coding::gzip, "coded"));
    web::static_options options;
    options.files.precompressed = false;
    auto app = make_app(options);
    ahttp::testing::test_server server{app};
    auto const r =
        request(server.port(), "GET", "/static/css/site.css", "Accept-Encoding: gzip\r\n");
    EXPECT_EQ(r.body, "body{}");
    EXPECT_EQ(r.header("Content-Encoding"), "");
    EXPECT_EQ(r.header("Vary"), "");
}

TEST_F(StaticFilesTest, RejectsBadRootsAndPrefixes)
{
    web::application app;
    EXPECT_THROW(app.router().add_static("/s", root_ / "index.txt"), ahttp::error);
    EXPECT_THROW(app.router().add_static("/s", dir_.path() / "missing"), ahttp::error);
    EXPECT_THROW(app.router().add_static("s", root_), ahttp::error);
}

} // namespace
