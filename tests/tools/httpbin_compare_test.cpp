// SPDX-License-Identifier: BSL-1.0
// `ahttp httpbin` against the real one: the same request (sent with curl, so that both see
// the very same bytes and nothing is decoded or followed for us) goes to python3-httpbin
// under gunicorn and to our install_httpbin() application, both on free loopback ports, and
// the answers must agree: status, Content-Type, the fields that matter, and the body (the
// whole JSON document, ports aside, or the exact bytes where httpbin's are deterministic).
#include "httpbin/httpbin_app.hpp"
#include "support/process.hpp"
#include "support/python_httpbin.hpp"
#include "support/running_process.hpp"

#include <ahttp/testing/test_server.hpp>
#include <ahttp/web/application.hpp>

#include <boost/json.hpp>

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace json = boost::json;
namespace web = ahttp::web;

/// How the bodies of the two answers are compared.
enum class body_check {
    json,       ///< the same JSON document (ports replaced, `ignore` paths removed)
    json_lines, ///< the same JSON document on each line (/stream)
    exact,      ///< the same bytes
    none,       ///< only status and fields (our pages are our own prose)
};

/// One request of the table and what must agree in its two answers.
struct exchange_case {
    std::string name; ///< the test's name
    std::string path; ///< with its query
    std::vector<std::string> curl_args{};
    body_check body = body_check::json;
    /// Response fields compared besides Content-Type and the CORS ones.
    std::vector<std::string> fields{};
    /// Slash-separated paths into the JSON body left out of the comparison.
    std::vector<std::string> ignore{};
};

std::string const& binary_file()
{
    static std::string const path = [] {
        std::string p = (std::filesystem::temp_directory_path() / "ahttp_httpbin_binary.dat");
        std::ofstream{p, std::ios::binary} << std::string{"bin\0\xff\xfe data", 11};
        return p;
    }();
    return path;
}

std::string const& text_file()
{
    static std::string const path = [] {
        std::string p = (std::filesystem::temp_directory_path() / "ahttp_httpbin_text.txt");
        std::ofstream{p, std::ios::binary} << "caf\xc3\xa9 au lait\nsecond line\n";
        return p;
    }();
    return path;
}

std::vector<std::string> const location{"Location"};
std::vector<std::string> const multipart_boundary{"headers/Content-Type"};

/// The /get family: args (single and repeated), headers, origin, url as an IRI.
std::vector<exchange_case> echo_cases()
{
    return {
        {"Get", "/get"},
        {"GetRepeatedArgs", "/get?a=1&a=2&b=x&empty=&flag&a=3"},
        {"GetEncodedArgs", "/get?x=%C3%A9&%E2%82%AC=1&bad=%ff&sp=a+b%20c&q=%3F%26"},
        {"GetHead", "/get", {"-I"}, body_check::exact},
        {"GetWrongMethod", "/get", {"-X", "POST"}, body_check::none},
        {"GetPreflight",
         "/get",
         {"-X", "OPTIONS", "-H", "Origin: http://example.org", "-H",
          "Access-Control-Request-Headers: X-Custom"},
         body_check::exact,
         {"Access-Control-Allow-Methods", "Access-Control-Max-Age",
          "Access-Control-Allow-Headers"}},
        {"GetWithOrigin", "/get", {"-H", "Origin: http://example.org"}},
        {"NotFound", "/no/such/page", {}, body_check::none},
        {"Headers",
         "/headers",
         {"-H", "X-Custom: 1", "-H", "x-lower-case: 2", "-H", "X-Dup: a", "-H", "X-Dup: b", "-H",
          "dnt: 1", "-H", "X-Num1ber: 3"}},
        {"HeadersHideProxyFields", "/headers", {"-H", "X-Forwarded-For: 10.1.2.3", "-H", "Via: x"}},
        {"HeadersShowEnv", "/headers?show_env=1", {"-H", "X-Forwarded-For: 10.1.2.3"}},
        {"Ip", "/ip"},
        {"IpForwarded", "/ip", {"-H", "X-Forwarded-For: 10.1.2.3"}},
        {"UrlForwardedProto", "/get", {"-H", "X-Forwarded-Proto: https"}},
        {"UserAgent", "/user-agent", {"-A", "peer-test/1.0"}},
        {"UserAgentMissing", "/user-agent", {"-A", ""}},
        {"Uuid", "/uuid", {}, body_check::json, {}, {"uuid"}},
        {"AnythingPath", "/anything/a%20b/%7Ec/d?y=%41&z=%zz"},
        {"AnythingTrace", "/anything", {"-X", "TRACE"}},
        {"AnythingJson", "/anything?k=v", {"-X", "PUT", "--json", R"({"n":[1,2.5,"x"]})"}},
    };
}

/// The /post family: form, JSON, text, binary, multipart, chunked.
std::vector<exchange_case> body_cases()
{
    return {
        {"PostForm", "/post", {"-d", "x=1&x=2&y=hello+world&z=%C3%A9"}},
        {"PostJson", "/post?q=1", {"--json", R"({"a":[1,2],"b":{"c":null,"d":true},"e":"é"})"}},
        {"PostText", "/post", {"-H", "Content-Type: text/plain", "--data-binary", "plain text"}},
        {"PostBinary",
         "/post",
         {"-H", "Content-Type: application/octet-stream", "--data-binary", "@" + binary_file()}},
        {"PostMultipart",
         "/post",
         {"-F", "name=value", "-F", "name=second", "-F", "text=@" + text_file(), "-F",
          "bin=@" + binary_file(), "-F", "text=@" + binary_file()},
         body_check::json,
         {},
         multipart_boundary},
        {"PostChunked", "/post", {"-H", "Transfer-Encoding: chunked", "-d", "a=1&b=2"}},
        {"PostEmpty", "/post", {"-X", "POST"}},
        {"PutJson", "/put", {"-X", "PUT", "--json", R"([1,"two",{"three":3}])"}},
        {"PatchForm", "/patch", {"-X", "PATCH", "-d", "k=v"}},
        {"Delete", "/delete?x=1", {"-X", "DELETE"}},
        {"DeleteJson", "/delete", {"-X", "DELETE", "--json", R"({"gone":true})"}},
        {"PostWrongMethod", "/post", {}, body_check::none},
    };
}

/// /status: single codes with their decorations, weighted lists, bad input.
std::vector<exchange_case> status_cases()
{
    return {
        {"Status200", "/status/200", {}, body_check::exact},
        {"Status201Post", "/status/201", {"-X", "POST"}, body_check::exact},
        {"Status204Put", "/status/204", {"-X", "PUT"}, body_check::exact},
        {"Status301", "/status/301", {}, body_check::exact, location},
        {"Status304", "/status/304", {}, body_check::exact},
        {"Status401", "/status/401", {}, body_check::exact, {"WWW-Authenticate"}},
        {"Status402", "/status/402", {}, body_check::none},
        {"Status404", "/status/404", {}, body_check::exact},
        {"Status406", "/status/406", {}, body_check::json, {}, {"message"}},
        {"Status418", "/status/418", {}, body_check::none, {"x-more-info"}},
        {"Status500Delete", "/status/500", {"-X", "DELETE"}, body_check::exact},
        {"StatusWeightedZero", "/status/200:0,418:1", {}, body_check::none},
        {"StatusListUnweighted", "/status/503:0,201", {}, body_check::exact},
        {"StatusInvalid", "/status/abc", {}, body_check::exact},
        {"StatusInvalidInList", "/status/200,abc", {}, body_check::exact},
    };
}

/// /delay
std::vector<exchange_case> delay_cases()
{
    return {
        {"DelayZero", "/delay/0"},
        {"DelayFractionWithArgs", "/delay/0.3?x=1"},
    };
}

/// Redirects, never followed here: Location must agree.
std::vector<exchange_case> redirect_cases()
{
    return {
        {"Redirect1", "/redirect/1", {}, body_check::none, location},
        {"Redirect3", "/redirect/3", {}, body_check::none, location},
        {"RedirectAbsolute", "/redirect/2?absolute=true", {}, body_check::none, location},
        {"RelativeRedirect3", "/relative-redirect/3", {}, body_check::exact, location},
        {"RelativeRedirect1", "/relative-redirect/1", {}, body_check::exact, location},
        {"AbsoluteRedirect2", "/absolute-redirect/2", {}, body_check::none, location},
        {"AbsoluteRedirect1", "/absolute-redirect/1", {}, body_check::none, location},
        {"RedirectNotANumber", "/redirect/x", {}, body_check::none},
        {"RedirectTo", "/redirect-to?url=/get", {}, body_check::exact, location},
        {"RedirectToWithStatus",
         "/redirect-to?url=http://example.com/x%3Fy&status_code=307",
         {},
         body_check::exact,
         location},
        {"RedirectToNonRedirectStatus",
         "/redirect-to?url=/get&status_code=200",
         {},
         body_check::exact,
         location},
        {"RedirectToPost",
         "/redirect-to?URL=/anything&status_code=308",
         {"-X", "POST", "-d", "a=1"},
         body_check::exact,
         location},
    };
}

/// Cookies
std::vector<exchange_case> cookie_cases()
{
    return {
        {"CookiesNone", "/cookies"},
        {"Cookies", "/cookies", {"-b", "a=1; b=two; __utma=x; a=ignored"}},
        {"CookiesQuoted", "/cookies", {"-b", R"(q="quoted value"; e=)"}},
        {"CookiesShowEnv", "/cookies?show_env=1", {"-b", "a=1; __utma=x"}},
        {"CookiesSet",
         "/cookies/set?a=1&b=2&a=3",
         {},
         body_check::none,
         {"Location", "Set-Cookie"}},
        {"CookiesSetQuoted",
         "/cookies/set?s=a%20b%3Bc",
         {},
         body_check::none,
         {"Location", "Set-Cookie"}},
        {"CookiesSetPath", "/cookies/set/x/y", {}, body_check::none, {"Location", "Set-Cookie"}},
        {"CookiesDelete", "/cookies/delete?a&b=", {}, body_check::none, {"Location", "Set-Cookie"}},
    };
}

/// Content codings: as sent (not decoded), then decoded by curl.
std::vector<exchange_case> coding_cases()
{
    return {
        {"GzipRaw", "/gzip", {}, body_check::none, {"Content-Encoding"}},
        {"DeflateRaw", "/deflate", {}, body_check::none, {"Content-Encoding"}},
        {"BrotliRaw", "/brotli", {}, body_check::none, {"Content-Encoding"}},
        {"Gzip", "/gzip", {"--compressed"}},
        {"Deflate", "/deflate", {"--compressed"}},
        {"Brotli", "/brotli", {"--compressed"}},
    };
}

/// Generated bodies: httpbin's are reproducible with a seed or by design.
std::vector<exchange_case> generated_cases()
{
    return {
        {"Stream", "/stream/3?x=1", {}, body_check::json_lines},
        {"StreamCapped", "/stream/150", {}, body_check::json_lines},
        {"StreamNotANumber", "/stream/abc", {}, body_check::none},
        {"BytesSeeded", "/bytes/64?seed=42", {}, body_check::exact},
        {"BytesSeedNegative", "/bytes/16?seed=-3", {}, body_check::exact},
        {"BytesBigSeed", "/bytes/16?Seed=123456789012345678901234567890", {}, body_check::exact},
        {"BytesCapped", "/bytes/200000?seed=1", {}, body_check::exact},
        {"BytesZero", "/bytes/0", {}, body_check::exact},
        {"BytesNegative", "/bytes/-1", {}, body_check::none},
        {"StreamBytesSeeded", "/stream-bytes/100?seed=7&chunk_size=10", {}, body_check::exact},
        {"StreamBytesDefaultChunks", "/stream-bytes/30000?seed=11", {}, body_check::exact},
        {"GetHeadStream", "/stream/2", {"-I"}, body_check::exact},
        {"Range", "/range/30", {}, body_check::exact, {"ETag", "Accept-Ranges", "Content-Range"}},
        {"RangePart",
         "/range/30",
         {"-H", "Range: bytes=2-5"},
         body_check::exact,
         {"ETag", "Accept-Ranges", "Content-Range"}},
        {"RangeSuffix",
         "/range/30",
         {"-H", "Range: bytes=-3"},
         body_check::exact,
         {"ETag", "Accept-Ranges", "Content-Range"}},
        {"RangeOpen",
         "/range/30?chunk_size=4",
         {"-H", "Range: bytes=25-"},
         body_check::exact,
         {"ETag", "Accept-Ranges", "Content-Range"}},
        {"RangeUnsatisfiable",
         "/range/30",
         {"-H", "Range: bytes=5-2"},
         body_check::exact,
         {"ETag", "Accept-Ranges", "Content-Range"}},
        {"RangeOutOfBounds", "/range/0", {}, body_check::exact, {"ETag", "Accept-Ranges"}},
        {"Drip", "/drip?numbytes=5&duration=0.2&code=201", {}, body_check::exact},
        {"DripNoBytes", "/drip?numbytes=0", {}, body_check::exact},
    };
}

/// Authentication
std::vector<exchange_case> auth_cases()
{
    return {
        {"BasicAuthGood", "/basic-auth/user/passwd", {"-u", "user:passwd"}},
        {"BasicAuthBad",
         "/basic-auth/user/passwd",
         {"-u", "user:wrong"},
         body_check::exact,
         {"WWW-Authenticate"}},
        {"BasicAuthMissing",
         "/basic-auth/user/passwd",
         {},
         body_check::exact,
         {"WWW-Authenticate"}},
        {"BasicAuthColonInPassword", "/basic-auth/u/a:b", {"-u", "u:a:b"}},
        {"HiddenBasicAuthGood", "/hidden-basic-auth/user/passwd", {"-u", "user:passwd"}},
        {"HiddenBasicAuthBad", "/hidden-basic-auth/user/passwd", {"-u", "x:y"}, body_check::exact},
        {"BearerGood", "/bearer", {"-H", "Authorization: Bearer xyz123"}},
        {"BearerMissing", "/bearer", {}, body_check::exact, {"WWW-Authenticate"}},
    };
}

/// Documents
std::vector<exchange_case> document_cases()
{
    return {
        {"Html", "/html", {}, body_check::none},
        {"Xml", "/xml", {}, body_check::none},
        {"Robots", "/robots.txt", {}, body_check::exact},
        {"Base64", "/base64/SFRUUEJJTiBpcyBhd2Vzb21l", {}, body_check::exact},
        {"Base64UrlSafe", "/base64/fn5-Pz8_", {}, body_check::exact},
    };
}

/// Response fields chosen by the query; caching.
std::vector<exchange_case> caching_cases()
{
    return {
        {"ResponseHeaders",
         "/response-headers?A=1&A=2&X-Test=hello",
         {},
         body_check::json,
         {"A", "X-Test"}},
        {"ResponseHeadersPost",
         "/response-headers?X-Test=posted",
         {"-X", "POST"},
         body_check::json,
         {"X-Test"}},
        {"Cache", "/cache"},
        {"CacheConditional", "/cache", {"-H", "If-None-Match: abc"}, body_check::exact},
        {"CacheModifiedSince",
         "/cache",
         {"-H", "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT"},
         body_check::exact},
        {"CacheFor", "/cache/60", {}, body_check::json, {"Cache-Control"}},
        {"Etag", "/etag/abc", {}, body_check::json, {"ETag"}},
        {"EtagNoneMatch",
         "/etag/abc",
         {"-H", R"(If-None-Match: "x", "abc")"},
         body_check::exact,
         {"ETag"}},
        {"EtagMatchFails", "/etag/abc", {"-H", R"(If-Match: "zzz")"}, body_check::exact},
        {"EtagMatchStar", "/etag/abc", {"-H", "If-Match: *"}, body_check::json, {"ETag"}},

    };
}

/// One answer as curl saw it.
struct answer {
    unsigned status = 0;
    std::vector<std::pair<std::string, std::string>> fields; ///< names lower-cased
    std::string body;

    std::vector<std::string> values(std::string name) const
    {
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        std::vector<std::string> out;
        for (auto const& [n, v] : fields) {
            if (n == name) {
                out.push_back(v);
            }
        }
        return out;
    }
};

/// Replaces "127.0.0.1:<port>" with "127.0.0.1:PORT", so that the two servers' URLs agree.
std::string without_port(std::string text, std::uint16_t port)
{
    std::string const from = "127.0.0.1:" + std::to_string(port);
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + 1)) {
        text.replace(at, from.size(), "127.0.0.1:PORT");
    }
    return text;
}

/// Sends `c` to the server on `port` with curl and splits what came back.
answer exchange(exchange_case const& c, std::uint16_t port)
{
    std::vector<std::string> argv{"curl", "-s", "-S", "-i", "--max-time", "15", "-H", "Expect:"};
    argv.insert(argv.end(), c.curl_args.begin(), c.curl_args.end());
    argv.push_back("http://127.0.0.1:" + std::to_string(port) + c.path);
    ahttp::test::process_result const run = ahttp::test::run_process(argv, {}, 20s);
    answer a;
    EXPECT_EQ(run.exit_code, 0) << "curl failed on port " << port << ": " << run.err;
    std::string const& out = run.out;
    std::size_t const head_end = out.find("\r\n\r\n");
    if (head_end == std::string::npos) {
        ADD_FAILURE() << "no response head from port " << port << ": " << out;
        return a;
    }
    std::string const head = out.substr(0, head_end);
    a.body = without_port(out.substr(head_end + 4), port);
    std::size_t line_start = 0;
    for (bool first = true; line_start < head.size(); first = false) {
        std::size_t line_end = head.find("\r\n", line_start);
        if (line_end == std::string::npos) {
            line_end = head.size();
        }
        std::string const line = head.substr(line_start, line_end - line_start);
        line_start = line_end + 2;
        if (first) {
            std::sscanf(line.c_str(), "HTTP/%*s %u", &a.status);
            continue;
        }
        std::size_t const colon = line.find(':');
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
        std::size_t value_start = line.find_first_not_of(' ', colon + 1);
        std::string value = value_start == std::string::npos ? "" : line.substr(value_start);
        a.fields.emplace_back(std::move(name), without_port(std::move(value), port));
    }
    return a;
}

void erase_path(json::value& value, std::string const& path)
{
    json::value* at = &value;
    std::size_t start = 0;
    for (;;) {
        std::size_t const slash = path.find('/', start);
        std::string const key = path.substr(start, slash - start);
        if (!at->is_object()) {
            return;
        }
        if (slash == std::string::npos) {
            at->as_object().erase(key);
            return;
        }
        auto found = at->as_object().find(key);
        if (found == at->as_object().end()) {
            return;
        }
        at = &found->value();
        start = slash + 1;
    }
}

/// Parses `text` and drops `ignore`; a parse failure is a test failure.
json::value comparable_json(std::string const& text, std::vector<std::string> const& ignore,
                            char const* who)
{
    boost::system::error_code ec;
    json::value value = json::parse(text, ec);
    EXPECT_FALSE(ec) << who << " sent no JSON: " << text;
    for (auto const& path : ignore) {
        erase_path(value, path);
    }
    return value;
}

/// `value` serialized with every object's keys sorted, so that key order does not matter.
std::string canonical(json::value const& value)
{
    if (value.is_array()) {
        std::string out = "[";
        for (auto const& item : value.as_array()) {
            out.append(out.size() > 1 ? "," : "").append(canonical(item));
        }
        return out + "]";
    }
    if (!value.is_object()) {
        return json::serialize(value);
    }
    std::vector<std::pair<std::string, std::string>> entries;
    for (auto const& entry : value.as_object()) {
        entries.emplace_back(json::serialize(json::string{entry.key()}), canonical(entry.value()));
    }
    std::sort(entries.begin(), entries.end());
    std::string out = "{";
    for (auto const& [key, item] : entries) {
        out.append(out.size() > 1 ? "," : "").append(key).append(":").append(item);
    }
    return out + "}";
}

/// Fields whose order of values carries no meaning compared as sets ("GET, HEAD, OPTIONS").
std::vector<std::string> method_set(std::string const& allow)
{
    std::vector<std::string> methods;
    std::regex const token{R"([A-Z]+)"};
    for (auto it = std::sregex_iterator(allow.begin(), allow.end(), token);
         it != std::sregex_iterator(); ++it) {
        methods.push_back(it->str());
    }
    std::sort(methods.begin(), methods.end());
    return methods;
}

/// Sends `c` to both servers and checks that the answers agree.
void expect_same_answer(exchange_case const& c, std::uint16_t their_port, std::uint16_t our_port)
{
    answer const theirs = exchange(c, their_port);
    answer const ours = exchange(c, our_port);
    if (theirs.status == 0) {
        ADD_FAILURE() << "httpbin did not answer";
        return;
    }
    EXPECT_EQ(ours.status, theirs.status);
    EXPECT_EQ(ours.values("Content-Type"), theirs.values("Content-Type"));
    EXPECT_EQ(ours.values("Access-Control-Allow-Origin"),
              theirs.values("Access-Control-Allow-Origin"));
    EXPECT_EQ(ours.values("Access-Control-Allow-Credentials"),
              theirs.values("Access-Control-Allow-Credentials"));
    for (auto const& name : c.fields) {
        EXPECT_EQ(ours.values(name), theirs.values(name)) << name;
    }
    if (theirs.status == 200 && !theirs.values("Allow").empty()) {
        // A preflight's Allow: the same methods, in whatever order.
        EXPECT_EQ(ours.values("Allow").size(), 1u);
        EXPECT_EQ(method_set(ours.values("Allow").empty() ? "" : ours.values("Allow").front()),
                  method_set(theirs.values("Allow").front()));
    }

    switch (c.body) {
    case body_check::json:
        EXPECT_EQ(canonical(comparable_json(ours.body, c.ignore, "ours")),
                  canonical(comparable_json(theirs.body, c.ignore, "httpbin")));
        break;
    case body_check::json_lines: {
        std::vector<std::string> our_lines;
        std::vector<std::string> their_lines;
        for (auto [text, lines] :
             {std::pair{&ours.body, &our_lines}, std::pair{&theirs.body, &their_lines}}) {
            std::size_t start = 0;
            for (std::size_t end; (end = text->find('\n', start)) != std::string::npos;
                 start = end + 1) {
                json::value const line = comparable_json(text->substr(start, end - start), {},
                                                         lines == &our_lines ? "ours" : "httpbin");
                lines->push_back(canonical(line));
            }
            EXPECT_EQ(start, text->size()) << "a line without its newline";
        }
        EXPECT_EQ(our_lines, their_lines);
        break;
    }
    case body_check::exact:
        EXPECT_EQ(ours.body, theirs.body);
        break;
    case body_check::none:
        break;
    }
}

/// Both servers, started once per group of cases: httpbin under gunicorn (one gthread
/// worker, so that a /delay does not hold up the rest), ours in-process.
class HttpbinCompareTest : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        python_ = std::make_unique<ahttp::test::python_httpbin>(1);
        python_port_ = python_->port();
        app_ = std::make_unique<web::application>();
        ahttp::cli::install_httpbin(*app_);
        ours_ = std::make_unique<ahttp::testing::test_server>(*app_);
    }

    static void TearDownTestSuite()
    {
        ours_.reset();
        app_.reset();
        python_.reset();
    }

    void SetUp() override
    {
        if (python_port_ == 0) {
            GTEST_FAIL() << "gunicorn did not start: " << python_->err();
        }
    }

    static void expect_same_answers(std::vector<exchange_case> const& cases)
    {
        for (exchange_case const& c : cases) {
            SCOPED_TRACE(c.name + ": " + c.path);
            expect_same_answer(c, python_port_, ours_->port());
        }
    }

    static inline std::unique_ptr<ahttp::test::python_httpbin> python_;
    static inline std::uint16_t python_port_ = 0;
    static inline std::unique_ptr<web::application> app_;
    static inline std::unique_ptr<ahttp::testing::test_server> ours_;
};

TEST_F(HttpbinCompareTest, GetFamily)
{
    expect_same_answers(echo_cases());
}

TEST_F(HttpbinCompareTest, PostFamily)
{
    expect_same_answers(body_cases());
}

TEST_F(HttpbinCompareTest, Status)
{
    expect_same_answers(status_cases());
}

TEST_F(HttpbinCompareTest, Delay)
{
    expect_same_answers(delay_cases());
}

TEST_F(HttpbinCompareTest, RedirectsNotFollowed)
{
    expect_same_answers(redirect_cases());
}

TEST_F(HttpbinCompareTest, Cookies)
{
    expect_same_answers(cookie_cases());
}

TEST_F(HttpbinCompareTest, ContentCodings)
{
    expect_same_answers(coding_cases());
}

TEST_F(HttpbinCompareTest, GeneratedBodies)
{
    expect_same_answers(generated_cases());
}

TEST_F(HttpbinCompareTest, Authentication)
{
    expect_same_answers(auth_cases());
}

TEST_F(HttpbinCompareTest, Documents)
{
    expect_same_answers(document_cases());
}

TEST_F(HttpbinCompareTest, ResponseHeadersAndCaching)
{
    expect_same_answers(caching_cases());
}

TEST_F(HttpbinCompareTest, NoticesADifference)
{
    // The comparison is not vacuous: where we knowingly differ (a 400 for a path httpbin
    // crashes on, our own words on a 402), it reports failures; where we agree, none.
    auto failures = [](exchange_case const& c) {
        ::testing::TestPartResultArray results;
        {
            ::testing::ScopedFakeTestPartResultReporter const intercept{
                ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD,
                &results};
            expect_same_answer(c, python_port_, ours_->port());
        }
        return results.size();
    };
    EXPECT_GE(failures({"Base64BadPadding", "/base64/SGk", {}, body_check::exact}), 2);
    EXPECT_EQ(failures({"Status402Body", "/status/402", {}, body_check::exact}), 1);
    EXPECT_EQ(failures({"Status402Fields", "/status/402", {}, body_check::none}), 0);
}

} // namespace
