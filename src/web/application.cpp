// SPDX-License-Identifier: BSL-1.0
// web::application: dispatch through middlewares, sub-applications, lifecycle signals, state.
#include "web/request_channel.hpp"
#include "web/server_log.hpp"

#include <ahttp/error.hpp>
#include <ahttp/web/application.hpp>
#include <ahttp/web/http_exceptions.hpp>
#include <ahttp/web/request.hpp>
#include <ahttp/web/response.hpp>

#include <boost/asio/error.hpp>
#include <boost/system/system_error.hpp>

#include <unordered_map>

namespace ahttp::web {

struct application::impl {
    application_options options;
    web::router router;
    std::vector<middleware> middlewares;
    struct mounted {
        std::string prefix;
        application app;
    };
    std::vector<mounted> subapps;
    std::vector<app_signal> on_startup, on_shutdown, on_cleanup;
    std::vector<cleanup_context> cleanup_contexts;
    std::size_t started_contexts = 0;
    std::unordered_map<void const*, std::any> state;
    bool frozen = false;

    void check_mutable() const
    {
        if (frozen) {
            throw error(errc::invalid_state,
                        "application is frozen: configure it before the server starts");
        }
    }
};

application::application(application_options options) : impl_(std::make_unique<impl>())
{
    impl_->options = options;
}
application::application(application&&) noexcept = default;
application& application::operator=(application&&) noexcept = default;
application::~application() = default;

router& application::router() noexcept
{
    return impl_->router;
}
router const& application::router() const noexcept
{
    return impl_->router;
}
application_options const& application::options() const noexcept
{
    return impl_->options;
}
bool application::frozen() const noexcept
{
    return impl_->frozen;
}

void application::use(middleware m)
{
    impl_->check_mutable();
    impl_->middlewares.push_back(std::move(m));
}

void application::add_subapp(std::string prefix, application sub)
{
    impl_->check_mutable();
    if (prefix.empty() || prefix.front() != '/' || prefix.back() == '/') {
        throw error(errc::invalid_argument,
                    "sub-application prefix must start with '/' and not end with it: " + prefix);
    }
    impl_->subapps.push_back({std::move(prefix), std::move(sub)});
}

void application::on_startup(app_signal hook)
{
    impl_->check_mutable();
    impl_->on_startup.push_back(std::move(hook));
}
void application::on_shutdown(app_signal hook)
{
    impl_->check_mutable();
    impl_->on_shutdown.push_back(std::move(hook));
}
void application::on_cleanup(app_signal hook)
{
    impl_->check_mutable();
    impl_->on_cleanup.push_back(std::move(hook));
}
void application::add_cleanup_context(cleanup_context context)
{
    impl_->check_mutable();
    impl_->cleanup_contexts.push_back(std::move(context));
}

void application::set_any(void const* key, std::any value)
{
    impl_->check_mutable();
    impl_->state[key] = std::move(value);
}

std::any const& application::get_any(void const* key, std::string_view name) const
{
    auto const it = impl_->state.find(key);
    if (it == impl_->state.end()) {
        throw error(errc::invalid_argument,
                    "no application state under key '" + std::string{name} + "'");
    }
    return it->second;
}

std::any& application::get_any(void const* key, std::string_view name)
{
    return const_cast<std::any&>(std::as_const(*this).get_any(key, name));
}

bool application::contains_any(void const* key) const noexcept
{
    return impl_->state.count(key) != 0;
}

void application::freeze()
{
    if (impl_->frozen) {
        return;
    }
    impl_->router.freeze();
    for (auto& sub : impl_->subapps) {
        sub.app.freeze();
    }
    impl_->frozen = true;
}

awaitable<void> application::startup()
{
    // Startup hooks may still configure state, so the application freezes after them.
    for (auto& hook : impl_->on_startup) {
        co_await hook(*this);
    }
    for (auto& context : impl_->cleanup_contexts) {
        if (context.startup) {
            co_await context.startup(*this);
        }
        ++impl_->started_contexts;
    }
    for (auto& sub : impl_->subapps) {
        co_await sub.app.startup();
    }
    freeze();
}

awaitable<void> application::shutdown()
{
    for (auto& sub : impl_->subapps) {
        co_await sub.app.shutdown();
    }
    for (auto& hook : impl_->on_shutdown) {
        co_await hook(*this);
    }
}

awaitable<void> application::cleanup()
{
    for (auto& sub : impl_->subapps) {
        co_await sub.app.cleanup();
    }
    // Cleanup contexts unwind in reverse, and only those whose startup half ran.
    while (impl_->started_contexts > 0) {
        auto& context = impl_->cleanup_contexts[--impl_->started_contexts];
        if (context.cleanup) {
            co_await context.cleanup(*this);
        }
    }
    for (auto& hook : impl_->on_cleanup) {
        co_await hook(*this);
    }
}

namespace {

awaitable<response> throw_not_found(request&)
{
    throw http_not_found{};
}

/// Runs the middlewares from (level, index) on, then the handler.
awaitable<response> run_chain(detail::dispatch_plan const* plan, std::size_t level,
                              std::size_t index, request& req)
{
    while (level < plan->level_count && index >= plan->levels[level]->size()) {
        ++level;
        index = 0;
    }
    if (level == plan->level_count) {
        co_return co_await (*plan->target)(req);
    }
    next const rest{plan, level, index + 1};
    co_return co_await (*plan->levels[level])[index](req, rest);
}

/// Starts the request's handler, directly or through the middleware chain. A plain function,
/// not a coroutine: the handler's awaitable is handed back as is, so no frame sits between the
/// dispatching coroutine and the handler (with no middlewares a request costs two frames, the
/// dispatch's and the handler's, which Asio's two-slot frame cache then recycles).
awaitable<response> start(detail::dispatch_plan const& plan, request& req)
{
    if (plan.level_count == 0) {
        return (*plan.target)(req);
    }
    return next{&plan, 0, 0}(req);
}

} // namespace

awaitable<response> next::operator()(request& req) const
{
    // A plain function handing over a coroutine that holds copies: a `next` is often a
    // temporary (start() above), and a coroutine member would keep a dangling `this`.
    return run_chain(plan_, level_, index_, req);
}

awaitable<response> application::handle(request& req) const
{
    static handler const not_found{throw_not_found};
    detail::dispatch_plan plan;
    std::string_view allow;
    application const* current = this;
    std::string_view path = req.path();
    web::path_params& params = detail::request_channel::params_of(req);

    // Resolve first (aiohttp does too), so middlewares see which handler will run; an
    // unmatched request still passes through the middlewares, as a 404 or 405.
    for (;;) {
        if (!current->impl_->middlewares.empty() &&
            plan.level_count < detail::dispatch_plan::max_levels) {
            plan.levels[plan.level_count++] = &current->impl_->middlewares;
        }
        route_match const match = current->impl_->router.match(req.method_token(), path, params);
        if (match.status == match_status::found) {
            plan.target = match.target;
            break;
        }
        if (match.status == match_status::method_not_allowed) {
            allow = match.allow;
        }
        application const* next_app = nullptr;
        for (auto const& sub : current->impl_->subapps) {
            if (path.size() >= sub.prefix.size() &&
                path.compare(0, sub.prefix.size(), sub.prefix) == 0 &&
                (path.size() == sub.prefix.size() || path[sub.prefix.size()] == '/')) {
                next_app = &sub.app;
                path.remove_prefix(sub.prefix.size());
                if (path.empty()) {
                    path = "/";
                }
                break;
            }
        }
        if (next_app == nullptr) {
            break;
        }
        current = next_app;
    }

    // One co_await only: each await point adds its own temporaries to this coroutine's frame,
    // and a smaller frame is cheaper to recycle (Asio caches frames up to about 1 KiB).
    handler refuse;
    if (plan.target == nullptr) {
        if (!allow.empty()) {
            refuse = [allowed = std::string{allow}](request&) -> awaitable<response> {
                throw http_method_not_allowed{allowed};
            };
            plan.target = &refuse;
        } else {
            plan.target = &not_found;
        }
    }
    try {
        co_return co_await start(plan, req);
    } catch (http_exception const& e) {
        co_return e.to_response();
    } catch (boost::system::system_error const& e) {
        if (e.code() == boost::asio::error::operation_aborted) {
            throw; // cancellation (server shutdown) is not a handler failure
        }
        detail::log_handler_exception(req, e.what());
    } catch (std::exception const& e) {
        detail::log_handler_exception(req, e.what());
    } catch (...) {
        detail::log_handler_exception(req, "unknown exception");
    }
    co_return response::text("500: Internal Server Error", http::status::internal_server_error);
}

} // namespace ahttp::web
