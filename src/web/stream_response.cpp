// SPDX-License-Identifier: BSL-1.0
// web::stream_response over the connection's request_channel (which compresses, if asked).
#include "web/request_channel.hpp"
#include "web/response_compression.hpp"

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
    std::optional<std::uint64_t> content_length = content_length_;
    compression::coding coding = compression::coding::identity;
    if (compression_enabled()) {
        detail::compression_plan const plan = detail::plan_compression(req, *this);
        if (plan.vary) {
            detail::add_vary_accept_encoding(*this);
        }
        if (plan.coding != compression::coding::identity) {
            detail::mark_encoded(*this, plan.coding);
            // The coded length is known only at the end: chunked (or close-delimited).
            content_length.reset();
            coding = plan.coding;
        }
    }
    co_await req.channel().start_stream(*this, content_length, coding);
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
