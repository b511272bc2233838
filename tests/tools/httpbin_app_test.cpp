// SPDX-License-Identifier: BSL-1.0
// install_httpbin() in-process, driven by client::session over loopback: what the
// comparison with python3-httpbin cannot show (slow endpoints do not block the loop, bad
// input gets a 4xx where httpbin crashes, redirects and cookies work end to end), and the
// text helpers the handlers rest on.
#include "httpbin/httpbin_app.hpp"
#include "httpbin/httpbin_python_random.hpp"
#include "httpbin/httpbin_text.hpp"
#include "support/client_session.hpp"

#include <ahttp/client.hpp>
#include <ahttp/gather.hpp>
#include <ahttp/testing/test_server.hpp>
#include <ahttp/web/application.hpp>

#include <boost/json.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace client = ahttp::client;
namespace httpbin = ahttp::cli::httpbin;
namespace json = boost::json;
namespace web = ahttp::web;
using ahttp::awaitable;

class HttpbinAppTest : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        app_ = std::make_unique<web::application>();
        ahttp::cli::install_httpbin(*app_);
        server_ = std::make_unique<ahttp::testing::test_server>(*app_);
    }
    static void TearDownTestSuite()
    {
        server_.reset();
        app_.reset();
    }
    static std::string url(std::string const& path) { return server_->url(path); }

    static inline std::unique_ptr<web::application> app_;
    static inline std::unique_ptr<ahttp::testing::test_server> server_;
};

/// A session whose every request gives up after 10 s, so that no test can hang.
awaitable<client::session> bounded_session()
{
    client::session_options options{.timeout = {.total = 10s}};
    co_return co_await ahttp::test::make_session(std::move(options));
}

/// A status and a body: what most tests look at. Not an aggregate on purpose: g++ 12 copies
/// an aggregate returned through co_await bitwise (docs/design/0003).
struct reply {
    reply() = default;
    reply(unsigned s, std::string b) : status(s), body(std::move(b)) {}
    unsigned status = 0;
    std::string body;
};

awaitable<reply> fetch(client::session& session, std::string url)
{
    client::request_options options{.allow_redirects = false};
    client::response r = co_await session.get(url, std::move(options));
    std::string body = co_await r.text();
    co_return reply{r.status_code(), std::move(body)};
}

TEST_F(HttpbinAppTest, DelayAwaitsWithoutBlockingOtherRequests)
{
    // Two 1 s delays and a /get together: all done in well under the 2 s a blocking
    // handler would need for the delays alone.
    auto const started = std::chrono::steady_clock::now();
    std::vector<reply> const replies = ahttp::run([]() -> awaitable<std::vector<reply>> {
        client::session session = co_await bounded_session();
        std::vector<awaitable<reply>> requests;
        requests.push_back(fetch(session, url("/delay/1")));
        requests.push_back(fetch(session, url("/delay/1?x=2")));
        requests.push_back(fetch(session, url("/get")));
        co_return co_await ahttp::gather(std::move(requests));
    }());
    auto const elapsed = std::chrono::steady_clock::now() - started;
    ASSERT_EQ(replies.size(), 3u);
    for (reply const& r : replies) {
        EXPECT_EQ(r.status, 200u) << r.body;
    }
    EXPECT_EQ(json::parse(replies[1].body).at("args").at("x").as_string(), "2");
    EXPECT_GE(elapsed, 1s);
    EXPECT_LT(elapsed, 1800ms);
}

TEST_F(HttpbinAppTest, BadInputGetsAClientErrorNeverACrash)
{
    // httpbin answers several of these with a 500 (an exception in the view); we say 400.
    std::vector<std::pair<std::string, unsigned>> const cases{
        {"/status/abc", 400},
        {"/status/99", 400},
        {"/status/1000", 400},
        {"/status/200:x", 400},
        {"/status/200:-1", 400},
        {"/status/200:0", 400},
        {"/status/200:1:2", 400},
        {"/status/", 404},
        {"/delay/xyz", 400},
        {"/delay/-1", 400},
        {"/delay/nan", 400},
        {"/delay/inf", 400},
        {"/redirect/0", 400},
        {"/redirect/-1", 404},
        {"/relative-redirect/0", 400},
        {"/absolute-redirect/0", 400},
        {"/redirect/99999999999999999999999", 400},
        {"/redirect-to", 400},
        {"/redirect-to?url=/a&status_code=abc", 400},
        {"/redirect-to?url=%0D%0AX:%201", 400},
        {"/bytes/-1", 404},
        {"/bytes/5?seed=abc", 400},
        {"/stream-bytes/5?chunk_size=x", 400},
        {"/stream/abc", 404},
        {"/base64/SGk", 400},

        {"/drip?numbytes=0", 400},
        {"/drip?duration=-1", 400},
        {"/drip?code=abc", 400},
        {"/drip?code=100", 400},
        {"/range/0", 404},
        {"/range/200000", 404},
        {"/range/10?duration=x", 400},
        {"/cookies/set?a%20b=1", 400},
        {"/cache/abc", 404},
    };
    std::vector<reply> const replies = ahttp::run(
        [](std::vector<std::pair<std::string, unsigned>> table) -> awaitable<std::vector<reply>> {
            client::session session = co_await bounded_session();
            std::vector<reply> out;
            for (auto const& [path, status] : table) {
                out.push_back(co_await fetch(session, url(path)));
            }
            co_return out;
        }(cases));
    ASSERT_EQ(replies.size(), cases.size());
    for (std::size_t i = 0; i < cases.size(); ++i) {
        EXPECT_EQ(replies[i].status, cases[i].second) << cases[i].first << ": " << replies[i].body;
        EXPECT_FALSE(replies[i].status == 400 && replies[i].body.empty()) << cases[i].first;
    }
}

TEST_F(HttpbinAppTest, ResponseHeadersRefusesFieldsThatWouldBreakTheMessage)
{
    reply const r = ahttp::run([]() -> awaitable<reply> {
        client::session session = co_await bounded_session();
        co_return co_await fetch(session,
                                 url("/response-headers?Content-Length=1&X-Bad=a%0D%0Ab&X-Ok=1"));
    }());
    EXPECT_EQ(r.status, 200u);
    json::value const body = json::parse(r.body);
    EXPECT_EQ(body.at("X-Ok").as_string(), "1");
    EXPECT_FALSE(body.as_object().contains("X-Bad"));
    EXPECT_EQ(body.at("Content-Length").as_string(), std::to_string(r.body.size()));
}

TEST_F(HttpbinAppTest, FollowsRedirectChainsToGet)
{
    ahttp::run([]() -> awaitable<void> {
        client::session session = co_await bounded_session();
        std::vector<std::pair<std::string, std::size_t>> const chains{
            {"/redirect/4", 4},
            {"/redirect/3?absolute=true", 3},
            {"/absolute-redirect/2", 2},
            {"/relative-redirect/2", 2}};
        for (auto const& [path, hops] : chains) {
            client::response r = co_await session.get(url(path));
            EXPECT_EQ(r.status_code(), 200u) << path;
            EXPECT_EQ(r.url(), url("/get")) << path;
            EXPECT_EQ(r.history().size(), hops) << path;
            co_await r.read();
        }
    }());
}

TEST_F(HttpbinAppTest, CookiesSetThenListedThenDeleted)
{
    ahttp::run([]() -> awaitable<void> {
        client::session_options options{
            .timeout = {.total = 10s},
            .cookie_jar = std::make_shared<client::cookie_jar>(
                client::cookie_jar_options{.unsafe = true})}; // 127.0.0.1 is an IP address
        client::session session = co_await ahttp::test::make_session(std::move(options));
        client::response set = co_await session.get(url("/cookies/set?flavour=oat&n=1"));
        json::value const listed = co_await set.json();
        EXPECT_EQ(listed.at("cookies").at("flavour").as_string(), "oat");
        EXPECT_EQ(listed.at("cookies").at("n").as_string(), "1");
        client::response deleted = co_await session.get(url("/cookies/delete?flavour"));
        json::value const left = co_await deleted.json();
        EXPECT_FALSE(left.at("cookies").as_object().contains("flavour")) << left;
        EXPECT_EQ(left.at("cookies").at("n").as_string(), "1");
    }());
}

TEST_F(HttpbinAppTest, WeightedStatusDrawsEveryWeightedCode)
{
    std::set<unsigned> const seen = ahttp::run([]() -> awaitable<std::set<unsigned>> {
        client::session session = co_await bounded_session();
        std::set<unsigned> codes;
        // Chance that 80 draws miss one of the two: 2 * 0.5^80.
        for (int i = 0; i < 80; ++i) {
            reply const r = co_await fetch(session, url("/status/201:1,202:1,203:0"));
            codes.insert(r.status);
        }
        co_return codes;
    }());
    EXPECT_EQ(seen, (std::set<unsigned>{201, 202}));
}

TEST_F(HttpbinAppTest, TeapotAndUuidLookTheirPart)
{
    auto const [teapot, uuid] = ahttp::run([]() -> awaitable<std::pair<reply, reply>> {
        client::session session = co_await bounded_session();
        reply a = co_await fetch(session, url("/status/418"));
        reply b = co_await fetch(session, url("/uuid"));
        co_return std::pair{a, b};
    }());
    EXPECT_EQ(teapot.status, 418u);
    EXPECT_NE(teapot.body.find("teapot"), std::string::npos) << teapot.body;
    std::string const id{json::parse(uuid.body).at("uuid").as_string()};
    EXPECT_TRUE(std::regex_match(
        id, std::regex{"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"}))
        << id;
}

TEST_F(HttpbinAppTest, DripTakesItsDuration)
{
    auto const started = std::chrono::steady_clock::now();
    reply const r = ahttp::run([]() -> awaitable<reply> {
        client::session session = co_await bounded_session();
        co_return co_await fetch(session, url("/drip?numbytes=4&duration=0.4&delay=0.2"));
    }());
    auto const elapsed = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(r.status, 200u);
    EXPECT_EQ(r.body, "****");
    EXPECT_GE(elapsed, 450ms); // the delay, then 3 pauses between the 4 bytes
    EXPECT_LT(elapsed, 3s);
}

TEST(HttpbinTextTest, TitleCasesHeaderNamesAsPythonDoes)
{
    EXPECT_EQ(httpbin::title_case_header("x-foo1bar"), "X-Foo1Bar");
    EXPECT_EQ(httpbin::title_case_header("dnt"), "Dnt");
    EXPECT_EQ(httpbin::title_case_header("WWW-AUTHENTICATE"), "Www-Authenticate");
    EXPECT_EQ(httpbin::title_case_header("x_under"), "X-Under");
}

TEST(HttpbinTextTest, ShowsUrlsAsWerkzeugsIris)
{
    EXPECT_EQ(httpbin::uri_to_iri("/a%20b?x=%C3%A9&y=%41&z=%zz&w=%ff&s=%2f"),
              "/a%20b?x=\xC3\xA9&y=A&z=%zz&w=%FF&s=%2f");
    EXPECT_EQ(httpbin::url_quote("a b/~:\xC3\xA9", "/:"), "a%20b/~:%C3%A9");
}

TEST(HttpbinTextTest, RepairsAndChecksUtf8)
{
    EXPECT_TRUE(httpbin::is_valid_utf8("caf\xC3\xA9 \xF0\x9F\x9A\x80"));
    EXPECT_FALSE(httpbin::is_valid_utf8("\xC0\xAF"));         // overlong '/'
    EXPECT_FALSE(httpbin::is_valid_utf8("\xED\xA0\x80"));     // a surrogate
    EXPECT_FALSE(httpbin::is_valid_utf8("\xF4\x90\x80\x80")); // past U+10FFFF
    EXPECT_EQ(httpbin::repair_utf8("a\xFF"
                                   "b"),
              "a\xEF\xBF\xBD"
              "b");
}

TEST(HttpbinTextTest, DecodesBase64LikePython)
{
    EXPECT_EQ(httpbin::base64_decode("SFRUUEJJTiBpcyBhd2Vzb21l", true), "HTTPBIN is awesome");
    EXPECT_EQ(httpbin::base64_decode("w6nDqA-_", true), "\xC3\xA9\xC3\xA8\x0F\xBF");
    EXPECT_EQ(httpbin::base64_decode("!!!", true), "");
    EXPECT_EQ(httpbin::base64_decode("SGk", true), std::nullopt);
    EXPECT_EQ(httpbin::base64_encode(std::string_view{"hello\0\xff", 7}), "aGVsbG8A/w==");
}

TEST(HttpbinTextTest, SeededBytesMatchCPythonsRandom)
{
    // From /usr/bin/python3: random.seed(3); bytes(random.randint(0, 255) for _ in range(5)).
    std::optional<httpbin::python_random> random = httpbin::python_random::from_seed("-3");
    ASSERT_TRUE(random);
    std::string bytes;
    for (int i = 0; i < 5; ++i) {
        bytes.push_back(static_cast<char>(random->next_byte()));
    }
    EXPECT_EQ(bytes, "\x79\x42\xbd\xf2\x21");
    EXPECT_FALSE(httpbin::python_random::from_seed("12a"));
    EXPECT_FALSE(httpbin::python_random::from_seed(""));
}

} // namespace
