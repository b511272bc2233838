// SPDX-License-Identifier: BSL-1.0
// web::stream_response over the connection's request_channel, compressing on the fly.
#include "compression/encoder.hpp"
#include "web/request_channel.hpp"
#include "web/response_compression.hpp"

#include <ahttp/error.hpp>
#include <ahttp/web/request.hpp>
#include <ahttp/web/stream_response.hpp>

#include <string>

namespace ahttp::web {

namespace detail {

struct stream_encoder {
    explicit stream_encoder(compression::coding c) : encoder(c) {}
    compression::encoder encoder;
    std::string out; // the coded piece in flight; reused across writes
};

} // namespace detail

awaitable<void> stream_response::prepare(request& req)
{
    if (request_ != nullptr) {
        throw error(errc::invalid_state, "stream_response prepared twice");
    }
    request_ = &req;
    mark_prepared();
    std::optional<std::uint64_t> content_length = content_length_;
    if (compression_enabled()) {
        detail::compression_plan const plan = detail::plan_compression(req, *this);
        if (plan.vary) {
            detail::add_vary_accept_encoding(*this);
        }
        if (plan.coding != compression::coding::identity) {
            detail::mark_encoded(*this, plan.coding);
            // The coded length is known only at the end: chunked (or close-delimited).
            content_length.reset();
            // HEAD gets the same head as GET, but the connection drops the body anyway.
            if (req.method() != http::method::head) {
                encoder_ = std::make_shared<detail::stream_encoder>(plan.coding);
            }
        }
    }
    co_await req.channel().start_stream(*this, content_length);
}

awaitable<void> stream_response::write(std::string_view data)
{
    if (request_ == nullptr) {
        throw error(errc::invalid_state, "stream_response::write before prepare");
    }
    if (!encoder_) {
        co_await request_->channel().write_stream(data);
        co_return;
    }
    if (data.empty() || encoder_->encoder.is_finished()) {
        co_return;
    }
    std::string& out = encoder_->out;
    out.clear();
    encoder_->encoder.write(data, out);
    // Sync flush: the client can decode everything written so far, at a few bytes' cost.
    encoder_->encoder.flush(out);
    co_await request_->channel().write_stream(out);
}

awaitable<void> stream_response::write_eof()
{
    if (request_ == nullptr) {
        throw error(errc::invalid_state, "stream_response::write_eof before prepare");
    }
    if (encoder_ && !encoder_->encoder.is_finished()) {
        std::string& out = encoder_->out;
        out.clear();
        encoder_->encoder.finish(out);
        co_await request_->channel().write_stream(out);
    }
    co_await request_->channel().finish_stream();
}

} // namespace ahttp::web
