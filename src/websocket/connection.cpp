// SPDX-License-Identifier: BSL-1.0
#include "websocket/engine.hpp"

#include <ahttp/websocket/connection.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace ahttp::websocket {

namespace detail {

/// Shared by every copy of a connection: when the last copy goes, the connection is closed
/// in the background (the engine itself lives on while its coroutines finish).
class engine_handle {
public:
    explicit engine_handle(std::shared_ptr<engine> e) noexcept : engine_(std::move(e)) {}
    engine_handle(engine_handle const&) = delete;
    engine_handle& operator=(engine_handle const&) = delete;
    ~engine_handle()
    {
        engine_->close_in_background(static_cast<std::uint16_t>(close_code::normal));
    }

    engine& get() const noexcept { return *engine_; }

private:
    std::shared_ptr<engine> engine_;
};

} // namespace detail

boost::json::value message::json() const
{
    return boost::json::parse(data);
}

connection::connection(std::shared_ptr<detail::engine> engine)
    : handle_(std::make_shared<detail::engine_handle>(std::move(engine)))
{
}

connection::~connection() = default;

detail::engine& connection::engine() const noexcept
{
    return handle_->get();
}

awaitable<std::optional<message>> connection::receive()
{
    return engine().receive();
}

awaitable<void> connection::send_text(std::string_view text)
{
    return engine().send_message(detail::opcode::text, text);
}

awaitable<void> connection::send_binary(std::string_view data)
{
    return engine().send_message(detail::opcode::binary, data);
}

awaitable<void> connection::send(message const& m)
{
    switch (m.type) {
    case message_type::text:
        return engine().send_message(detail::opcode::text, m.data);
    case message_type::binary:
        return engine().send_message(detail::opcode::binary, m.data);
    case message_type::ping:
        return engine().send_control(detail::opcode::ping, m.data);
    case message_type::pong:
        break;
    }
    return engine().send_control(detail::opcode::pong, m.data);
}

awaitable<void> connection::send_json(boost::json::value const& value)
{
    // The text must outlive the send: a coroutine of its own keeps it in its frame.
    std::string text = boost::json::serialize(value);
    co_await engine().send_message(detail::opcode::text, text);
}

awaitable<void> connection::ping(std::string_view payload)
{
    return engine().send_control(detail::opcode::ping, payload);
}

awaitable<void> connection::pong(std::string_view payload)
{
    return engine().send_control(detail::opcode::pong, payload);
}

awaitable<void> connection::close(websocket::close_code code, std::string_view reason)
{
    return engine().close(static_cast<std::uint16_t>(code), reason);
}

awaitable<void> connection::close(std::uint16_t code, std::string_view reason)
{
    return engine().close(code, reason);
}

bool connection::closed() const noexcept
{
    return engine().closing();
}

std::optional<websocket::close_code> connection::close_code() const noexcept
{
    return engine().code();
}

std::string const& connection::close_reason() const noexcept
{
    return engine().reason();
}

std::string const& connection::protocol() const noexcept
{
    return engine().protocol();
}

bool connection::compressed() const noexcept
{
    return engine().compressed();
}

executor connection::get_executor() const noexcept
{
    return engine().get_executor();
}

} // namespace ahttp::websocket
