// SPDX-License-Identifier: BSL-1.0
// The shapes of handlers and middlewares.
#pragma once

#include <ahttp/awaitable.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

namespace ahttp::web {

class request;
class response;

/// A request handler: any callable `(web::request&) -> awaitable<web::response>`.
/// The request reference is valid until the handler's coroutine returns; copy what detached
/// work needs.
using handler = std::function<awaitable<response>(request&)>;

class next;

/// A middleware: `(web::request&, web::next) -> awaitable<web::response>`. It may answer
/// itself (short-circuit), or call `next(request)` and inspect or change the response; a
/// handler's exception propagates through it (catch it to see it).
using middleware = std::function<awaitable<response>(request&, next)>;

namespace detail {

/// The middlewares (outermost application first, then mounted sub-applications) and the
/// handler that one request passes through. Lives on the dispatching coroutine's frame.
struct dispatch_plan {
    static constexpr std::size_t max_levels = 8;
    std::vector<middleware> const* levels[max_levels] = {};
    std::size_t level_count = 0;
    handler const* target = nullptr;
};

} // namespace detail

/// The rest of the middleware chain: a cheap, copyable handle.
class next {
public:
    /// Runs the remaining middlewares and then the handler.
    awaitable<response> operator()(request& req) const;

    /// Used by the application to build a chain; users receive `next`s, they do not make them.
    next(detail::dispatch_plan const* plan, std::size_t level, std::size_t index) noexcept
        : plan_(plan), level_(level), index_(index)
    {
    }

private:
    detail::dispatch_plan const* plan_;
    std::size_t level_;
    std::size_t index_;
};

} // namespace ahttp::web
