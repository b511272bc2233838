// SPDX-License-Identifier: BSL-1.0
// Router matching against a fixed table of plain, {segment}, {segment:regex} and {tail:.*}
// routes. Invariants: a found route has a handler; captured values are views into the path;
// url_for() with the captured values builds a path that, decoded, matches the same route with
// the same values (for values url_for can carry: no '/' in a segment). The input is
// "METHOD PATH" (method up to the first space).
#include <ahttp/http/query.hpp>
#include <ahttp/web/response.hpp>
#include <ahttp/web/router.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

namespace web = ahttp::web;

ahttp::awaitable<web::response> nothing(web::request&)
{
    co_return web::response{};
}

web::route_options named(std::string name)
{
    web::route_options options;
    options.name = std::move(name);
    return options;
}

web::router const& table()
{
    static web::router const r = [] {
        web::router router;
        router.add_get("/", nothing, named("root"));
        router.add_get("/users", nothing, named("users"));
        router.add_post("/users", nothing);
        router.add_get("/users/{id:\\d+}", nothing, named("user"));
        router.add_get("/users/{id:\\d+}/posts/{slug}", nothing, named("post"));
        router.add_get("/files/{path:.*}", nothing, named("file"));
        router.add_get("/{name}", nothing, named("greet"));
        router.add_route("*", "/any/{x}", nothing, named("any"));
        router.freeze();
        return router;
    }();
    return r;
}

bool inside(std::string_view part, std::string_view whole)
{
    return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string_view const input{reinterpret_cast<char const*>(data), size};
    std::size_t const space = input.find(' ');
    if (space == std::string_view::npos) {
        return 0;
    }
    std::string_view const method = input.substr(0, space);
    std::string const path{input.substr(space + 1)};
    web::router const& router = table();
    web::path_params params;
    web::route_match const m = router.match(method, path, params);
    if (m.status != web::match_status::found) {
        if (m.target != nullptr) {
            std::abort();
        }
        return 0;
    }
    if (m.target == nullptr) {
        std::abort();
    }
    for (auto const& [name, value] : params.entries()) {
        if (!inside(value, path)) {
            std::abort();
        }
    }
    // The round trip through url_for, for GET routes with names.
    if (method != "GET") {
        return 0;
    }
    auto const id = params.find("id");
    auto const slug = params.find("slug");
    auto const file = params.find("path");
    auto const greet = params.find("name");
    std::string built;
    try {
        if (id && slug) {
            built = router.url_for("post", {{"id", *id}, {"slug", *slug}});
        } else if (id) {
            built = router.url_for("user", {{"id", *id}});
        } else if (file) {
            built = router.url_for("file", {{"path", *file}});
        } else if (greet) {
            built = router.url_for("greet", {{"name", *greet}});
        } else {
            return 0;
        }
    } catch (ahttp::error const&) {
        return 0; // a value url_for refuses (it says so; nothing to check)
    }
    std::string const decoded = ahttp::http::percent_decode(built);
    web::path_params again;
    web::route_match const m2 = router.match(method, decoded, again);
    if (m2.status != web::match_status::found || m2.target != m.target) {
        std::abort();
    }
    if (again.entries().size() != params.entries().size()) {
        std::abort();
    }
    for (std::size_t i = 0; i < params.entries().size(); ++i) {
        if (again.entries()[i].second != params.entries()[i].second) {
            std::abort();
        }
    }
    return 0;
}
