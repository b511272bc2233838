// SPDX-License-Identifier: BSL-1.0
// client::session::ws_connect: the client's half of the WebSocket handshake, and the
// transport that carries the WebSocket over a client connection (plain or TLS).
#include "client/connection.hpp"
#include "client/response_state.hpp"
#include "websocket/deflate.hpp"
#include "websocket/engine.hpp"
#include "websocket/handshake.hpp"
#include "websocket/transport.hpp"

#include <ahttp/client/errors.hpp>
#include <ahttp/client/session.hpp>
#include <ahttp/websocket/errors.hpp>

#include <algorithm>
#include <cstring>

namespace ahttp::client {

namespace ws = websocket::detail;

namespace {

class client_transport final : public ws::transport {
public:
    explicit client_transport(std::shared_ptr<detail::connection> conn) : conn_(std::move(conn))
    {
        conn_->set_deadline({}); // the WebSocket has its own timeouts (heartbeat, close)
        std::string_view const early = conn_->buffered();
        initial.assign(early);
        conn_->consume(early.size());
    }

    awaitable<std::pair<error_code, std::size_t>>
    read_some(boost::asio::mutable_buffer buffer) override
    {
        if (conn_->buffered().empty()) {
            if (error_code const ec = co_await conn_->read_more()) {
                co_return std::pair{ec, std::size_t{0}};
            }
        }
        std::string_view const in = conn_->buffered();
        std::size_t const n = std::min(in.size(), buffer.size());
        std::memcpy(buffer.data(), in.data(), n);
        conn_->consume(n);
        co_return std::pair{error_code{}, n};
    }

    awaitable<error_code> write(std::span<boost::asio::const_buffer const> buffers) override
    {
        for (boost::asio::const_buffer const& b : buffers) {
            std::string_view const piece{static_cast<char const*>(b.data()), b.size()};
            if (piece.empty()) {
                continue;
            }
            if (error_code const ec = co_await conn_->write(piece)) {
                co_return ec;
            }
        }
        co_return error_code{};
    }

    std::size_t write_now(std::span<boost::asio::const_buffer const> buffers,
                          error_code& ec) noexcept override
    {
        // The engine sends a client's frame as one buffer (header and masked payload).
        if (buffers.size() != 1) {
            return 0;
        }
        return conn_->write_now({static_cast<char const*>(buffers[0].data()), buffers[0].size()},
                                ec);
    }

    void shutdown_send() noexcept override
    {
        error_code ignored;
        if (!conn_->is_tls()) {
            conn_->socket().shutdown(detail::stream_socket::shutdown_send, ignored);
        }
    }

    void close() noexcept override { conn_->close(); }
    bool is_open() const noexcept override { return conn_->is_open(); }
    executor get_executor() override { return conn_->socket().get_executor(); }

private:
    std::shared_ptr<detail::connection> conn_;
};

/// ws:// and wss:// become http:// and https:// (the request machinery speaks those).
std::string http_url_for(std::string_view url)
{
    auto starts_with = [&](std::string_view prefix) {
        return url.size() >= prefix.size() && http::iequals(url.substr(0, prefix.size()), prefix);
    };
    if (starts_with("ws://")) {
        return "http://" + std::string{url.substr(5)};
    }
    if (starts_with("wss://")) {
        return "https://" + std::string{url.substr(6)};
    }
    if (starts_with("http://") || starts_with("https://")) {
        return std::string{url};
    }
    throw invalid_url{"a WebSocket URL must be ws://, wss://, http:// or https://",
                      std::string{url}};
}

std::string join(std::vector<std::string> const& items)
{
    std::string out;
    for (std::string const& item : items) {
        if (!out.empty()) {
            out += ", ";
        }
        out += item;
    }
    return out;
}

[[noreturn]] void refuse(response const& r, std::string const& why, std::string_view url)
{
    throw websocket::handshake_error(static_cast<int>(http::to_int(r.status())),
                                     "WebSocket handshake with " + std::string{url} +
                                         " failed: " + why);
}

} // namespace

awaitable<websocket::connection> session::ws_connect(std::string_view url)
{
    websocket::options defaults;
    co_return co_await ws_connect(url, std::move(defaults));
}

awaitable<websocket::connection> session::ws_connect(std::string_view url,
                                                     websocket::options options)
{
    std::string const target = http_url_for(url);
    std::string const key = ws::make_client_key();
    request_options upgrade;
    upgrade.headers.set("Upgrade", "websocket");
    upgrade.headers.set("Connection", "Upgrade");
    upgrade.headers.set("Sec-WebSocket-Key", key);
    upgrade.headers.set("Sec-WebSocket-Version", "13");
    if (!options.protocols.empty()) {
        upgrade.headers.set("Sec-WebSocket-Protocol", join(options.protocols));
    }
    if (options.compress) {
        upgrade.headers.set("Sec-WebSocket-Extensions", ws::deflate_client_offer);
    }
    for (auto const& [name, value] : options.headers) {
        upgrade.headers.set(name, value);
    }
    response r = co_await request(http::method::get, target, std::move(upgrade));

    if (r.status() != http::status::switching_protocols) {
        refuse(r, "the server answered " + std::to_string(http::to_int(r.status())), url);
    }
    http::headers const& h = r.headers();
    if (!ws::has_token(h, "Upgrade", "websocket") || !ws::has_token(h, "Connection", "upgrade")) {
        refuse(r, "the 101 lacks Upgrade: websocket or Connection: upgrade", url);
    }
    if (h.value_or("Sec-WebSocket-Accept", "") != ws::accept_key(key)) {
        refuse(r, "wrong Sec-WebSocket-Accept", url);
    }
    ws::agreement agreed;
    if (auto const protocol = h.find("Sec-WebSocket-Protocol")) {
        if (std::find(options.protocols.begin(), options.protocols.end(), *protocol) ==
            options.protocols.end()) {
            refuse(r, "the server chose a subprotocol that was not offered", url);
        }
        agreed.protocol = std::string{*protocol};
    }
    if (auto const extensions = h.find("Sec-WebSocket-Extensions")) {
        agreed.deflate = ws::parse_deflate_response(*extensions);
        if (!options.compress || !agreed.deflate) {
            refuse(r, "the server answered with an extension that was not offered", url);
        }
    }

    std::shared_ptr<detail::connection> conn = r.state_->conn.detach();
    if (!conn) {
        refuse(r, "the connection is gone", url);
    }
    auto transport = std::make_unique<client_transport>(std::move(conn));
    auto engine =
        std::make_shared<ws::engine>(ws::role::client, std::move(transport), options, agreed);
    engine->start();
    co_return websocket::connection{std::move(engine)};
}

} // namespace ahttp::client
