// SPDX-License-Identifier: BSL-1.0
// client::session against the real httpbin (python3-httpbin under gunicorn, started here on a
// free loopback port): seed 003's 100 GETs with query strings, and the endpoints aiohttp
// users test clients with — codings, redirects, status codes, bodies, streams, delays.
#include "support/client_session.hpp"
#include "support/process.hpp"
#include "support/python_httpbin.hpp"

#include <ahttp/client.hpp>
#include <ahttp/gather.hpp>

#include <boost/json.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace client = ahttp::client;
namespace json = boost::json;
using ahttp::awaitable;
using ahttp::test::make_session;

class HttpbinTest : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        httpbin_ = std::make_unique<ahttp::test::python_httpbin>();
        base_ = httpbin_->url();
    }
    static void TearDownTestSuite() { httpbin_.reset(); }

    void SetUp() override
    {
        if (base_.empty()) {
            GTEST_FAIL() << "gunicorn did not start: " << httpbin_->err();
        }
    }

    static inline std::unique_ptr<ahttp::test::python_httpbin> httpbin_;
    static inline std::string base_;
};

awaitable<json::value> get_json(client::session& session, std::string url,
                                client::request_options options)
{
    client::response r = co_await session.get(url, std::move(options));
    r.raise_for_status();
    co_return co_await r.json();
}

awaitable<json::value> get_json(client::session& session, std::string url)
{
    client::response r = co_await session.get(url);
    r.raise_for_status();
    co_return co_await r.json();
}

awaitable<json::value> fetch_key(client::session& session, int key)
{
    client::request_options options{.params = {{"key", std::to_string(key)}}};
    client::response r = co_await session.get("get", std::move(options));
    EXPECT_EQ(r.status_code(), 200u);
    co_return co_await r.json();
}

TEST_F(HttpbinTest, SeedHundredGetsWithQueryStrings)
{
    // Seed 003: 100 concurrent GETs with ?key=i, a 10 s timeout, statuses checked.
    auto const answers = ahttp::run([]() -> awaitable<std::vector<json::value>> {
        client::session_options options{.base_url = base_ + "/", .timeout = {.total = 10s}};
        client::session session = co_await make_session(std::move(options));
        std::vector<awaitable<json::value>> requests;
        for (int i = 0; i < 100; ++i) {
            requests.push_back(fetch_key(session, i));
        }
        co_return co_await ahttp::gather(std::move(requests));
    }());
    ASSERT_EQ(answers.size(), 100u);
    for (int i = 0; i < 100; ++i) {
        EXPECT_EQ(answers[i].at("args").at("key").as_string(), std::to_string(i));
        EXPECT_EQ(answers[i].at("url").as_string(), base_ + "/get?key=" + std::to_string(i));
    }
}

TEST_F(HttpbinTest, DecodesGzipDeflateAndBrotli)
{
    ahttp::run([]() -> awaitable<void> {
        client::session session = co_await make_session();
        for (char const* coding : {"gzip", "deflate", "brotli"}) {
            json::value const body = co_await get_json(session, base_ + "/" + coding);
            std::string const flag = std::string{coding == std::string{"gzip"}      ? "gzipped"
                                                 : coding == std::string{"deflate"} ? "deflated"
                                                                                    : "brotli"};
            EXPECT_TRUE(body.at(flag).as_bool()) << coding;
        }
    }());
}

TEST_F(HttpbinTest, FollowsRelativeAndAbsoluteRedirects)
{
    ahttp::run([]() -> awaitable<void> {
        client::session session = co_await make_session();
        client::response relative = co_await session.get(base_ + "/redirect/3");
        EXPECT_EQ(relative.status_code(), 200u);
        EXPECT_EQ(relative.history().size(), 3u);
        EXPECT_EQ(relative.url(), base_ + "/get");
        co_await relative.read();
        client::response absolute = co_await session.get(base_ + "/absolute-redirect/2");
        EXPECT_EQ(absolute.history().size(), 2u);
        EXPECT_EQ(absolute.url(), base_ + "/get");
        co_await absolute.read();
        client::request_options limited{.max_redirects = 2};
        EXPECT_THROW(co_await session.get(base_ + "/redirect/3", std::move(limited)),
                     client::too_many_redirects);
    }());
}

TEST_F(HttpbinTest, PostsJsonFormsAndMultipart)
{
    ahttp::run([]() -> awaitable<void> {
        client::session session = co_await make_session();
        client::request_options json_body{.json = json::object{{"seed", 3}, {"name", "ahttp"}}};
        client::response r1 = co_await session.post(base_ + "/post", std::move(json_body));
        json::value const j1 = co_await r1.json();
        EXPECT_EQ(j1.at("json"), (json::value{{"seed", 3}, {"name", "ahttp"}}));
        client::request_options form_body{.form = ahttp::http::query_params{{"a", "1 2"}}};
        client::response r2 = co_await session.put(base_ + "/put", std::move(form_body));
        json::value const j2 = co_await r2.json();
        EXPECT_EQ(j2.at("form").at("a").as_string(), "1 2");
        client::form_data form;
        form.add_field("kind", "report");
        form.add_bytes("doc", "file content", "doc.txt", "text/plain");
        client::request_options multipart{.multipart = std::move(form)};
        client::response r3 = co_await session.post(base_ + "/post", std::move(multipart));
        json::value const j3 = co_await r3.json();
        EXPECT_EQ(j3.at("form").at("kind").as_string(), "report");
        EXPECT_EQ(j3.at("files").at("doc").as_string(), "file content");
    }());
}

TEST_F(HttpbinTest, StatusCodesAreDataOrErrors)
{
    ahttp::run([]() -> awaitable<void> {
        client::session session = co_await make_session();
        client::response teapot = co_await session.get(base_ + "/status/418");
        EXPECT_EQ(teapot.status_code(), 418u);
        EXPECT_THROW(teapot.raise_for_status(), client::response_error);
        client::response created = co_await session.post(base_ + "/status/201");
        EXPECT_EQ(created.status_code(), 201u);
        co_await created.read();
    }());
}

TEST_F(HttpbinTest, BasicAuthFromOptionsOrUrl)
{
    ahttp::run([]() -> awaitable<void> {
        client::session session = co_await make_session();
        client::request_options auth{.auth = ahttp::http::basic_auth{"user", "pass"}};
        json::value const ok =
            co_await get_json(session, base_ + "/basic-auth/user/pass", std::move(auth));
        EXPECT_TRUE(ok.at("authenticated").as_bool());
        // user:password@ in the URL is Basic auth too, and leaves the URL.
        std::string const with_userinfo = "http://user:pass@" + base_.substr(7);
        client::response by_url = co_await session.get(with_userinfo + "/basic-auth/user/pass");
        EXPECT_EQ(by_url.status_code(), 200u);
        EXPECT_EQ(by_url.url(), base_ + "/basic-auth/user/pass");
        co_await by_url.read();
        client::request_options wrong{.auth = ahttp::http::basic_auth{"user", "nope"}};
        client::response denied =
            co_await session.get(base_ + "/basic-auth/user/pass", std::move(wrong));
        EXPECT_EQ(denied.status_code(), 401u);
        co_await denied.read();
        client::request_options both{.headers = {{"Authorization", "Bearer x"}},
                                     .auth = ahttp::http::basic_auth{"user", "pass"}};
        EXPECT_THROW(co_await session.get(base_ + "/get", std::move(both)), client::client_error);
    }());
}

TEST_F(HttpbinTest, BytesStreamsAndResponseHeaders)
{
    ahttp::run([]() -> awaitable<void> {
        client::session session = co_await make_session();
        client::response bytes = co_await session.get(base_ + "/bytes/5000");
        EXPECT_EQ((co_await bytes.read()).size(), 5000u);
        client::response stream = co_await session.get(base_ + "/stream/5");
        int lines = 0;
        while (std::optional<std::string> line = co_await stream.read_line()) {
            EXPECT_EQ(boost::json::parse(*line).at("id").as_int64(), lines);
            ++lines;
        }
        EXPECT_EQ(lines, 5);
        client::request_options params{.params = {{"X-Ahttp", "yes"}}};
        client::response headers =
            co_await session.get(base_ + "/response-headers", std::move(params));
        EXPECT_EQ(headers.headers().value_or("X-Ahttp", ""), "yes");
        co_await headers.read();
    }());
}

TEST_F(HttpbinTest, CookiesSetByARedirectAreSentBack)
{
    // "localhost", not 127.0.0.1: the default jar (as aiohttp's) ignores IP-address hosts.
    std::string const host = "http://localhost:" + base_.substr(base_.rfind(':') + 1);
    auto const cookies = ahttp::run([](std::string root) -> awaitable<json::value> {
        client::session session = co_await make_session();
        client::response r = co_await session.get(root + "/cookies/set?seed=3&lang=en");
        EXPECT_EQ(r.history().size(), 1u);
        json::value body = co_await r.json();
        client::response again = co_await session.get(root + "/cookies");
        EXPECT_EQ(co_await again.json(), body);
        co_return body;
    }(host));
    EXPECT_EQ(cookies.at("cookies"), (json::value{{"seed", "3"}, {"lang", "en"}}));
}

TEST_F(HttpbinTest, DelayHitsTheTotalTimeout)
{
    ahttp::run([]() -> awaitable<void> {
        client::session session = co_await make_session();
        client::request_options quick{.timeout = {.total = 300ms}};
        try {
            co_await session.get(base_ + "/delay/3", std::move(quick));
            ADD_FAILURE() << "no timeout";
        } catch (client::timeout_error const& e) {
            EXPECT_EQ(e.phase(), client::timeout_phase::total);
        }
    }());
}

} // namespace
