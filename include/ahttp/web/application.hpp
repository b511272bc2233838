// SPDX-License-Identifier: BSL-1.0
// web::application — the server half of ahttp, in aiohttp's shape.
//
// An application holds a router, middlewares, lifecycle signals (startup, shutdown, cleanup)
// and typed state. It is configured before the server starts, then frozen and shared
// read-only by every worker thread. Main types: application, router, request, response,
// run_app / app_runner, http_exception.
#pragma once

#include <ahttp/awaitable.hpp>
#include <ahttp/web/handler.hpp>
#include <ahttp/web/router.hpp>

#include <any>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

namespace ahttp::web {

/// A typed key for application state: `inline web::app_key<db_pool> const db{"db"};`
/// then `app.set(db, make_pool())` and `app.get(db)`. Keys compare by address.
template <class T>
class app_key {
public:
    explicit constexpr app_key(std::string_view name) noexcept : name_(name) {}
    constexpr std::string_view name() const noexcept { return name_; }

private:
    std::string_view name_;
};

/// Application-wide settings (aiohttp's Application arguments).
struct application_options {
    /// Largest body request.read()/text()/json()/post() accept (aiohttp: 1 MiB); a request
    /// declaring a larger Content-Length is refused with 413 before its body is read.
    std::size_t client_max_size = std::size_t{1024} * 1024;
};

/// A lifecycle hook: `awaitable<void>(application&)`.
using app_signal = std::function<awaitable<void>(class application&)>;

/// A cleanup context: runs until its first suspension point at startup, and is resumed at
/// cleanup (aiohttp's cleanup_ctx). Write it as `startup` + `cleanup` callables.
struct cleanup_context {
    app_signal startup;
    app_signal cleanup;
};

class application {
public:
    explicit application(application_options options = {});
    application(application&&) noexcept;
    application& operator=(application&&) noexcept;
    ~application();

    web::router& router() noexcept;
    web::router const& router() const noexcept;

    /// Appends a middleware; the first registered is the outermost.
    /// @throws ahttp::error (invalid_state) once frozen.
    void use(middleware m);

    /// Mounts `sub` under `prefix` (e.g. "/admin"): its routes see the full path, its
    /// middlewares run inside this application's, its signals run with this application's.
    /// @throws ahttp::error (invalid_argument) for a prefix that is empty, "/" or ends in '/'.
    void add_subapp(std::string prefix, application sub);

    /// Lifecycle signals, run in registration order (cleanup in reverse for cleanup contexts).
    void on_startup(app_signal hook);
    void on_shutdown(app_signal hook);
    void on_cleanup(app_signal hook);
    void add_cleanup_context(cleanup_context context);

    /// Stores `value` under `key` (replacing any previous value).
    /// @throws ahttp::error (invalid_state) once frozen.
    template <class T>
    void set(app_key<T> const& key, T value)
    {
        set_any(&key, std::any(std::move(value)));
    }
    /// Returns the value stored under `key`.
    /// @throws ahttp::error (invalid_argument) if nothing is stored there.
    template <class T>
    T const& get(app_key<T> const& key) const
    {
        return *std::any_cast<T>(&get_any(&key, key.name()));
    }
    /// Mutable access, for startup hooks (before the application is frozen) and for state that
    /// is itself thread-safe.
    template <class T>
    T& get(app_key<T> const& key)
    {
        return *std::any_cast<T>(&get_any(&key, key.name()));
    }
    template <class T>
    bool contains(app_key<T> const& key) const noexcept
    {
        return contains_any(&key);
    }

    application_options const& options() const noexcept;

    /// Compiles routes and middleware chains and forbids further changes (the server calls it).
    void freeze();
    bool frozen() const noexcept;

    /// Runs the startup hooks (and cleanup contexts' startup halves); the server calls it.
    awaitable<void> startup();
    /// Runs the shutdown hooks.
    awaitable<void> shutdown();
    /// Runs cleanup contexts' cleanup halves (reverse order), then the cleanup hooks.
    awaitable<void> cleanup();

    /// Dispatches a request through the router and middlewares; errors become responses.
    /// Used by the server; tests may call it directly.
    awaitable<response> handle(request& req) const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;

    void set_any(void const* key, std::any value);
    std::any const& get_any(void const* key, std::string_view name) const;
    std::any& get_any(void const* key, std::string_view name);
    bool contains_any(void const* key) const noexcept;
};

} // namespace ahttp::web
