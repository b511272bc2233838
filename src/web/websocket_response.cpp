// SPDX-License-Identifier: BSL-1.0
// web::websocket_response and router::add_websocket: the server's half of the handshake.
#include "http/text.hpp"
#include "web/request_channel.hpp"
#include "websocket/deflate.hpp"
#include "websocket/engine.hpp"
#include "websocket/handshake.hpp"

#include <ahttp/error.hpp>
#include <ahttp/web/http_exceptions.hpp>
#include <ahttp/web/request.hpp>
#include <ahttp/web/router.hpp>
#include <ahttp/web/websocket_response.hpp>
#include <ahttp/websocket/errors.hpp>

#include <memory>

namespace ahttp::web {

namespace ws = websocket::detail;

websocket_response::websocket_response() : websocket_response(websocket::options{}) {}

websocket_response::websocket_response(websocket::options options)
    : response(http::status::switching_protocols), options_(std::move(options))
{
}

std::optional<std::string> websocket_response::check(request const& req) const
{
    bool version_ok = true;
    std::string_view const why = ws::check_upgrade_request(req.method_token(), req.version_minor(),
                                                           req.headers(), version_ok);
    if (!why.empty()) {
        return std::string{why};
    }
    if (req.has_body()) {
        return std::string{"WebSocket handshake with a body"};
    }
    return std::nullopt;
}

awaitable<websocket::connection> websocket_response::prepare(request& req)
{
    if (is_prepared()) {
        throw error(errc::invalid_state, "websocket_response prepared twice");
    }
    if (std::optional<std::string> why = check(req)) {
        bool version_ok = true;
        ws::check_upgrade_request(req.method_token(), req.version_minor(), req.headers(),
                                  version_ok);
        if (!version_ok) {
            http_exception refusal{http::status::upgrade_required, *why};
            refusal.headers().set("Sec-WebSocket-Version", "13");
            throw refusal;
        }
        throw http_bad_request{*why};
    }
    mark_prepared();
    ws::agreement agreed;
    agreed.protocol =
        ws::choose_protocol(req.headers().values("Sec-WebSocket-Protocol"), options_.protocols);
    http::headers& h = headers();
    h.set("Upgrade", "websocket");
    h.set("Connection", "Upgrade");
    h.set("Sec-WebSocket-Accept",
          ws::accept_key(http::detail::trim_ows(req.headers().value_or("Sec-WebSocket-Key", ""))));
    if (!agreed.protocol.empty()) {
        h.set("Sec-WebSocket-Protocol", agreed.protocol);
    }
    if (options_.compress) {
        for (std::string_view offer : req.headers().values("Sec-WebSocket-Extensions")) {
            if (std::optional<ws::deflate_agreement> deflate = ws::accept_deflate_offer(offer)) {
                agreed.deflate = deflate->params;
                h.set("Sec-WebSocket-Extensions", deflate->response_field);
                break;
            }
        }
    }
    for (auto const& [name, value] : options_.headers) {
        h.add(name, value);
    }
    std::shared_ptr<ws::engine> engine = co_await req.channel().upgrade(*this, options_, agreed);
    co_return websocket::connection{std::move(engine)};
}

namespace {

struct websocket_route {
    websocket_handler handler;
    websocket::options options;
};

awaitable<response> serve_websocket(std::shared_ptr<websocket_route const> route, request& req)
{
    websocket_response upgrade{route->options};
    websocket::connection conn = co_await upgrade.prepare(req);
    try {
        co_await route->handler(req, conn);
    } catch (websocket::websocket_error const&) {
        // The peer broke the protocol or vanished: the connection has already been failed
        // with the right close code. Not a server error (aiohttp returns such a failure
        // from receive() as a message, it does not log it either).
    }
    co_return upgrade;
}

} // namespace

router& router::add_websocket(std::string_view path, websocket_handler h,
                              websocket::options options)
{
    auto route =
        std::make_shared<websocket_route const>(websocket_route{std::move(h), std::move(options)});
    handler serve = [route](request& req) { return serve_websocket(route, req); };
    route_options get_only;
    get_only.allow_head = false;
    return add_get(path, std::move(serve), std::move(get_only));
}

} // namespace ahttp::web
