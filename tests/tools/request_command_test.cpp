// SPDX-License-Identifier: BSL-1.0
// `ahttp get|post|...` as a child process against an ahttp server in this test on port 0:
// what the server receives for each kind of item, what is printed, exit statuses.
#include "request_items.hpp"
#include "support/process.hpp"

#include <ahttp/testing/test_server.hpp>
#include <ahttp/web.hpp>

#include <boost/json.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace {

using namespace std::chrono_literals;
using ahttp::test::run_process;
namespace web = ahttp::web;

/// Answers with what it received, as JSON.
ahttp::awaitable<web::response> echo(web::request& request)
{
    boost::json::object headers;
    for (auto const& [name, value] : request.headers()) {
        headers[std::string{name}] = std::string{value};
    }
    boost::json::object query;
    for (auto const& [name, value] : request.query()) {
        query[name] = value;
    }
    boost::json::object out{{"method", std::string{request.method_token()}},
                            {"path", std::string{request.path()}},
                            {"query", std::move(query)},
                            {"headers", std::move(headers)}};
    if (request.content_type() == "multipart/form-data" ||
        request.content_type() == "application/x-www-form-urlencoded") {
        web::form_data const form = co_await request.post();
        boost::json::object fields;
        for (auto const& field : form) {
            fields[field.name] = field.is_file() ? "file:" + std::string{field.file->filename()} +
                                                       ":" + std::to_string(field.file->size())
                                                 : field.value;
        }
        out["form"] = std::move(fields);
    } else {
        out["body"] = co_await request.read();
    }
    co_return web::response::json(out);
}

ahttp::awaitable<web::response> not_found(web::request&)
{
    co_return web::response::text("nothing here", ahttp::http::status::not_found);
}

ahttp::awaitable<web::response> moved(web::request&)
{
    throw web::http_found("/echo");
    co_return web::response::text("");
}

std::string const& big_body()
{
    static std::string const body = [] {
        std::string bytes(3 << 20, '\0');
        std::mt19937 random{42};
        for (auto& b : bytes) {
            b = static_cast<char>(random());
        }
        return bytes;
    }();
    return body;
}

ahttp::awaitable<web::response> big(web::request&)
{
    co_return web::response::bytes(big_body());
}

class RequestCommandTest : public ::testing::Test {
protected:
    RequestCommandTest()
    {
        app_.router().add_route("*", "/echo", echo);
        app_.router().add_get("/missing", not_found);
        app_.router().add_get("/moved", moved);
        app_.router().add_get("/big", big);
        server_ = std::make_unique<ahttp::testing::test_server>(app_);
    }

    ahttp::test::process_result ahttp_cli(std::vector<std::string> args)
    {
        args.insert(args.begin(), AHTTP_TOOL);
        return run_process(args, {}, 30s);
    }

    boost::json::value echoed(std::vector<std::string> args)
    {
        auto const result = ahttp_cli(std::move(args));
        EXPECT_EQ(result.exit_code, 0) << result.err;
        boost::system::error_code ec;
        auto value = boost::json::parse(result.out, ec);
        EXPECT_FALSE(ec) << result.out;
        return value;
    }

    std::string url(std::string const& path) const { return server_->url(path); }

    web::application app_;
    std::unique_ptr<ahttp::testing::test_server> server_;
};

TEST_F(RequestCommandTest, QueryAndHeaderItemsReachTheServer)
{
    auto const got = echoed({"get", url("/echo"), "q==a b", "q==2", "X-Trace: 7", "Accept:text/x"});
    EXPECT_EQ(got.at("method"), "GET");
    EXPECT_EQ(got.at("query").at("q"), "2"); // the last of a repeated name, in a JSON object
    EXPECT_EQ(got.at("headers").at("X-Trace"), "7");
    EXPECT_EQ(got.at("headers").at("Accept"), "text/x");
    EXPECT_EQ(got.at("body"), "");
}

TEST_F(RequestCommandTest, DataItemsBecomeAJsonObjectByDefault)
{
    auto const got = echoed({"post", url("/echo"), "name=ada", "age:=36", "tags:=[\"x\",1]"});
    EXPECT_EQ(got.at("method"), "POST");
    EXPECT_EQ(got.at("headers").at("Content-Type"), "application/json");
    EXPECT_EQ(boost::json::parse(got.at("body").as_string()),
              boost::json::parse(R"({"name":"ada","age":36,"tags":["x",1]})"));
}

TEST_F(RequestCommandTest, FormFlagSendsUrlencodedAndFilesMakeMultipart)
{
    auto const form = echoed({"put", url("/echo"), "--form", "a=1", "b=two words"});
    EXPECT_EQ(form.at("method"), "PUT");
    EXPECT_EQ(form.at("form").at("a"), "1");
    EXPECT_EQ(form.at("form").at("b"), "two words");

    auto const path = std::filesystem::temp_directory_path() / "ahttp_cli_upload.txt";
    std::ofstream{path} << "twelve bytes";
    auto const upload = echoed({"post", url("/echo"), "note=hi", "doc@" + path.string()});
    std::filesystem::remove(path);
    EXPECT_EQ(upload.at("form").at("note"), "hi");
    EXPECT_EQ(upload.at("form").at("doc"), "file:ahttp_cli_upload.txt:12");
}

TEST_F(RequestCommandTest, EveryVerbSendsItsMethod)
{
    for (std::string const verb : {"get", "post", "put", "patch", "delete", "options"}) {
        auto const got = echoed({verb, url("/echo")});
        std::string upper = verb;
        for (auto& c : upper) {
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        EXPECT_EQ(got.at("method").as_string(), upper);
    }
    auto const head = ahttp_cli({"head", url("/echo"), "--print", "h"});
    EXPECT_EQ(head.exit_code, 0) << head.err;
    EXPECT_EQ(head.out.rfind("HTTP/1.1 200 OK\n", 0), 0u) << head.out;
}

TEST_F(RequestCommandTest, VerbosePrintsBothHeadsThenTheBody)
{
    auto const result = ahttp_cli({"post", "-v", url("/echo"), "k=v", "X-A:1"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    auto const request_line = result.out.find("POST " + url("/echo") + "\n");
    auto const request_body = result.out.find("{\"k\":\"v\"}\n");
    auto const status_line = result.out.find("HTTP/1.1 200 OK\n");
    auto const body = result.out.find("{\"method\":\"POST\"");
    EXPECT_EQ(request_line, 0u) << result.out;
    EXPECT_NE(result.out.find("X-A: 1\n"), std::string::npos) << result.out;
    EXPECT_LT(request_line, request_body);
    EXPECT_LT(request_body, status_line);
    EXPECT_LT(status_line, body);
    EXPECT_NE(result.out.find("Content-Type: application/json"), std::string::npos);
    EXPECT_TRUE(result.err.empty()) << result.err; // no colour codes or warnings in a pipe
}

TEST_F(RequestCommandTest, ErrorStatusExitsFourWithOneLine)
{
    auto const result = ahttp_cli({"get", url("/missing")});
    EXPECT_EQ(result.exit_code, 4);
    EXPECT_EQ(result.out, "nothing here"); // the body is still printed
    EXPECT_EQ(result.err, "ahttp: warning: HTTP 404 Not Found\n");
}

TEST_F(RequestCommandTest, RedirectsAreShownUnlessFollowed)
{
    auto const shown = ahttp_cli({"get", url("/moved"), "--print", "h"});
    EXPECT_EQ(shown.exit_code, 4);
    EXPECT_NE(shown.out.find("HTTP/1.1 302 Found\n"), std::string::npos) << shown.out;
    EXPECT_NE(shown.out.find("Location: /echo\n"), std::string::npos) << shown.out;

    auto const followed = echoed({"get", "--follow", url("/moved")});
    EXPECT_EQ(followed.at("path"), "/echo");
}

TEST_F(RequestCommandTest, DownloadWritesTheBodyByteForByte)
{
    auto const path = std::filesystem::temp_directory_path() / "ahttp_cli_download.bin";
    std::filesystem::remove(path);
    auto const result = ahttp_cli({"get", url("/big"), "--download", path.string()});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_TRUE(result.out.empty());
    EXPECT_NE(result.err.find("3.0 MiB"), std::string::npos) << result.err;
    std::ifstream file{path, std::ios::binary};
    std::string const saved{std::istreambuf_iterator<char>{file}, {}};
    std::filesystem::remove(path);
    EXPECT_TRUE(saved == big_body()) << saved.size();
}

TEST_F(RequestCommandTest, NetworkFailuresAreOneLineAndExitOne)
{
    auto const refused = ahttp_cli({"get", "http://127.0.0.1:1/"});
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_NE(refused.err.find("Connection refused"), std::string::npos) << refused.err;
    EXPECT_EQ(std::count(refused.err.begin(), refused.err.end(), '\n'), 1) << refused.err;

    auto const unknown = ahttp_cli({"get", "http://no-such-host.invalid/"});
    EXPECT_EQ(unknown.exit_code, 1);
    EXPECT_NE(unknown.err.find("cannot resolve no-such-host.invalid"), std::string::npos)
        << unknown.err;
    EXPECT_EQ(std::count(unknown.err.begin(), unknown.err.end(), '\n'), 1) << unknown.err;
}

TEST_F(RequestCommandTest, BadItemsAndOptionMixesAreUsageErrors)
{
    for (std::vector<std::string> const& args : std::vector<std::vector<std::string>>{
             {"post", url("/echo"), "just-a-word"},
             {"post", url("/echo"), "=value"},
             {"post", url("/echo"), "n:={bad json"},
             {"post", url("/echo"), "--json", "--form", "a=1"},
             {"post", url("/echo"), "--form", "n:=1"},
             {"post", url("/echo"), "f@/no/such/file"},
             {"get", url("/echo"), "--print", "x"},
         }) {
        auto const result = ahttp_cli(args);
        EXPECT_EQ(result.exit_code, 2) << args[2] << "\n" << result.err;
        EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
    }
}

TEST(RequestItemsTest, SeparatorsSplitAtTheFirstOneAndBackslashEscapes)
{
    auto const items = ahttp::cli::parse_request_items(
        {"a==1", "b=x=y", "c:=true", "Host:h:8080", "f@/tmp/x", "d\\=e=f", "u=http://x/?a=b"});
    ASSERT_EQ(items.query.size(), 1u);
    EXPECT_EQ(items.query[0], (std::pair<std::string, std::string>{"a", "1"}));
    ASSERT_EQ(items.headers.size(), 1u);
    EXPECT_EQ(items.headers[0].second, "h:8080");
    ASSERT_EQ(items.fields.size(), 4u);
    EXPECT_EQ(items.fields[0].value, "x=y");
    EXPECT_TRUE(items.fields[1].raw_json);
    EXPECT_EQ(items.fields[1].value, true);
    EXPECT_EQ(items.fields[2].name, "d=e");
    EXPECT_EQ(items.fields[3].value, "http://x/?a=b");
    ASSERT_EQ(items.files.size(), 1u);
    EXPECT_EQ(items.files[0].second, "/tmp/x");
}

TEST(RequestItemsTest, UrlsAreCompletedAsHttpieDoes)
{
    using ahttp::cli::complete_url;
    EXPECT_EQ(complete_url(":8080/x"), "http://localhost:8080/x");
    EXPECT_EQ(complete_url(":/x"), "http://localhost/x");
    EXPECT_EQ(complete_url("example.org/a"), "http://example.org/a");
    EXPECT_EQ(complete_url("https://h/"), "https://h/");
}

} // namespace
