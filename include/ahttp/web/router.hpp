// SPDX-License-Identifier: BSL-1.0
// URL dispatch: plain paths, {name} and {name:regex} segments, per-method handlers, named
// routes with url_for, and class-free route tables.
#pragma once

#include <ahttp/http/method.hpp>
#include <ahttp/http/query.hpp>
#include <ahttp/web/handler.hpp>
#include <ahttp/web/static_files.hpp>
#include <ahttp/websocket/connection.hpp>
#include <ahttp/websocket/options.hpp>

#include <cstddef>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ahttp::web {

/// Values captured from the path by `{name}` segments; views valid while the request is.
class path_params {
public:
    using entry = std::pair<std::string_view, std::string_view>;

    std::optional<std::string_view> find(std::string_view name) const noexcept
    {
        for (auto const& [n, v] : entries_) {
            if (n == name) {
                return v;
            }
        }
        return std::nullopt;
    }
    void add(std::string_view name, std::string_view value) { entries_.emplace_back(name, value); }
    void clear() noexcept { entries_.clear(); }
    std::vector<entry> const& entries() const noexcept { return entries_; }

private:
    std::vector<entry> entries_;
};

/// A WebSocket handler: `(web::request&, websocket::connection&) -> awaitable<void>`. The
/// connection is open when it is called; when it returns the connection is closed (1000)
/// unless the handler closed it already.
using websocket_handler = std::function<awaitable<void>(request&, websocket::connection&)>;

/// Per-route options.
struct route_options {
    // `{}` keeps `{.allow_head = false}` quiet under -Wmissing-field-initializers.
    std::string name{};     ///< for url_for(); empty = unnamed
    bool allow_head = true; ///< add_get() also answers HEAD (the body is dropped)
};

/// One row of a class-free route table: `web::get("/", index)`.
struct route_def {
    std::string method; ///< a token such as "GET", or "*" for any method
    std::string path;
    handler target;
    route_options options;
};

route_def get(std::string path, handler h, route_options options = {});
route_def post(std::string path, handler h, route_options options = {});
route_def put(std::string path, handler h, route_options options = {});
route_def patch(std::string path, handler h, route_options options = {});
route_def delete_(std::string path, handler h, route_options options = {});
route_def head(std::string path, handler h, route_options options = {});
route_def options(std::string path, handler h, route_options opts = {});
route_def any(std::string path, handler h, route_options options = {});

enum class match_status : unsigned char { found, not_found, method_not_allowed };

/// The outcome of matching a request against the router.
struct route_match {
    match_status status = match_status::not_found;
    handler const* target = nullptr; ///< when found
    std::string_view allow;          ///< when method_not_allowed: e.g. "GET, HEAD, POST"
};

/// Maps (method, decoded path) to a handler.
///
/// Paths: "/users" (plain), "/users/{id}" (a segment: anything but '/'),
/// "/users/{id:\\d+}" (a segment matching a regex), "/static/{path:.*}" (a tail: the regex may
/// span '/'). Plain paths win over patterns; patterns are tried in registration order.
/// A path that matches but not for this method gives method_not_allowed with the Allow list.
class router {
public:
    router();
    router(router&&) noexcept;
    router& operator=(router&&) noexcept;
    ~router();

    /// Registers `h` for `method` ("GET", … or "*") on `path`.
    /// @throws ahttp::error (invalid_argument) for a malformed path pattern or a duplicate
    ///   (method, path) or name; (invalid_state) once the router is frozen.
    router& add_route(std::string_view method, std::string_view path, handler h,
                      route_options options = {});
    router& add_get(std::string_view path, handler h, route_options options = {});
    router& add_post(std::string_view path, handler h, route_options options = {});
    router& add_put(std::string_view path, handler h, route_options options = {});
    router& add_patch(std::string_view path, handler h, route_options options = {});
    router& add_delete(std::string_view path, handler h, route_options options = {});
    router& add_head(std::string_view path, handler h, route_options options = {});
    router& add_options(std::string_view path, handler h, route_options options = {});
    /// Registers a WebSocket endpoint: a GET on `path` that upgrades (101) and runs `h` on
    /// the connection. A request that is not a valid upgrade gets 400 (426 for another
    /// WebSocket version). See web::websocket_response for the same inside a plain handler.
    /// @throws as add_route.
    router& add_websocket(std::string_view path, websocket_handler h,
                          websocket::options options = {});
    /// Registers every row of a route table.
    router& add_routes(std::vector<route_def> routes);
    /// Serves the files under `root` at `prefix` (GET and HEAD on "<prefix>/{filename:.*}"),
    /// as web::file_response does: sendfile, ETag/Last-Modified, 304, Range.
    ///
    /// No request reaches outside `root`: ".." segments and symlinks leading out of it give
    /// 404 (symlinks may leave only with `follow_symlinks`). A directory gets its
    /// `index_file`, else a listing with `show_index`, else 403; a directory URL without its
    /// trailing '/' is redirected (301) to it first, so relative links work.
    /// @throws ahttp::error (invalid_argument) if `root` is not a directory or `prefix` does
    ///   not start with '/'.
    router& add_static(std::string_view prefix, std::filesystem::path const& root,
                       static_options options = {});

    /// Builds the path of the route called `name`, substituting and percent-encoding `params`,
    /// then appending `query` if not empty.
    /// @throws ahttp::error (invalid_argument) for an unknown name or a missing parameter.
    std::string
    url_for(std::string_view name,
            std::initializer_list<std::pair<std::string_view, std::string_view>> params = {},
            http::query_params const& query = {}) const;

    /// Matches a request. `path` is the decoded path; captured values are views into it.
    route_match match(std::string_view method_token, std::string_view path,
                      path_params& params) const;

    /// Prepares for matching and forbids further changes (called by the application).
    void freeze();
    bool frozen() const noexcept;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace ahttp::web
