// SPDX-License-Identifier: BSL-1.0
// web::multipart_reader and web::body_part: http::multipart_parser fed by request::read_chunk().
#include <ahttp/web/application.hpp>
#include <ahttp/web/http_exceptions.hpp>
#include <ahttp/web/multipart_reader.hpp>
#include <ahttp/web/request.hpp>

#include <algorithm>
#include <utility>

namespace ahttp::web {

namespace detail {

/// What a reader and its parts share.
struct multipart_state {
    multipart_state(request& r, std::string_view boundary, multipart_options const& options)
        : req(&r), parser(boundary, {.max_header_size = options.max_header_size,
                                     .max_headers = options.max_headers,
                                     .max_parts = options.max_parts}),
          max_size(options.max_size)
    {
    }

    request* req;
    http::multipart_parser parser;
    std::uint64_t max_size; // 0: no limit
    std::uint64_t received = 0;
    std::string_view pending; // unparsed input: a view into the connection's buffer
    std::string_view rest;    // what read_chunk has not yet returned of the last data piece
    std::uint64_t index = 0;  // the current part, from 1; 0 before the first
    bool part_open = false;   // the current part's part_end has not been seen
};

} // namespace detail

namespace {

using event = http::multipart_parser::event;

[[noreturn]] void throw_malformed(http::multipart_parser const& parser)
{
    std::string reason = "multipart body: ";
    reason.append(parser.error_message());
    if (parser.error_message().empty()) {
        reason.append("malformed");
    }
    // Too many parts is a size problem, not a syntax one.
    if (parser.error() == make_error_code(errc::payload_too_large)) {
        throw http_request_entity_too_large{std::move(reason)};
    }
    throw http_bad_request{std::move(reason)};
}

/// Returns the parser's next event (never need_more), reading the body as needed.
awaitable<http::multipart_parser::step> next_event(detail::multipart_state& s)
{
    for (;;) {
        if (s.pending.empty() && !s.parser.done()) {
            // The pending view points into the connection's buffer, which the next read
            // reuses: read only once everything before has been parsed.
            std::string_view const piece = co_await s.req->read_chunk(std::size_t{64} * 1024);
            if (piece.empty()) {
                if (!s.parser.finish()) {
                    throw_malformed(s.parser);
                }
                co_return http::multipart_parser::step{event::done, 0, {}};
            }
            s.received += piece.size();
            if (s.max_size != 0 && s.received > s.max_size) {
                throw http_request_entity_too_large{"request body exceeds " +
                                                    std::to_string(s.max_size) + " bytes"};
            }
            s.pending = piece;
        }
        auto const step = s.parser.parse(s.pending);
        if (!step) {
            throw_malformed(s.parser);
        }
        s.pending.remove_prefix(step->consumed);
        if (step->what != event::need_more) {
            co_return *step;
        }
    }
}

} // namespace

body_part::body_part(std::shared_ptr<detail::multipart_state> state, std::uint64_t index) noexcept
    : state_(std::move(state)), index_(index)
{
}

bool body_part::at_eof() const noexcept
{
    return state_->index != index_ || (!state_->part_open && state_->rest.empty());
}

awaitable<std::string_view> body_part::read_chunk(std::size_t max_size)
{
    detail::multipart_state& s = *state_;
    if (at_eof()) {
        co_return std::string_view{};
    }
    while (s.rest.empty()) {
        auto const step = co_await next_event(s);
        if (step.what == event::part_end) {
            s.part_open = false;
            co_return std::string_view{};
        }
        if (step.what != event::data) {
            // The parser reports part_end before anything else once a part has begun.
            throw http_bad_request{"multipart body: unexpected end of part"};
        }
        s.rest = step.data;
    }
    std::size_t const n = std::min(s.rest.size(), std::max<std::size_t>(max_size, 1));
    std::string_view const piece = s.rest.substr(0, n);
    s.rest.remove_prefix(n);
    co_return piece;
}

awaitable<std::string> body_part::read()
{
    std::size_t const limit = state_->req->app().options().client_max_size;
    std::string out;
    for (;;) {
        std::string_view const piece = co_await read_chunk(std::size_t{64} * 1024);
        if (piece.empty()) {
            break;
        }
        if (out.size() + piece.size() > limit) {
            throw http_request_entity_too_large{"multipart part exceeds client_max_size (" +
                                                std::to_string(limit) + " bytes)"};
        }
        out.append(piece);
    }
    co_return out;
}

multipart_reader::multipart_reader(request& request, multipart_options options)
{
    std::string_view const content_type = request.headers().value_or(http::field::content_type, "");
    auto boundary = http::multipart_boundary(content_type);
    if (!boundary) {
        throw http_bad_request{"expected a multipart Content-Type with a valid boundary, got \"" +
                               std::string{content_type.substr(0, 200)} + "\""};
    }
    state_ = std::make_shared<detail::multipart_state>(request, *boundary, options);
}

multipart_reader::multipart_reader(multipart_reader&&) noexcept = default;
multipart_reader& multipart_reader::operator=(multipart_reader&&) noexcept = default;
multipart_reader::~multipart_reader() = default;

std::string_view multipart_reader::boundary() const noexcept
{
    return state_->parser.boundary();
}

awaitable<std::optional<body_part>> multipart_reader::next()
{
    detail::multipart_state& s = *state_;
    s.rest = {};
    while (s.part_open) {
        auto const step = co_await next_event(s);
        if (step.what == event::part_end) {
            s.part_open = false;
        } else if (step.what != event::data) {
            throw http_bad_request{"multipart body: unexpected end of part"};
        }
    }
    if (s.parser.done()) {
        co_return std::nullopt;
    }
    auto const step = co_await next_event(s);
    if (step.what == event::done) {
        co_return std::nullopt;
    }
    if (step.what != event::part_begin) {
        throw http_bad_request{"multipart body: expected a part"};
    }
    ++s.index;
    s.part_open = true;
    body_part part{state_, s.index};
    for (auto const& [name, value] : s.parser.headers()) {
        part.headers_.add(name, value);
    }
    if (auto const disposition = part.headers_.find(http::field::content_disposition)) {
        auto parsed = http::parse_content_disposition(*disposition);
        if (!parsed) {
            throw http_bad_request{"multipart body: malformed Content-Disposition"};
        }
        part.name_ = std::move(parsed->name);
        part.filename_ = std::move(parsed->filename).value_or(std::string{});
    }
    co_return part;
}

} // namespace ahttp::web
