// SPDX-License-Identifier: BSL-1.0
// client::trace_hooks: callbacks at each phase of a request (aiohttp's TraceConfig).
#pragma once

#include <ahttp/http/method.hpp>

#include <exception>
#include <functional>
#include <string>
#include <string_view>

namespace ahttp::client {

class response;

/// The request a trace callback is about.
struct trace_request {
    http::method method;
    std::string_view url; ///< the URL of the current hop (redirects change it)
};

/// Callbacks a session calls as a request goes through its phases, to measure or log them
/// (aiohttp's TraceConfig signals). Each is optional. They run on the session's executor,
/// inside the request: keep them short and never let them throw (an exception is lost).
/// @par Example
///   client::trace_hooks hooks;
///   hooks.on_request_start = [&](client::trace_request const&) { started = clock::now(); };
///   hooks.on_request_end = [&](client::trace_request const&, client::response const& r) {
///       log(r.status_code(), clock::now() - started);
///   };
///   client::session_options options{.trace = std::move(hooks)};
struct trace_hooks {
    /// Before anything else; once per call, with the URL as given to the call.
    std::function<void(trace_request const&)> on_request_start;
    /// The final response's head has arrived (the body is still to be read).
    std::function<void(trace_request const&, response const&)> on_request_end;
    /// The call failed; the exception about to be thrown.
    std::function<void(trace_request const&, std::exception_ptr)> on_request_exception;
    /// A redirect is being followed: `request` is the hop that answered with it.
    std::function<void(trace_request const&, response const&)> on_request_redirect;
    /// Waiting for a pool slot (limit or limit_per_host reached) begins / ends.
    std::function<void(trace_request const&)> on_connection_queued_start;
    std::function<void(trace_request const&)> on_connection_queued_end;
    /// A new connection is being opened (DNS, TCP, TLS) / is open.
    std::function<void(trace_request const&)> on_connection_create_start;
    std::function<void(trace_request const&)> on_connection_create_end;
    /// An idle pooled connection is reused.
    std::function<void(trace_request const&)> on_connection_reuseconn;
    /// Name resolution: answered from the cache, or asked of the resolver (start / end).
    std::function<void(std::string_view host)> on_dns_cache_hit;
    std::function<void(std::string_view host)> on_dns_cache_miss;
    std::function<void(std::string_view host)> on_dns_resolvehost_start;
    std::function<void(std::string_view host)> on_dns_resolvehost_end;
};

} // namespace ahttp::client
