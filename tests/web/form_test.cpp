// SPDX-License-Identifier: BSL-1.0
// request::post() and request::multipart() over real sockets: curl and python requests
// uploads, urlencoded forms, size limits, malformed bodies and temporary-file cleanup.
#include "support/files.hpp"
#include "support/process.hpp"
#include "support/raw_client.hpp"

#include <ahttp/testing/test_server.hpp>
#include <ahttp/web.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
namespace web = ahttp::web;
using ahttp::test::random_bytes;
using ahttp::test::read_file;
using ahttp::test::run_process;
using ahttp::test::system_python;
using ahttp::test::temp_dir;

/// FNV-1a, 64 bits: enough to tell two uploads apart in a one-line answer.
std::string fnv1a(std::string_view data)
{
    std::uint64_t h = 14695981039346656037ULL;
    for (char const c : data) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ULL;
    }
    return std::to_string(h);
}

/// One line per field, in order: "name=value" for text, "name: file …" for uploads (with the
/// content's size and hash, and whether it sits in `upload_dir`).
std::string describe(web::form_data const& form, fs::path const& upload_dir)
{
    std::string out;
    for (web::form_field const& field : form) {
        if (!field.is_file()) {
            out += field.name + "=" + field.value + "\n";
            continue;
        }
        web::file_field const& file = *field.file;
        std::string const content = file.read();
        out += field.name + ": file filename=" + std::string{file.filename()} +
               " type=" + std::string{file.content_type()} +
               " size=" + std::to_string(file.size()) + " read=" + std::to_string(content.size()) +
               " fnv=" + fnv1a(content) +
               " in_upload_dir=" + (file.path().parent_path() == upload_dir ? "yes" : "no") + "\n";
    }
    return out;
}

/// Points $TMPDIR (where uploads are spooled, see src/web/upload_file.hpp) at a private,
/// initially empty directory for the test's duration, so leftovers can be counted exactly.
class FormTest : public ::testing::Test {
protected:
    FormTest()
    {
        uploads_ = work_.path() / "uploads";
        fs::create_directory(uploads_);
        if (char const* old = std::getenv("TMPDIR")) {
            old_tmpdir_ = old;
        }
        ::setenv("TMPDIR", uploads_.c_str(), 1);
    }
    ~FormTest() override
    {
        if (old_tmpdir_) {
            ::setenv("TMPDIR", old_tmpdir_->c_str(), 1);
        } else {
            ::unsetenv("TMPDIR");
        }
    }

    /// The names of the files left in the upload directory.
    std::vector<std::string> leftovers() const
    {
        std::vector<std::string> names;
        for (auto const& entry : fs::directory_iterator{uploads_}) {
            names.push_back(entry.path().filename().string());
        }
        return names;
    }

    /// Waits up to two seconds for the upload directory to empty (files owned by a request
    /// go when its connection closes, which the server notices a moment after the client).
    std::vector<std::string> leftovers_after_close() const
    {
        auto const deadline = std::chrono::steady_clock::now() + std::chrono::seconds{2};
        while (!leftovers().empty() && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds{10});
        }
        return leftovers();
    }

    /// An app whose POST /form answers describe(co_await post()).
    web::application describing_app(std::size_t client_max_size = 1024 * 1024)
    {
        web::application app{{.client_max_size = client_max_size}};
        app.router().add_post(
            "/form", [dir = uploads_](web::request& req) -> ahttp::awaitable<web::response> {
                web::form_data const form = co_await req.post();
                co_return web::response::text(describe(form, dir));
            });
        return app;
    }

    temp_dir work_;
    fs::path uploads_;
    std::optional<std::string> old_tmpdir_;
};

TEST_F(FormTest, CurlUploadsTextFieldAndThreeMebibyteFile)
{
    std::string const content = random_bytes(3 * 1024 * 1024 + 5);
    auto const source = work_.write("blob.bin", content);
    auto const saved = work_.path() / "saved.bin";

    web::application app{{.client_max_size = 4 * 1024 * 1024}};
    app.router().add_post(
        "/form", [dir = uploads_, saved](web::request& req) -> ahttp::awaitable<web::response> {
            web::form_data const form = co_await req.post();
            if (web::file_field const* file = form.file("upload")) {
                file->save_as(saved);
            }
            co_return web::response::text(describe(form, dir));
        });
    ahttp::testing::test_server server{app};

    auto const r = run_process({"curl", "-sS", "-f", "-F", "title=Hello, form!", "-F",
                                "upload=@" + source.string() + ";type=application/x-test",
                                server.url("/form")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "title=Hello, form!\n"
                     "upload: file filename=blob.bin type=application/x-test size=3145733 "
                     "read=3145733 fnv=" +
                         fnv1a(content) + " in_upload_dir=yes\n");
    std::string const copy = read_file(saved);
    EXPECT_EQ(copy.size(), content.size());
    EXPECT_TRUE(copy == content);
    // The spooled file goes with the request; the saved copy stays.
    EXPECT_EQ(leftovers_after_close(), std::vector<std::string>{});
    EXPECT_TRUE(fs::exists(saved));
}

TEST_F(FormTest, FileOverClientMaxSizeIsRefusedWithoutRaisingTheLimit)
{
    // Same upload as above, but with the default 1 MiB limit.
    auto const source = work_.write("blob.bin", random_bytes(3 * 1024 * 1024));
    auto app = describing_app();
    ahttp::testing::test_server server{app};
    // curl waits for 100 Continue before sending a large body; the 413 comes instead, before
    // any body byte (the long timeout keeps curl from sending anyway on a loaded machine).
    auto const r =
        run_process({"curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--expect100-timeout",
                     "20", "-F", "upload=@" + source.string(), server.url("/form")});
    EXPECT_EQ(r.out, "413") << r.err;
    EXPECT_EQ(leftovers_after_close(), std::vector<std::string>{});
}

TEST_F(FormTest, PythonRequestsSendsDataAndFilesTogether)
{
    auto app = describing_app();
    ahttp::testing::test_server server{app};
    std::string const script = R"(
import sys, hashlib, requests
data = {'a': '1', 'b': ['x', 'y z'], 'utf': 'h\u00e9llo'}
files = {
    'f1': ('hello.txt', b'Hello\r\n--not-the-boundary\r\n', 'text/plain'),
    'f2': ('bytes.dat', bytes(range(256)) * 400),
}
r = requests.post(sys.argv[1], data=data, files=files, timeout=20)
assert r.status_code == 200, (r.status_code, r.text)
sys.stdout.write(r.text)
)";
    auto const r = run_process({system_python, "-c", script, server.url("/form")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string bytes;
    for (int i = 0; i < 400; ++i) {
        for (int c = 0; c < 256; ++c) {
            bytes.push_back(static_cast<char>(c));
        }
    }
    // requests sends the data fields first, then the files; f2 has no Content-Type, which
    // RFC 7578 §4.4 reads as application/octet-stream.
    EXPECT_EQ(r.out, "a=1\nb=x\nb=y z\nutf=h\xc3\xa9llo\n"
                     "f1: file filename=hello.txt type=text/plain size=27 read=27 fnv=" +
                         fnv1a("Hello\r\n--not-the-boundary\r\n") +
                         " in_upload_dir=yes\n"
                         "f2: file filename=bytes.dat type=application/octet-stream size=102400 "
                         "read=102400 fnv=" +
                         fnv1a(bytes) + " in_upload_dir=yes\n");
    EXPECT_EQ(leftovers_after_close(), std::vector<std::string>{});
}

TEST_F(FormTest, CurlSendsUrlencodedFields)
{
    auto app = describing_app();
    ahttp::testing::test_server server{app};
    auto const r = run_process({"curl", "-sS", "-f", "-d",
                                "name=Ada%20Lovelace&greeting=hello+world&lang=c%2B%2B&lang=py&"
                                "empty=&amp%26=%3D",
                                server.url("/form")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out,
              "name=Ada Lovelace\ngreeting=hello world\nlang=c++\nlang=py\nempty=\namp&==\n");
    // --data-urlencode encodes for us; a body ending in a newline is trimmed.
    auto const encoded = run_process({"curl", "-sS", "-f", "--data-urlencode", "q=a&b=c d",
                                      "--data-binary", "@-", server.url("/form")},
                                     "x=1\n");
    ASSERT_EQ(encoded.exit_code, 0) << encoded.err;
    EXPECT_EQ(encoded.out, "q=a&b=c d\nx=1\n");
}

TEST_F(FormTest, ChunkedUploadOverTheLimitIs413AndLeavesNoTempFiles)
{
    // Chunked, so nothing is known up front: the file part is spooled to disk until the body
    // crosses client_max_size, then the request fails and the half-written file must go.
    // The overshoot past the limit (under 64 KiB) stays within what the server drains in its
    // lingering close: with more, a client still sending may get a reset before it has read
    // the 413 (curl then reports "Send failure: Broken pipe" and no status).
    auto const source = work_.write("big.bin", random_bytes(300 * 1024));
    auto app = describing_app(256 * 1024);
    ahttp::testing::test_server server{app};
    auto const r = run_process({"curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-H",
                                "Transfer-Encoding: chunked", "-F", "note=first", "-F",
                                "upload=@" + source.string(), server.url("/form")});
    EXPECT_EQ(r.out, "413") << r.err;
    EXPECT_EQ(leftovers(), std::vector<std::string>{});

    // Under the limit, the same route takes it (the limit is the body's, boundaries included).
    auto const small = work_.write("small.bin", random_bytes(200 * 1024));
    auto const ok = run_process({"curl", "-sS", "-f", "-H", "Transfer-Encoding: chunked", "-F",
                                 "upload=@" + small.string(), server.url("/form")});
    ASSERT_EQ(ok.exit_code, 0) << ok.err;
    EXPECT_EQ(ok.out, "upload: file filename=small.bin type=application/octet-stream size=204800 "
                      "read=204800 fnv=" +
                          fnv1a(random_bytes(200 * 1024)) + " in_upload_dir=yes\n");
    EXPECT_EQ(leftovers_after_close(), std::vector<std::string>{});
}

TEST_F(FormTest, MissingClosingBoundaryIs400AndLeavesNoTempFiles)
{
    auto app = describing_app();
    ahttp::testing::test_server server{app};
    std::string const type = "Content-Type: multipart/form-data; boundary=XyZ\r\n";
    std::string const parts = "--XyZ\r\n"
                              "Content-Disposition: form-data; name=\"a\"\r\n\r\n"
                              "one\r\n"
                              "--XyZ\r\n"
                              "Content-Disposition: form-data; name=\"f\"; filename=\"f.txt\"\r\n"
                              "Content-Type: text/plain\r\n\r\n" +
                              std::string(100'000, 'f');
    auto const truncated = ahttp::test::request(server.port(), "POST", "/form", type, parts);
    EXPECT_EQ(truncated.status, 400) << truncated.head;
    EXPECT_NE(truncated.body.find("closing boundary"), std::string::npos) << truncated.body;
    EXPECT_EQ(leftovers_after_close(), std::vector<std::string>{});

    // The same body with its closing boundary is fine.
    auto const complete =
        ahttp::test::request(server.port(), "POST", "/form", type, parts + "\r\n--XyZ--\r\n");
    EXPECT_EQ(complete.status, 200) << complete.body;
    EXPECT_EQ(complete.body, "a=one\nf: file filename=f.txt type=text/plain size=100000 "
                             "read=100000 fnv=" +
                                 fnv1a(std::string(100'000, 'f')) + " in_upload_dir=yes\n");

    // A multipart type without a boundary, and a part without a name.
    EXPECT_EQ(ahttp::test::request(server.port(), "POST", "/form",
                                   "Content-Type: multipart/form-data\r\n", "--XyZ--\r\n")
                  .status,
              400);
    EXPECT_EQ(
        ahttp::test::request(server.port(), "POST", "/form", type,
                             "--XyZ\r\nContent-Disposition: form-data\r\n\r\nv\r\n--XyZ--\r\n")
            .status,
        400);
    EXPECT_EQ(leftovers_after_close(), std::vector<std::string>{});
}

TEST_F(FormTest, RawMultipartEdgeCases)
{
    auto app = describing_app();
    ahttp::testing::test_server server{app};
    // A quoted boundary with a space, a preamble and an epilogue, filename* (RFC 5987), an
    // empty file, repeated names, and filename="" (a file input left empty: a text field).
    std::string const body = "preamble to ignore\r\n"
                             "--a b\r\n"
                             "Content-Disposition: form-data; name=\"doc\"; filename=\"x.txt\"; "
                             "filename*=UTF-8''na%C3%AFve.txt\r\n\r\n"
                             "caf\xc3\xa9\r\n"
                             "--a b\r\n"
                             "Content-Disposition: form-data; name=\"none\"; filename=\"e.bin\"\r\n"
                             "Content-Type: application/x-empty\r\n\r\n"
                             "\r\n"
                             "--a b\r\n"
                             "Content-Disposition: form-data; name=\"many\"; filename=\"1\"\r\n\r\n"
                             "one\r\n"
                             "--a b\r\n"
                             "Content-Disposition: form-data; name=\"many\"; filename=\"2\"\r\n\r\n"
                             "two\r\n"
                             "--a b\r\n"
                             "Content-Disposition: form-data; name=\"odd\"; "
                             "filename=\"semi;colon \\\"q\\\".txt\"\r\n\r\n"
                             "odd\r\n"
                             "--a b\r\n"
                             "Content-Disposition: form-data; name=\"skipped\"; filename=\"\"\r\n"
                             "Content-Type: application/octet-stream\r\n\r\n"
                             "\r\n"
                             "--a b--\r\n"
                             "epilogue to ignore\r\n";
    auto const r =
        ahttp::test::request(server.port(), "POST", "/form",
                             "Content-Type: multipart/form-data; boundary=\"a b\"\r\n", body);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, "doc: file filename=na\xc3\xafve.txt type=application/octet-stream size=5 "
                      "read=5 fnv=" +
                          fnv1a("caf\xc3\xa9") +
                          " in_upload_dir=yes\n"
                          "none: file filename=e.bin type=application/x-empty size=0 read=0 fnv=" +
                          fnv1a("") +
                          " in_upload_dir=yes\n"
                          "many: file filename=1 type=application/octet-stream size=3 read=3 fnv=" +
                          fnv1a("one") +
                          " in_upload_dir=yes\n"
                          "many: file filename=2 type=application/octet-stream size=3 read=3 fnv=" +
                          fnv1a("two") +
                          " in_upload_dir=yes\n"
                          "odd: file filename=semi;colon \"q\".txt type=application/octet-stream "
                          "size=3 read=3 fnv=" +
                          fnv1a("odd") + " in_upload_dir=yes\nskipped=\n");
    EXPECT_EQ(leftovers_after_close(), std::vector<std::string>{});
}

TEST_F(FormTest, BodiesThatAreNotFormsGiveAnEmptyFormAndStayReadable)
{
    web::application app;
    app.router().add_route("*", "/form", [](web::request& req) -> ahttp::awaitable<web::response> {
        web::form_data const form = co_await req.post();
        std::string const body = co_await req.read();
        co_return web::response::text("fields=" + std::to_string(form.size()) + " body=" + body);
    });
    ahttp::testing::test_server server{app};
    auto const call = [&](std::string_view method, std::string_view fields) {
        return ahttp::test::request(server.port(), method, "/form", fields, "a=1&b=2").body;
    };
    EXPECT_EQ(call("POST", "Content-Type: application/x-www-form-urlencoded\r\n"),
              "fields=2 body=");
    EXPECT_EQ(call("PUT", "Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"),
              "fields=2 body=");
    EXPECT_EQ(call("POST", "Content-Type: application/json\r\n"), "fields=0 body=a=1&b=2");
    EXPECT_EQ(call("POST", "Content-Type: text/plain\r\n"), "fields=0 body=a=1&b=2");
    // No Content-Type at all: application/octet-stream (RFC 9110 §8.3), not a form.
    EXPECT_EQ(call("POST", ""), "fields=0 body=a=1&b=2");
    // An empty Content-Type value is read as urlencoded (aiohttp's "").
    EXPECT_EQ(call("POST", "Content-Type: \r\n"), "fields=2 body=");
    // GET carries no form, whatever its Content-Type says.
    EXPECT_EQ(call("GET", "Content-Type: application/x-www-form-urlencoded\r\n"),
              "fields=0 body=a=1&b=2");
}

/// A middleware that reads the form first, and notes what it saw in a header.
ahttp::awaitable<web::response> peek_form(web::request& req, web::next next)
{
    web::form_data const form = co_await req.post();
    web::file_field const* file = form.file("f");
    std::string const seen = std::string{form.value_or("a", "-")} + "/" +
                             (file != nullptr ? file->path().string() : std::string{"-"});
    web::response r = co_await next(req);
    r.headers().set("X-Middleware-Saw", seen);
    co_return r;
}

TEST_F(FormTest, PostCalledTwiceReturnsTheSameForm)
{
    web::application app;
    app.use(peek_form);
    app.router().add_post("/form", [](web::request& req) -> ahttp::awaitable<web::response> {
        web::form_data const first = co_await req.post();
        web::form_data const second = co_await req.post();
        web::file_field const* a = first.file("f");
        web::file_field const* b = second.file("f");
        std::string out = std::string{second.value_or("a", "-")} + "/";
        out += a != nullptr ? a->path().string() : "-";
        out += a != nullptr && a == b ? " shared " : " not-shared ";
        out += b != nullptr ? b->read() : "-";
        co_return web::response::text(out);
    });
    ahttp::testing::test_server server{app};
    auto const r = run_process({"curl", "-sS", "-f", "-D", "-", "-F", "a=1", "-F",
                                "f=@-;filename=in.txt", server.url("/form")},
                               "file body");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto const split = r.out.find("\r\n\r\n");
    ASSERT_NE(split, std::string::npos) << r.out;
    std::string const body = r.out.substr(split + 4);
    auto const slash = body.find('/');
    auto const space = body.find(' ');
    ASSERT_TRUE(slash != std::string::npos && space != std::string::npos) << body;
    std::string const path = body.substr(slash + 1, space - slash - 1);
    EXPECT_EQ(fs::path{path}.parent_path(), uploads_);
    EXPECT_EQ(body, "1/" + path + " shared file body");
    // The middleware's post() ran first, read the body, and saw the very same file.
    EXPECT_NE(r.out.find("X-Middleware-Saw: 1/" + path + "\r\n"), std::string::npos) << r.out;
    EXPECT_EQ(leftovers_after_close(), std::vector<std::string>{});
}

/// Answers one line per part: name, filename, type, bytes, pieces read, hash.
ahttp::awaitable<web::response> stream_parts(web::request& req)
{
    web::multipart_reader reader = req.multipart();
    std::string out = "boundary=" + std::string{reader.boundary()} + "\n";
    while (std::optional<web::body_part> part = co_await reader.next()) {
        std::string content;
        std::size_t pieces = 0;
        for (;;) {
            std::string_view const piece = co_await part->read_chunk(1000);
            if (piece.empty()) {
                break;
            }
            EXPECT_LE(piece.size(), 1000u);
            ++pieces;
            content.append(piece);
        }
        out += std::string{part->name()} + " filename=" + std::string{part->filename()} +
               " type=" + std::string{part->content_type()} +
               " size=" + std::to_string(content.size()) + " pieces>=" +
               (pieces >= (content.size() + 999) / 1000 ? "ok" : std::to_string(pieces)) +
               " fnv=" + fnv1a(content) + "\n";
    }
    co_return web::response::text(out);
}

TEST_F(FormTest, MultipartReaderStreamsPartsWithoutPost)
{
    // 2 MiB in a chunked body: over client_max_size (1 MiB), which streaming does not apply.
    std::string const content = random_bytes(2 * 1024 * 1024, 11);
    auto const source = work_.write("stream.bin", content);
    web::application app;
    app.router().add_post("/parts", stream_parts);
    ahttp::testing::test_server server{app};
    auto const r =
        run_process({"curl", "-sS", "-f", "-H", "Transfer-Encoding: chunked", "-F", "first=alpha",
                     "-F", "blob=@" + source.string() + ";type=image/x-raw", server.url("/parts")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // curl's boundary: dashes and random hex.
    auto const first_line = r.out.find('\n');
    ASSERT_NE(first_line, std::string::npos) << r.out;
    EXPECT_TRUE(r.out.starts_with("boundary=------------------------")) << r.out;
    EXPECT_EQ(r.out.substr(first_line + 1),
              "first filename= type= size=5 pieces>=ok fnv=" + fnv1a("alpha") +
                  "\n"
                  "blob filename=stream.bin type=image/x-raw size=2097152 pieces>=ok fnv=" +
                  fnv1a(content) + "\n");
    // Nothing is spooled to disk by the reader.
    EXPECT_EQ(leftovers(), std::vector<std::string>{});
}

} // namespace
