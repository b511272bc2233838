// SPDX-License-Identifier: BSL-1.0
// The access log over real loopback sockets: every directive of server_options::
// access_log_format, the default line, the off switch, and values a client controls.
// The logger writes to file descriptor 2; each test points it at a temporary file.
#include "support/apps.hpp"
#include "support/raw_client.hpp"

#include <ahttp/sleep.hpp>
#include <ahttp/testing/test_server.hpp>
#include <ahttp/web.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <regex>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace web = ahttp::web;
using ahttp::test::parse_response;
using ahttp::test::raw_client;

/// Points file descriptor 2 at a temporary file until text() or destruction.
class stderr_capture {
public:
    stderr_capture()
    {
        file_ = std::tmpfile();
        saved_ = ::dup(2);
        if (file_ == nullptr || saved_ < 0 || ::dup2(::fileno(file_), 2) < 0) {
            throw std::runtime_error("cannot redirect stderr");
        }
    }
    ~stderr_capture() { restore(); }
    stderr_capture(stderr_capture const&) = delete;
    stderr_capture& operator=(stderr_capture const&) = delete;

    /// Restores stderr and returns everything written to it meanwhile.
    std::string text()
    {
        restore();
        return captured_;
    }

private:
    void restore()
    {
        if (file_ == nullptr) {
            return;
        }
        ::dup2(saved_, 2);
        ::close(saved_);
        std::rewind(file_);
        char buffer[4096];
        for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, file_)) > 0;) {
            captured_.append(buffer, n);
        }
        std::fclose(file_);
        file_ = nullptr;
    }

    std::FILE* file_ = nullptr;
    int saved_ = -1;
    std::string captured_;
};

web::server_options logging(std::string format = {})
{
    auto options = ahttp::testing::test_server::quiet_options();
    options.access_log = true;
    // These tests compare whole logs; a loaded machine must not add a stall warning.
    options.loop_stall_warning = std::chrono::milliseconds{0};
    if (!format.empty()) {
        options.access_log_format = std::move(format);
    }
    return options;
}

std::vector<std::string> lines_of(std::string const& text)
{
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
        lines.push_back(text.substr(start, end - start));
    }
    EXPECT_EQ(start, text.size()) << "log does not end with a newline: " << text;
    return lines;
}

/// Serves `app` with `format`, sends each raw request on its own connection, stops the
/// server (so every line is written), and returns the log lines.
std::vector<std::string> log_of(web::application& app, std::string const& format,
                                std::vector<std::string> const& requests)
{
    stderr_capture capture;
    {
        ahttp::testing::test_server server{app, logging(format)};
        for (auto const& r : requests) {
            raw_client client{server.port()};
            EXPECT_TRUE(client.send(r));
            EXPECT_FALSE(client.read_response(r.starts_with("HEAD ")).empty()) << r;
        }
        server.stop();
    }
    return lines_of(capture.text());
}

std::string get(std::string const& target, std::string const& headers = {})
{
    return "GET " + target + " HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n";
}

TEST(AccessLogTest, DefaultFormatLineForGetWithRefererAndUserAgent)
{
    auto app = ahttp::test::make_demo_app();
    auto const before = std::time(nullptr);
    auto const lines =
        log_of(app, {},
               {get("/Ada?x=1", "Referer: http://ref.example/page\r\nUser-Agent: agent/1.0\r\n")});
    auto const after = std::time(nullptr);
    ASSERT_EQ(lines.size(), 1u);
    std::regex const shape{R"(^127\.0\.0\.1 \[(\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d) \+0000\] )"
                           R"("GET /Ada\?x=1 HTTP/1\.1" 200 11 "http://ref\.example/page" )"
                           R"("agent/1\.0"$)"};
    std::smatch match;
    ASSERT_TRUE(std::regex_match(lines[0], match, shape)) << lines[0];
    std::tm parts{};
    ASSERT_NE(::strptime(match[1].str().c_str(), "%d/%b/%Y:%H:%M:%S", &parts), nullptr);
    auto const logged = ::timegm(&parts);
    EXPECT_GE(logged, before);
    EXPECT_LE(logged, after);
}

TEST(AccessLogTest, DefaultFormatUsesDashForAbsentHeaders)
{
    auto app = ahttp::test::make_demo_app();
    auto const lines = log_of(app, {}, {get("/")});
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_TRUE(lines[0].ends_with(R"( "GET / HTTP/1.1" 200 13 "-" "-")")) << lines[0];
}

TEST(AccessLogTest, RemoteAddressPidAndPercent)
{
    auto app = ahttp::test::make_demo_app();
    auto const lines = log_of(app, "%a|%P|%%|100%", {get("/")});
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0], "127.0.0.1|" + std::to_string(::getpid()) + "|%|100%");
}

TEST(AccessLogTest, FirstLineKeepsRawTargetAndVersion)
{
    auto app = ahttp::test::make_demo_app();
    auto const lines = log_of(app, "%r",
                              {get("/Ada%20L?q=a%2Fb&z"), "GET /one HTTP/1.0\r\n\r\n",
                               "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"});
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[0], "GET /Ada%20L?q=a%2Fb&z HTTP/1.1");
    EXPECT_EQ(lines[1], "GET /one HTTP/1.0");
    EXPECT_EQ(lines[2], "POST /echo HTTP/1.1");
}

TEST(AccessLogTest, StatusAndBodyBytes)
{
    web::application app;
    app.router().add_get("/created", [](web::request&) -> ahttp::awaitable<web::response> {
        co_return web::response::text("new", ahttp::http::status::created);
    });
    app.router().add_get("/empty", [](web::request&) -> ahttp::awaitable<web::response> {
        co_return web::response{ahttp::http::status::no_content};
    });
    app.router().add_get("/big", [](web::request&) -> ahttp::awaitable<web::response> {
        co_return web::response::bytes(std::string(100000, 'x'));
    });
    auto const lines =
        log_of(app, "%s %b", {get("/created"), get("/empty"), get("/big"), get("/missing")});
    ASSERT_EQ(lines.size(), 4u);
    EXPECT_EQ(lines[0], "201 3");
    EXPECT_EQ(lines[1], "204 0");
    EXPECT_EQ(lines[2], "200 100000");
    EXPECT_EQ(lines[3].substr(0, 4), "404 ");
}

TEST(AccessLogTest, ElapsedTimeInSecondsFractionAndMicroseconds)
{
    web::application app;
    app.router().add_get("/slow", [](web::request&) -> ahttp::awaitable<web::response> {
        co_await ahttp::sleep(120ms);
        co_return web::response::text("slept");
    });
    auto const lines = log_of(app, "%T %Tf %D", {get("/slow")});
    ASSERT_EQ(lines.size(), 1u);
    std::smatch match;
    ASSERT_TRUE(std::regex_match(lines[0], match, std::regex{R"((\d+) (\d+\.\d{6}) (\d+))"}))
        << lines[0];
    auto const micros = std::stoll(match[3].str());
    EXPECT_GE(micros, 120000);
    EXPECT_LT(micros, 10000000);
    EXPECT_EQ(std::stoll(match[1].str()), micros / 1000000);
    char fraction[32];
    std::snprintf(fraction, sizeof fraction, "%lld.%06lld", micros / 1000000, micros % 1000000);
    EXPECT_EQ(match[2].str(), fraction);
}

TEST(AccessLogTest, RequestAndResponseHeaders)
{
    web::application app;
    app.router().add_get("/", [](web::request&) -> ahttp::awaitable<web::response> {
        auto r = web::response::text("ok");
        r.headers().set("X-Answer", "42");
        co_return r;
    });
    auto const lines =
        log_of(app, R"(<%{x-trace}i> <%{X-Missing}i> <%{X-Answer}o> <%{Content-Type}o> <%{N}o>)",
               {get("/", "X-Trace: abc def\r\n")});
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0], "<abc def> <-> <42> <text/plain; charset=utf-8> <->");
}

TEST(AccessLogTest, OneLinePerRequestOnKeepAliveAndPipelinedConnection)
{
    auto app = ahttp::test::make_demo_app();
    stderr_capture capture;
    {
        ahttp::testing::test_server server{app, logging("%r %s")};
        raw_client client{server.port()};
        client.send(get("/a"));
        EXPECT_EQ(parse_response(client.read_response()).body, "Hello, a!");
        client.send(get("/b") + get("/c") + get("/sleep/1"));
        for (char const* body : {"Hello, b!", "Hello, c!", "slept"}) {
            EXPECT_EQ(parse_response(client.read_response()).body, body);
        }
        server.stop();
    }
    auto const lines = lines_of(capture.text());
    EXPECT_EQ(lines,
              (std::vector<std::string>{"GET /a HTTP/1.1 200", "GET /b HTTP/1.1 200",
                                        "GET /c HTTP/1.1 200", "GET /sleep/1 HTTP/1.1 200"}));
}

TEST(AccessLogTest, OffSwitchWritesNothing)
{
    auto app = ahttp::test::make_demo_app();
    stderr_capture capture;
    {
        auto options = logging();
        options.access_log = false;
        ahttp::testing::test_server server{app, options};
        for (int i = 0; i < 3; ++i) {
            EXPECT_EQ(ahttp::test::request(server.port(), "GET", "/").status, 200);
        }
        EXPECT_EQ(ahttp::test::request(server.port(), "GET", "/a/b/c").status, 404);
        server.stop();
    }
    EXPECT_EQ(capture.text(), "");
}

TEST(AccessLogTest, RequestWithControlCharacterIsRefusedBeforeItCanForgeALine)
{
    // A client cannot put CR, LF or other controls into a logged request value: the parser
    // refuses the request, so no line (forged or not) comes from it.
    auto app = ahttp::test::make_demo_app();
    stderr_capture capture;
    {
        ahttp::testing::test_server server{app, logging(R"("%r" "%{User-Agent}i" %s)")};
        for (std::string const bad : {"GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: a\rb\r\n\r\n",
                                      "GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: a\x1b[2Jb\r\n\r\n",
                                      "GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: a\x7f\r\n\r\n",
                                      "GET /a\x01z HTTP/1.1\r\nHost: x\r\n\r\n"}) {
            auto const r = parse_response(ahttp::test::exchange(server.port(), bad));
            EXPECT_EQ(r.status, 400) << bad;
        }
        server.stop();
    }
    auto const log = capture.text();
    EXPECT_EQ(log.find('\x1b'), std::string::npos) << log;
    EXPECT_EQ(log.find('\x7f'), std::string::npos) << log;
    EXPECT_EQ(log.find('\x01'), std::string::npos) << log;
    for (auto const& line : lines_of(log)) {
        // Refused requests may be logged (aiohttp and nginx do), but only as one clean line.
        EXPECT_EQ(line.find('\r'), std::string::npos) << line;
        EXPECT_TRUE(line.ends_with(" 400")) << line;
    }
}

TEST(AccessLogTest, HandlerExceptionLogsErrorLineAnd500)
{
    auto app = ahttp::test::make_demo_app();
    auto const lines = log_of(app, R"("%r" %s)", {get("/boom")});
    EXPECT_EQ(lines, (std::vector<std::string>{
                         "Error handling request GET /boom: handler failed on purpose",
                         R"("GET /boom HTTP/1.1" 500)"}));
}

TEST(AccessLogTest, HandlerBlockingTheLoopGetsAStallWarning)
{
    web::application app;
    app.router().add_get("/block", [](web::request&) -> ahttp::awaitable<web::response> {
        ::usleep(1'200'000); // blocking on purpose: what to_thread exists for
        co_return web::response::text("done");
    });
    app.router().add_get("/sleep", [](web::request&) -> ahttp::awaitable<web::response> {
        co_await ahttp::sleep(1200ms); // suspends: the loop stays free
        co_return web::response::text("done");
    });
    auto options = logging(R"("%r" %s %Tf)");
    options.loop_stall_warning = 500ms;

    stderr_capture capture;
    {
        ahttp::testing::test_server server{app, std::move(options)};
        for (char const* target : {"/sleep", "/block"}) {
            raw_client client{server.port()};
            EXPECT_TRUE(client.send(get(target)));
            EXPECT_EQ(parse_response(client.read_response()).status, 200) << target;
        }
        server.stop();
    }
    auto const text = capture.text();
    std::regex const warning{R"(Warning: the event loop of worker 0 was blocked for (\d+) ms; )"
                             R"(.*ahttp::to_thread)"};
    std::smatch match;
    ASSERT_TRUE(std::regex_search(text, match, warning)) << text;
    // The stall is seen to within one 100 ms tick, and only once: the sleeping handler
    // before it did not block anything.
    EXPECT_GE(std::stoi(match[1].str()), 1000) << text;
    EXPECT_EQ(text.find("Warning:", static_cast<std::size_t>(match.position(0)) + 1),
              std::string::npos)
        << text;
    EXPECT_NE(text.find(R"("GET /sleep HTTP/1.1" 200 1.2)"), std::string::npos) << text;
    EXPECT_NE(text.find(R"("GET /block HTTP/1.1" 200 1.2)"), std::string::npos) << text;
}

} // namespace
