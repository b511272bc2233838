// SPDX-License-Identifier: BSL-1.0
// web::stream_response over the connection's request_channel.
#include "web/request_channel.hpp"

#include <ahttp/error.hpp>
#include <ahttp/web/request.hpp>
#include <ahttp/web/stream_response.hpp>

namespace ahttp::web {

awaitable<void> stream_response::prepare(request& req)
{
    if (request_ != nullptr) {
        throw error(errc::invalid_state, "stream_response prepared twice");
    }
    request_ = &req;
    mark_prepared();
    co_await req.channel().start_stream(*this, content_length_);
}

awaitable<void> stream_response::write(std::string_view data)
{
    if (request_ == nullptr) {
        throw error(errc::invalid_state, "stream_response::write before prepare");
    }
    co_await request_->channel().write_stream(data);
}

awaitable<void> stream_response::write_eof()
{
    if (request_ == nullptr) {
        throw error(errc::invalid_state, "stream_response::write_eof before prepare");
    }
    co_await request_->channel().finish_stream();
}

} // namespace ahttp::web
