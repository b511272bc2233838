// SPDX-License-Identifier: BSL-1.0
// Tests for web::router: pattern syntax, matching order, method tables, 405 Allow lists, url_for.
#include <ahttp/error.hpp>
#include <ahttp/http/query.hpp>
#include <ahttp/web/response.hpp>
#include <ahttp/web/router.hpp>

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace web = ahttp::web;
namespace http = ahttp::http;

namespace {

// A handler that remembers which one it is. The router copies handlers, so tests identify
// the one match() returns through std::function::target, never by address.
struct tagged_handler {
    int id;
    ahttp::awaitable<web::response> operator()(web::request&) const { co_return web::response{}; }
};

web::handler tagged(int id)
{
    return tagged_handler{id};
}

// The id of the handler in `m`, or -1 when there is none.
int id_of(web::route_match const& m)
{
    if (m.target == nullptr) {
        return -1;
    }
    auto const* h = m.target->target<tagged_handler>();
    return h == nullptr ? -2 : h->id;
}

// Runs `f` and returns the ahttp::errc it threw, as an error_code (empty if nothing thrown).
template <class F>
ahttp::error_code thrown_code(F&& f)
{
    try {
        std::forward<F>(f)();
    } catch (ahttp::error const& e) {
        return e.code();
    }
    return {};
}

// Returns `prefix` followed by `i`. (Spelled out because GCC 12 gives a false -Wrestrict for
// `"literal" + std::to_string(i)` at -O2.)
std::string numbered(std::string_view prefix, int i)
{
    std::string out{prefix};
    out += std::to_string(i);
    return out;
}

ahttp::error_code const invalid_argument = ahttp::make_error_code(ahttp::errc::invalid_argument);
ahttp::error_code const invalid_state = ahttp::make_error_code(ahttp::errc::invalid_state);

} // namespace

// --- Plain paths -------------------------------------------------------------------------------

TEST(RouterTest, MatchesPlainPath)
{
    web::router router;
    router.add_get("/users", tagged(1)).add_get("/about", tagged(2));
    web::path_params params;

    auto const m = router.match("GET", "/users", params);
    EXPECT_EQ(m.status, web::match_status::found);
    EXPECT_EQ(id_of(m), 1);
    EXPECT_TRUE(params.entries().empty());
    EXPECT_EQ(id_of(router.match("GET", "/about", params)), 2);
}

TEST(RouterTest, PlainPathMatchesExactly)
{
    web::router router;
    router.add_get("/users", tagged(1));
    web::path_params params;

    EXPECT_EQ(router.match("GET", "/users/", params).status, web::match_status::not_found);
    EXPECT_EQ(router.match("GET", "/Users", params).status, web::match_status::not_found);
    EXPECT_EQ(router.match("GET", "/user", params).status, web::match_status::not_found);
    EXPECT_EQ(router.match("GET", "/", params).status, web::match_status::not_found);
}

TEST(RouterTest, ReturnsNotFoundForUnknownPath)
{
    web::router router;
    router.add_get("/", tagged(1)).add_get("/users/{id}", tagged(2));
    web::path_params params;

    auto const m = router.match("GET", "/nowhere/at/all", params);
    EXPECT_EQ(m.status, web::match_status::not_found);
    EXPECT_EQ(m.target, nullptr);
    EXPECT_TRUE(m.allow.empty());
}

TEST(RouterTest, MatchesPlainPathThatLooksEncoded)
{
    // Patterns are in decoded form: "/a b" is reached by the decoded path "/a b".
    web::router router;
    router.add_get("/a b", tagged(1));
    web::path_params params;

    EXPECT_EQ(id_of(router.match("GET", "/a b", params)), 1);
    EXPECT_EQ(router.match("GET", "/a%20b", params).status, web::match_status::not_found);
}

// --- Placeholders ------------------------------------------------------------------------------

TEST(RouterTest, MatchesPathParameter)
{
    web::router router;
    router.add_get("/users/{id}", tagged(1));
    web::path_params params;
    std::string const path = "/users/42";

    auto const m = router.match("GET", path, params);
    EXPECT_EQ(id_of(m), 1);
    ASSERT_EQ(params.entries().size(), 1U);
    EXPECT_EQ(params.find("id"), "42");
    EXPECT_EQ(params.find("missing"), std::nullopt);
    // The value is a view into the matched path, not a copy.
    auto const value = *params.find("id");
    EXPECT_EQ(value.data(), path.data() + 7);
}

TEST(RouterTest, PathParameterStaysWithinOneSegment)
{
    web::router router;
    router.add_get("/users/{id}", tagged(1));
    web::path_params params;

    EXPECT_EQ(router.match("GET", "/users/1/2", params).status, web::match_status::not_found);
    EXPECT_EQ(router.match("GET", "/users/", params).status, web::match_status::not_found);
    EXPECT_EQ(router.match("GET", "/users", params).status, web::match_status::not_found);
    EXPECT_TRUE(params.entries().empty());
}

TEST(RouterTest, MatchesSeveralParametersInOrder)
{
    web::router router;
    router.add_get("/users/{user}/posts/{post}", tagged(1));
    web::path_params params;

    EXPECT_EQ(id_of(router.match("GET", "/users/ada/posts/7", params)), 1);
    ASSERT_EQ(params.entries().size(), 2U);
    EXPECT_EQ(params.entries()[0].first, "user");
    EXPECT_EQ(params.entries()[0].second, "ada");
    EXPECT_EQ(params.entries()[1].first, "post");
    EXPECT_EQ(params.entries()[1].second, "7");
    EXPECT_EQ(router.match("GET", "/users/ada/posts/", params).status,
              web::match_status::not_found);
    EXPECT_EQ(router.match("GET", "/users/ada/comments/7", params).status,
              web::match_status::not_found);
}

TEST(RouterTest, MatchesDecodedCharactersInParameter)
{
    web::router router;
    router.add_get("/greet/{name}", tagged(1));
    web::path_params params;

    EXPECT_EQ(id_of(router.match("GET", "/greet/Ada Lovelace", params)), 1);
    EXPECT_EQ(params.find("name"), "Ada Lovelace");
}

TEST(RouterTest, MatchesMixedLiteralAndPlaceholderSegments)
{
    web::router router;
    router.add_get("/v{version}/items", tagged(1)).add_get("/files/{name}.json", tagged(2));
    web::path_params params;

    EXPECT_EQ(id_of(router.match("GET", "/v2/items", params)), 1);
    EXPECT_EQ(params.find("version"), "2");
    EXPECT_EQ(router.match("GET", "/v/items", params).status, web::match_status::not_found);

    EXPECT_EQ(id_of(router.match("GET", "/files/report.json", params)), 2);
    EXPECT_EQ(params.find("name"), "report");
    EXPECT_EQ(router.match("GET", "/files/.json", params).status, web::match_status::not_found);
    EXPECT_EQ(router.match("GET", "/files/report.xml", params).status,
              web::match_status::not_found);
}

TEST(RouterTest, PlaceholderIsGreedyLikeARegex)
{
    // `{name}` stands for ([^/]+): greedy, backing off only as far as the rest requires.
    web::router router;
    router.add_get("/{name}.json", tagged(1))
        .add_get("/pair/{a}-{b}", tagged(2))
        .add_get("/glued/{a}{b}", tagged(3));
    web::path_params params;

    EXPECT_EQ(id_of(router.match("GET", "/archive.tar.json", params)), 1);
    EXPECT_EQ(params.find("name"), "archive.tar");

    EXPECT_EQ(id_of(router.match("GET", "/pair/x-y-z", params)), 2);
    EXPECT_EQ(params.find("a"), "x-y");
    EXPECT_EQ(params.find("b"), "z");

    EXPECT_EQ(id_of(router.match("GET", "/glued/xyz", params)), 3);
    EXPECT_EQ(params.find("a"), "xy");
    EXPECT_EQ(params.find("b"), "z");
    EXPECT_EQ(router.match("GET", "/glued/x", params).status, web::match_status::not_found);
}

TEST(RouterTest, MatchesRegexParameter)
{
    web::router router;
    router.add_get(R"(/items/{id:\d+})", tagged(1));
    web::path_params params;

    EXPECT_EQ(id_of(router.match("GET", "/items/123", params)), 1);
    EXPECT_EQ(params.find("id"), "123");
    EXPECT_EQ(router.match("GET", "/items/12a", params).status, web::match_status::not_found);
    EXPECT_EQ(router.match("GET", "/items/", params).status, web::match_status::not_found);
}

TEST(RouterTest, AcceptsBracesInsideRegex)
{
    web::router router;
    router.add_get(R"(/codes/{code:\d{3}})", tagged(1));
    web::path_params params;

    EXPECT_EQ(id_of(router.match("GET", "/codes/404", params)), 1);
    EXPECT_EQ(params.find("code"), "404");
    EXPECT_EQ(router.match("GET", "/codes/4040", params).status, web::match_status::not_found);
}

TEST(RouterTest, MatchesTailParameterAcrossSlashes)
{
    web::router router;
    router.add_get("/static/{path:.*}", tagged(1));
    web::path_params params;
    std::string const path = "/static/css/site.css";

    EXPECT_EQ(id_of(router.match("GET", path, params)), 1);
    EXPECT_EQ(params.find("path"), "css/site.css");
    EXPECT_EQ(params.find("path")->data(), path.data() + 8);

    EXPECT_EQ(id_of(router.match("GET", "/static/", params)), 1);
    EXPECT_EQ(params.find("path"), "");
    EXPECT_EQ(router.match("GET", "/static", params).status, web::match_status::not_found);
}

TEST(RouterTest, NumbersRegexGroupsAroundUserGroups)
{
    // The user's own capture groups must not shift which group feeds which parameter.
    web::router router;
    router.add_get(R"(/{kind:(cat|dog)(s?)}/{id:\d+}/{rest})", tagged(1));
    web::path_params params;

    EXPECT_EQ(id_of(router.match("GET", "/dogs/7/x", params)), 1);
    EXPECT_EQ(params.find("kind"), "dogs");
    EXPECT_EQ(params.find("id"), "7");
    EXPECT_EQ(params.find("rest"), "x");
}

TEST(RouterTest, EscapesLiteralTextInRegexPatterns)
{
    web::router router;
    router.add_get(R"(/a.b/c++/{id:\d+})", tagged(1));
    web::path_params params;

    EXPECT_EQ(id_of(router.match("GET", "/a.b/c++/1", params)), 1);
    EXPECT_EQ(router.match("GET", "/aXb/c++/1", params).status, web::match_status::not_found);
    EXPECT_EQ(router.match("GET", "/a.b/ccc/1", params).status, web::match_status::not_found);
}

TEST(RouterTest, TreatsSegmentRegexLikePlainPlaceholder)
{
    web::router router;
    router.add_get("/u/{id:[^/]+}", tagged(1));
    web::path_params params;

    EXPECT_EQ(id_of(router.match("GET", "/u/x", params)), 1);
    EXPECT_EQ(params.find("id"), "x");
    EXPECT_EQ(router.match("GET", "/u/x/y", params).status, web::match_status::not_found);
}

TEST(RouterTest, MatchesPatternWithManyPlaceholders)
{
    // More placeholders than the hand-written matcher keeps on its stack.
    std::string pattern;
    std::string path;
    for (int i = 0; i < 20; ++i) {
        pattern += "/{p" + std::to_string(i) + "}";
        path += "/v" + std::to_string(i);
    }
    web::router router;
    router.add_get(pattern, tagged(1));
    web::path_params params;

    EXPECT_EQ(id_of(router.match("GET", path, params)), 1);
    ASSERT_EQ(params.entries().size(), 20U);
    EXPECT_EQ(params.find("p0"), "v0");
    EXPECT_EQ(params.find("p19"), "v19");
}

TEST(RouterTest, ClearsParametersOnEveryMatch)
{
    web::router router;
    router.add_get("/users/{id}", tagged(1)).add_post("/items/{item}", tagged(2));
    web::path_params params;

    router.match("GET", "/users/1", params);
    ASSERT_EQ(params.entries().size(), 1U);
    auto const* storage = params.entries().data();

    EXPECT_EQ(router.match("GET", "/nothing", params).status, web::match_status::not_found);
    EXPECT_TRUE(params.entries().empty());
    // Reusing the object reuses its capacity: no allocation on the next match.
    router.match("GET", "/users/2", params);
    EXPECT_EQ(params.entries().data(), storage);
    EXPECT_EQ(params.find("id"), "2");

    // A path that matches but not for the method leaves no captures behind either.
    EXPECT_EQ(router.match("GET", "/items/9", params).status,
              web::match_status::method_not_allowed);
    EXPECT_TRUE(params.entries().empty());
}

// --- Order -------------------------------------------------------------------------------------

TEST(RouterTest, PrefersPlainPathOverPattern)
{
    web::router router;
    router.add_get("/users/{id}", tagged(1)).add_get("/users/me", tagged(2));
    web::path_params params;

    EXPECT_EQ(id_of(router.match("GET", "/users/me", params)), 2);
    EXPECT_TRUE(params.entries().empty());
    EXPECT_EQ(id_of(router.match("GET", "/users/you", params)), 1);
}

TEST(RouterTest, TriesPatternsInRegistrationOrder)
{
    web::router router;
    router.add_get(R"(/n/{num:\d+})", tagged(1))
        .add_get("/n/{any}", tagged(2))
        .add_get("/n/{tail:.*}", tagged(3));
    web::path_params params;

    EXPECT_EQ(id_of(router.match("GET", "/n/12", params)), 1);
    EXPECT_EQ(id_of(router.match("GET", "/n/ab", params)), 2);
    EXPECT_EQ(id_of(router.match("GET", "/n/a/b", params)), 3);
}

TEST(RouterTest, FallsThroughToLaterResourceThatHasTheMethod)
{
    web::router router;
    router.add_get("/users/me", tagged(1))
        .add_get("/users/{id}", tagged(2))
        .add_delete("/users/{name}", tagged(3));
    web::path_params params;

    auto const m = router.match("DELETE", "/users/me", params);
    EXPECT_EQ(id_of(m), 3);
    EXPECT_EQ(params.find("name"), "me");
    EXPECT_EQ(params.find("id"), std::nullopt);
}

// --- Methods -----------------------------------------------------------------------------------

TEST(RouterTest, SelectsHandlerByMethod)
{
    web::router router;
    router.add_get("/r", tagged(1))
        .add_post("/r", tagged(2))
        .add_put("/r", tagged(3))
        .add_patch("/r", tagged(4))
        .add_delete("/r", tagged(5))
        .add_options("/r", tagged(6))
        .add_head("/r", tagged(7))
        .add_route("PURGE", "/r", tagged(8));
    web::path_params params;

    EXPECT_EQ(id_of(router.match("GET", "/r", params)), 1);
    EXPECT_EQ(id_of(router.match("POST", "/r", params)), 2);
    EXPECT_EQ(id_of(router.match("PUT", "/r", params)), 3);
    EXPECT_EQ(id_of(router.match("PATCH", "/r", params)), 4);
    EXPECT_EQ(id_of(router.match("DELETE", "/r", params)), 5);
    EXPECT_EQ(id_of(router.match("OPTIONS", "/r", params)), 6);
    EXPECT_EQ(id_of(router.match("HEAD", "/r", params)), 7);
    EXPECT_EQ(id_of(router.match("PURGE", "/r", params)), 8);
}

TEST(RouterTest, TreatsMethodsCaseSensitively)
{
    web::router router;
    router.add_get("/r", tagged(1));
    web::path_params params;

    EXPECT_EQ(router.match("get", "/r", params).status, web::match_status::method_not_allowed);
}

TEST(RouterTest, ReturnsMethodNotAllowedWithAllowList)
{
    web::router router;
    router.add_post("/r", tagged(1)).add_get("/r", tagged(2)).add_delete("/r", tagged(3));
    web::path_params params;

    auto const m = router.match("PUT", "/r", params);
    EXPECT_EQ(m.status, web::match_status::method_not_allowed);
    EXPECT_EQ(m.target, nullptr);
    // Sorted, and HEAD appears because GET answers it.
    EXPECT_EQ(m.allow, "DELETE, GET, HEAD, POST");
}

TEST(RouterTest, ReturnsMethodNotAllowedForPattern)
{
    web::router router;
    router.add_get("/users/{id}", tagged(1)).add_put("/users/{id}", tagged(2));
    web::path_params params;

    auto const m = router.match("POST", "/users/3", params);
    EXPECT_EQ(m.status, web::match_status::method_not_allowed);
    EXPECT_EQ(m.allow, "GET, HEAD, PUT");
}

TEST(RouterTest, ReturnsStableAllowString)
{
    web::router router;
    router.add_get("/r", tagged(1)).add_post("/r", tagged(2));
    router.freeze();
    web::path_params params;

    auto const first = router.match("PUT", "/r", params).allow;
    auto const second = router.match("DELETE", "/r", params).allow;
    EXPECT_EQ(first, "GET, HEAD, POST");
    // Precomputed: the same characters every time, not a fresh string.
    EXPECT_EQ(first.data(), second.data());
}

TEST(RouterTest, UnitesAllowListsOfEveryMatchingResource)
{
    web::router router;
    router.add_get("/users/{id}", tagged(1))
        .add_put("/users/{name:[a-z]+}", tagged(2))
        .add_post("/users/admin", tagged(3));
    router.freeze();
    web::path_params params;

    auto const letters = router.match("PATCH", "/users/abc", params);
    EXPECT_EQ(letters.status, web::match_status::method_not_allowed);
    EXPECT_EQ(letters.allow, "GET, HEAD, PUT");
    EXPECT_EQ(router.match("PATCH", "/users/abc", params).allow.data(), letters.allow.data());

    EXPECT_EQ(router.match("PATCH", "/users/123", params).allow, "GET, HEAD");
    EXPECT_EQ(router.match("PATCH", "/users/admin", params).allow, "GET, HEAD, POST, PUT");
}

TEST(RouterTest, AnswersHeadWithGetHandler)
{
    web::router router;
    router.add_get("/page", tagged(1));
    web::path_params params;

    auto const m = router.match("HEAD", "/page", params);
    EXPECT_EQ(m.status, web::match_status::found);
    EXPECT_EQ(id_of(m), 1);
}

TEST(RouterTest, PrefersExplicitHeadOverGetFallback)
{
    web::router router;
    router.add_get("/page", tagged(1)).add_head("/page", tagged(2));
    router.add_head("/other", tagged(3)).add_get("/other", tagged(4));
    web::path_params params;

    EXPECT_EQ(id_of(router.match("HEAD", "/page", params)), 2);
    EXPECT_EQ(id_of(router.match("GET", "/page", params)), 1);
    EXPECT_EQ(id_of(router.match("HEAD", "/other", params)), 3);
    EXPECT_EQ(router.match("PUT", "/page", params).allow, "GET, HEAD");
}

TEST(RouterTest, DoesNotAnswerHeadWhenAllowHeadIsOff)
{
    web::router router;
    router.add_get("/page", tagged(1), {.allow_head = false});
    web::path_params params;

    auto const m = router.match("HEAD", "/page", params);
    EXPECT_EQ(m.status, web::match_status::method_not_allowed);
    EXPECT_EQ(m.allow, "GET");
}

TEST(RouterTest, AnyMethodRouteMatchesEveryMethod)
{
    web::router router;
    router.add_route("*", "/hook", tagged(1));
    web::path_params params;

    for (std::string_view method : {"GET", "HEAD", "POST", "DELETE", "PURGE"}) {
        auto const m = router.match(method, "/hook", params);
        EXPECT_EQ(m.status, web::match_status::found) << method;
        EXPECT_EQ(id_of(m), 1) << method;
    }
}

TEST(RouterTest, PrefersExplicitMethodOverAnyRoute)
{
    web::router router;
    router.add_route("*", "/hook", tagged(1)).add_post("/hook", tagged(2));
    router.add_route("*", "/page", tagged(3)).add_get("/page", tagged(4));
    web::path_params params;

    EXPECT_EQ(id_of(router.match("POST", "/hook", params)), 2);
    EXPECT_EQ(id_of(router.match("GET", "/hook", params)), 1);
    // HEAD reaches GET's handler before the catch-all.
    EXPECT_EQ(id_of(router.match("HEAD", "/page", params)), 4);
    EXPECT_EQ(id_of(router.match("PUT", "/page", params)), 3);
}

TEST(RouterTest, AnyMethodRouteOnPatternCapturesParameters)
{
    web::router router;
    router.add_routes({web::any("/api/{rest:.*}", tagged(1))});
    web::path_params params;

    EXPECT_EQ(id_of(router.match("PATCH", "/api/v1/x", params)), 1);
    EXPECT_EQ(params.find("rest"), "v1/x");
}

// --- Route tables ------------------------------------------------------------------------------

TEST(RouterTest, AddsRouteTable)
{
    web::router router;
    router.add_routes({
        web::get("/t", tagged(1)),
        web::post("/t", tagged(2)),
        web::put("/t", tagged(3)),
        web::patch("/t", tagged(4)),
        web::delete_("/t", tagged(5)),
        web::head("/t", tagged(6)),
        web::options("/t", tagged(7)),
        web::get("/named/{id}", tagged(8), {.name = "named"}),
    });
    web::path_params params;

    EXPECT_EQ(id_of(router.match("GET", "/t", params)), 1);
    EXPECT_EQ(id_of(router.match("POST", "/t", params)), 2);
    EXPECT_EQ(id_of(router.match("PUT", "/t", params)), 3);
    EXPECT_EQ(id_of(router.match("PATCH", "/t", params)), 4);
    EXPECT_EQ(id_of(router.match("DELETE", "/t", params)), 5);
    EXPECT_EQ(id_of(router.match("HEAD", "/t", params)), 6);
    EXPECT_EQ(id_of(router.match("OPTIONS", "/t", params)), 7);
    EXPECT_EQ(router.url_for("named", {{"id", "5"}}), "/named/5");
}

TEST(RouterTest, BuildsRouteDefinitions)
{
    auto const def = web::get("/x", tagged(1), {.name = "x", .allow_head = false});
    EXPECT_EQ(def.method, "GET");
    EXPECT_EQ(def.path, "/x");
    EXPECT_EQ(def.options.name, "x");
    EXPECT_FALSE(def.options.allow_head);
    EXPECT_EQ(web::any("/y", tagged(2)).method, "*");
    EXPECT_EQ(web::delete_("/y", tagged(2)).method, "DELETE");
    EXPECT_EQ(web::options("/y", tagged(2)).method, "OPTIONS");
}

TEST(RouterTest, AcceptsSimpleLambdaHandlers)
{
    web::router router;
    router.add_get(
        "/", [](web::request&) -> ahttp::awaitable<web::response> { co_return web::response{}; });
    web::path_params params;

    auto const m = router.match("GET", "/", params);
    ASSERT_EQ(m.status, web::match_status::found);
    ASSERT_NE(m.target, nullptr);
    EXPECT_TRUE(static_cast<bool>(*m.target));
}

TEST(RouterTest, KeepsHandlerAddressesAcrossAdditions)
{
    web::router router;
    router.add_get("/a", tagged(1));
    web::path_params params;
    auto const* before = router.match("GET", "/a", params).target;

    for (int i = 0; i < 50; ++i) {
        router.add_get(numbered("/b", i), tagged(i));
        router.add_route(numbered("M", i), "/a", tagged(i));
    }
    EXPECT_EQ(router.match("GET", "/a", params).target, before);
    EXPECT_EQ(id_of(router.match("GET", "/a", params)), 1);
}

TEST(RouterTest, MovesWithItsRoutes)
{
    web::router original;
    original.add_get("/a", tagged(1), {.name = "a"});
    web::router moved{std::move(original)};
    web::path_params params;

    EXPECT_EQ(id_of(moved.match("GET", "/a", params)), 1);
    web::router assigned;
    assigned = std::move(moved);
    EXPECT_EQ(id_of(assigned.match("GET", "/a", params)), 1);
    EXPECT_EQ(assigned.url_for("a"), "/a");

    // A moved-from router is empty but usable.
    EXPECT_EQ(original.match("GET", "/a", params).status, web::match_status::not_found);
    EXPECT_FALSE(original.frozen());
    original.add_get("/b", tagged(2));
    EXPECT_EQ(id_of(original.match("GET", "/b", params)), 2);
}

// --- Errors ------------------------------------------------------------------------------------

TEST(RouterTest, RejectsMalformedPatterns)
{
    for (std::string_view pattern : {
             "",              // no leading slash
             "users",         // no leading slash
             "/users/{id",    // unclosed
             "/users/{id}}",  // stray close
             "/users/id}",    // stray close
             "/{}",           // no name
             "/{:\\d+}",      // no name
             "/{1st}",        // not an identifier
             "/{na-me}",      // not an identifier
             "/{a}/{a}",      // duplicate name
             "/{a}/{a:\\d+}", // duplicate name
             "/{a:}",         // empty regex
             "/{a:[}",        // invalid regex
             "/{a:(}",        // invalid regex
             "/{a:x\\}",      // escaped brace leaves the placeholder open
         }) {
        web::router router;
        EXPECT_EQ(thrown_code([&] { router.add_get(pattern, tagged(1)); }), invalid_argument)
            << '"' << pattern << '"';
    }
}

TEST(RouterTest, ReportsPatternInErrorMessage)
{
    web::router router;
    try {
        router.add_get("/users/{id", tagged(1));
        FAIL() << "no exception";
    } catch (ahttp::error const& e) {
        EXPECT_NE(std::string_view{e.what()}.find("/users/{id"), std::string_view::npos);
    }
}

TEST(RouterTest, RejectsDuplicateMethodAndPath)
{
    web::router router;
    router.add_get("/r", tagged(1))
        .add_get("/users/{id}", tagged(2))
        .add_route("*", "/r", tagged(3));

    EXPECT_EQ(thrown_code([&] { router.add_get("/r", tagged(4)); }), invalid_argument);
    EXPECT_EQ(thrown_code([&] { router.add_get("/users/{id}", tagged(4)); }), invalid_argument);
    EXPECT_EQ(thrown_code([&] { router.add_route("*", "/r", tagged(4)); }), invalid_argument);
    // Another method on the same path is fine.
    EXPECT_EQ(thrown_code([&] { router.add_post("/users/{id}", tagged(5)); }), ahttp::error_code{});
}

TEST(RouterTest, RejectsDuplicateRouteName)
{
    web::router router;
    router.add_get("/a", tagged(1), {.name = "home"});

    EXPECT_EQ(thrown_code([&] { router.add_get("/b", tagged(2), {.name = "home"}); }),
              invalid_argument);
    // The failed call registered nothing.
    web::path_params params;
    EXPECT_EQ(router.match("GET", "/b", params).status, web::match_status::not_found);
}

TEST(RouterTest, RejectsInvalidMethodAndEmptyHandler)
{
    web::router router;
    EXPECT_EQ(thrown_code([&] { router.add_route("", "/a", tagged(1)); }), invalid_argument);
    EXPECT_EQ(thrown_code([&] { router.add_route("GE T", "/a", tagged(1)); }), invalid_argument);
    EXPECT_EQ(thrown_code([&] { router.add_route("GET/", "/a", tagged(1)); }), invalid_argument);
    EXPECT_EQ(thrown_code([&] { router.add_get("/a", web::handler{}); }), invalid_argument);
}

TEST(RouterTest, RejectsMoreThan64DistinctMethods)
{
    // Method sets are one 64-bit word; the IANA registry lists about 40 methods.
    web::router router;
    for (int i = 0; i < 62; ++i) {
        router.add_route(numbered("M", i), "/a", tagged(i));
    }
    router.add_get("/a", tagged(100)); // with GET and HEAD: 64 tokens
    EXPECT_EQ(thrown_code([&] { router.add_route("ONE-TOO-MANY", "/b", tagged(1)); }),
              invalid_argument);
    // Known tokens are still accepted, and the router still works.
    router.add_route("M0", "/b", tagged(2));
    web::path_params params;
    EXPECT_EQ(id_of(router.match("M0", "/b", params)), 2);
    EXPECT_EQ(router.match("GET", "/b", params).allow, "M0");
}

TEST(RouterTest, RejectsAdditionsAfterFreeze)
{
    web::router router;
    router.add_get("/a", tagged(1));
    EXPECT_FALSE(router.frozen());
    router.freeze();
    EXPECT_TRUE(router.frozen());

    EXPECT_EQ(thrown_code([&] { router.add_get("/b", tagged(2)); }), invalid_state);
    EXPECT_EQ(thrown_code([&] { router.add_routes({web::post("/c", tagged(3))}); }), invalid_state);
    web::path_params params;
    EXPECT_EQ(id_of(router.match("GET", "/a", params)), 1);
}

// --- url_for -----------------------------------------------------------------------------------

TEST(RouterTest, BuildsUrlForPlainRoute)
{
    web::router router;
    router.add_get("/about/team", tagged(1), {.name = "team"});

    EXPECT_EQ(router.url_for("team"), "/about/team");
}

TEST(RouterTest, BuildsUrlWithEncodedParameters)
{
    web::router router;
    router.add_get("/users/{name}/v{version}", tagged(1), {.name = "user"});

    EXPECT_EQ(router.url_for("user", {{"name", "Ada Lovelace/x?y#z%"}, {"version", "2"}}),
              "/users/Ada%20Lovelace%2Fx%3Fy%23z%25/v2");
    // Sub-delimiters, ':' and '@' are allowed in a segment as is.
    EXPECT_EQ(router.url_for("user", {{"name", "a+b,c;d=e!$&'()*:@"}, {"version", "-._~"}}),
              "/users/a+b,c;d=e!$&'()*:@/v-._~");
    EXPECT_EQ(router.url_for("user", {{"version", "1"}, {"name", "Jos\xC3\xA9"}}),
              "/users/Jos%C3%A9/v1");
}

TEST(RouterTest, KeepsSlashesInTailParameter)
{
    web::router router;
    router.add_get("/static/{path:.*}", tagged(1), {.name = "static"});
    router.add_get(R"(/files/{name:[^/]+\.txt})", tagged(2), {.name = "file"});

    EXPECT_EQ(router.url_for("static", {{"path", "css/site one.css"}}),
              "/static/css/site%20one.css");
    // This regex cannot hold a '/', so one in the value is data and gets escaped.
    EXPECT_EQ(router.url_for("file", {{"name", "a/b.txt"}}), "/files/a%2Fb.txt");
}

TEST(RouterTest, EncodesLiteralTextOfPattern)
{
    web::router router;
    router.add_get("/caf\xC3\xA9 menu/{item}", tagged(1), {.name = "menu"});

    EXPECT_EQ(router.url_for("menu", {{"item", "tea"}}), "/caf%C3%A9%20menu/tea");
}

TEST(RouterTest, AppendsQueryToUrl)
{
    web::router router;
    router.add_get("/search", tagged(1), {.name = "search"});

    EXPECT_EQ(router.url_for("search", {}, {{"q", "a b"}, {"page", "2"}}),
              "/search?q=a%20b&page=2");
    EXPECT_EQ(router.url_for("search", {}, {}), "/search");
}

TEST(RouterTest, IgnoresExtraUrlParameters)
{
    web::router router;
    router.add_get("/u/{id}", tagged(1), {.name = "u"});

    EXPECT_EQ(router.url_for("u", {{"id", "1"}, {"unused", "x"}}), "/u/1");
}

TEST(RouterTest, RejectsUnknownNameAndMissingParameter)
{
    web::router router;
    router.add_get("/u/{id}/{tab}", tagged(1), {.name = "u"});

    EXPECT_EQ(thrown_code([&] { (void)router.url_for("nope"); }), invalid_argument);
    EXPECT_EQ(thrown_code([&] { (void)router.url_for("u", {{"id", "1"}}); }), invalid_argument);
    EXPECT_EQ(thrown_code([&] { (void)router.url_for("u"); }), invalid_argument);
}

TEST(RouterTest, MatchesDecodedUrlForOutput)
{
    web::router router;
    router.add_get("/u/{name}/files/{path:.*}", tagged(1), {.name = "u"});
    std::string const url =
        router.url_for("u", {{"name", "a b/c%d"}, {"path", "x/y z.txt"}}, {{"k", "v"}});
    std::string_view const path = std::string_view{url}.substr(0, url.find('?'));
    std::string const decoded = http::percent_decode(path);
    web::path_params params;

    // A '/' escaped inside {name} comes back as a separator once decoded (the router sees
    // decoded paths), so this name must not contain one to round-trip.
    EXPECT_EQ(router.match("GET", decoded, params).status, web::match_status::not_found);

    std::string const clean = router.url_for("u", {{"name", "a b%c"}, {"path", "x/y z.txt"}});
    std::string const clean_decoded = http::percent_decode(clean);
    EXPECT_EQ(id_of(router.match("GET", clean_decoded, params)), 1);
    EXPECT_EQ(params.find("name"), "a b%c");
    EXPECT_EQ(params.find("path"), "x/y z.txt");
}
