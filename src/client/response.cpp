// SPDX-License-Identifier: BSL-1.0
// client::response: body reading over the pooled connection, decoding, text and JSON.
#include "client/response_state.hpp"
#include "hot_path.hpp"
#include "http/text.hpp"

#include <ahttp/client/errors.hpp>

#include <boost/json/parse.hpp>

#include <algorithm>
#include <cctype>

namespace ahttp::client {
namespace detail {

namespace asio = boost::asio;

namespace {

/// This thread's spare response states (a client makes and drops one per request).
struct spare_states {
    static constexpr std::size_t capacity = 256;
    std::vector<std::unique_ptr<response_state>> states;
    spare_states() { states.reserve(capacity); } // push_back never allocates
    ~spare_states();
};
/// Set once this thread's spare_states is destroyed (a response destroyed later, by another
/// thread_local's destructor, is deleted instead). Trivially destructible: always valid.
thread_local bool spares_gone = false;
thread_local spare_states spares;

spare_states::~spare_states()
{
    spares_gone = true;
}

/// Whether a state is worth keeping: big buffers go back to the heap.
bool worth_keeping(response_state const& s) noexcept
{
    if (s.owned_headers.entries().capacity() > 64 || s.fields.entries().capacity() > 64 ||
        s.url.capacity() > 4096 || s.head_bytes.capacity() > 8192) {
        return false;
    }
    std::size_t header_bytes = 0; // the header strings are kept for reuse too (see reset())
    for (auto const& [name, value] : s.owned_headers.entries()) {
        header_bytes += name.capacity() + value.capacity();
    }
    return header_bytes <= 8192;
}

void recycle(std::unique_ptr<response_state> state) noexcept
{
    if (spares_gone || !worth_keeping(*state)) {
        return; // deleted
    }
    state->reset();
    if (spares.states.size() < spare_states::capacity) {
        spares.states.push_back(std::move(state));
    }
}

} // namespace

AHTTP_HOT_PATH std::unique_ptr<response_state> new_response_state()
{
    if (!spares_gone && !spares.states.empty()) {
        std::unique_ptr<response_state> state = std::move(spares.states.back());
        spares.states.pop_back();
        return state;
    }
    return std::make_unique<response_state>();
}

AHTTP_HOT_PATH void response_state::reset() noexcept
{
    // Member by member (assigning a fresh response_state costs several times more): every
    // member of response_state must appear here.
    conn.release(false); // as the destructor would: a connection with an unread body goes
    piece_owner.reset();
    history.clear();
    method = http::method::get;
    url.clear();
    status = http::status::ok;
    reason.clear();
    version_minor = 1;
    // head_bytes and fields keep their storage; adopt_fields() replaces them before anyone
    // sees them. owned_headers keeps its strings for the next headers() to assign() over;
    // worth_keeping() bounds what they all may hold.
    fields.clear();
    headers_made = false;
    has_set_cookie = false;
    has_content_encoding = false;
    keep_alive = true;
    framing = wire::response_framing::none;
    remaining = 0;
    declared_length = 0;
    chunked = wire::chunked_decoder{};
    body_done = false;
    decoder.reset();
    release_when_decoded = false;
    std::string{}.swap(decoded); // may have grown large: not kept
    decoded_offset = 0;
    body.reset();
    std::string{}.swap(line_pending);
    total = {};
    sock_read = {};
    max_body_size = 0;
}

AHTTP_HOT_PATH void response_state::adopt_fields(std::string_view raw,
                                                 http::headers_view const& parsed)
{
    head_bytes.assign(raw);
    // The views move from the connection's buffer to head_bytes, at the same offsets.
    char const* const from = raw.data();
    char const* const to = head_bytes.data();
    auto const moved = [&](std::string_view v) {
        return std::string_view{to + (v.data() - from), v.size()};
    };
    fields.clear();
    for (auto const& [name, value] : parsed.entries()) {
        fields.add(moved(name), moved(value));
    }
    headers_made = false;
}

http::headers const& response_state::headers()
{
    if (!headers_made) {
        owned_headers.assign(fields);
        headers_made = true;
    }
    return owned_headers;
}

void response_state::fail_io(error_code ec, char const* what)
{
    bool const expired = conn && conn.conn().expired();
    timeout_phase const phase = expired ? conn.conn().expired_phase() : timeout_phase::total;
    conn.release(false);
    body_done = true;
    if (expired) {
        throw timeout_error{phase, method, url};
    }
    if (ec == asio::error::operation_aborted) {
        throw boost::system::system_error{ec}; // cancelled: not an ahttp::error
    }
    throw payload_error{ec ? ec : make_error_code(errc::bad_response), what, method, url};
}

AHTTP_HOT_PATH void response_state::finish_body()
{
    body_done = true;
    if (conn) {
        piece_owner = conn.shared_conn();
        // Bytes after the body on an idle connection mean the server is out of step.
        bool const clean = conn.conn().buffered().empty();
        if (decoder && keep_alive && clean) {
            release_when_decoded = true;
            return;
        }
        conn.release(keep_alive && clean);
    }
}

awaitable<std::string_view> response_state::read_raw(std::size_t max_size)
{
    piece_owner.reset();
    if (body_done || max_size == 0) {
        co_return std::string_view{};
    }
    if (!conn) {
        body_done = true;
        throw payload_error{make_error_code(errc::invalid_state),
                            "the response was released before its body was read", method, url};
    }
    connection& c = conn.conn();
    for (;;) {
        std::string_view const in = c.buffered();
        switch (framing) {
        case wire::response_framing::none:
            finish_body();
            co_return std::string_view{};
        case wire::response_framing::content_length:
            if (remaining == 0) {
                finish_body();
                co_return std::string_view{};
            }
            if (!in.empty()) {
                auto const n = static_cast<std::size_t>(
                    std::min<std::uint64_t>({in.size(), remaining, max_size}));
                std::string_view const piece = in.substr(0, n);
                c.consume(n);
                remaining -= n;
                if (remaining == 0) {
                    finish_body(); // the view stays valid: consume() never frees
                }
                co_return piece;
            }
            break;
        case wire::response_framing::chunked:
            if (!in.empty()) {
                auto const r = chunked.decode(in.substr(0, std::max(max_size, std::size_t{64})));
                c.consume(r.consumed);
                if (r.failed) {
                    fail_io({}, "malformed chunked body");
                }
                if (r.done) {
                    finish_body();
                }
                if (!r.data.empty() || r.done) {
                    co_return r.data;
                }
                if (r.consumed != 0) {
                    continue; // a size line or extension: look at what is left
                }
            }
            break;
        case wire::response_framing::until_close:
            if (!in.empty()) {
                std::size_t const n = std::min(in.size(), max_size);
                std::string_view const piece = in.substr(0, n);
                c.consume(n);
                co_return piece;
            }
            break;
        }
        c.set_deadline(total.earliest(deadline::after(sock_read, timeout_phase::sock_read)));
        error_code const ec = co_await c.read_more();
        if (ec == asio::error::eof && framing == wire::response_framing::until_close) {
            keep_alive = false;
            finish_body();
            co_return std::string_view{};
        }
        if (ec) {
            fail_io(ec, ec == asio::error::eof ? "response body truncated: connection closed"
                                               : "connection failed while reading the body");
        }
    }
}

// Not a coroutine: without a decoder it hands back read_raw()'s awaitable, so reading a
// piece costs one coroutine frame, not two. (Asio recycles two frames per thread; a request
// whose chain of frames stays within that allocates none.)
awaitable<std::string_view> response_state::read_piece(std::size_t max_size)
{
    if (!decoder) {
        return read_raw(max_size);
    }
    return read_decoded(max_size);
}

awaitable<std::string_view> response_state::read_decoded(std::size_t max_size)
{
    for (;;) {
        // Hand out what an earlier step decoded first, at most max_size at a time.
        if (decoded_offset < decoded.size()) {
            std::size_t const n = std::min(max_size, decoded.size() - decoded_offset);
            std::string_view const piece = std::string_view{decoded}.substr(decoded_offset, n);
            decoded_offset += n;
            co_return piece;
        }
        decoded.clear();
        decoded_offset = 0;
        // Coded input goes in small steps: one step's output is bounded by what the codec
        // expands 4 KiB into, not by the size of the whole body.
        std::string_view const raw = co_await read_raw(4096);
        if (raw.empty()) {
            if (error_code const ec = decoder->finish()) {
                decoder.reset();
                release_when_decoded = false;
                fail_io(ec, "response body could not be decoded"); // closes the connection
            }
            if (release_when_decoded) {
                release_when_decoded = false;
                conn.release(true);
            }
            co_return std::string_view{};
        }
        if (error_code const ec = decoder->write(raw, decoded)) {
            decoder.reset();
            release_when_decoded = false;
            fail_io(ec, "response body could not be decoded"); // closes the connection
        }
    }
}

awaitable<bool> response_state::discard(std::size_t limit)
{
    std::size_t seen = 0;
    while (!body_done) {
        std::string_view const piece = co_await read_raw(16384);
        seen += piece.size();
        if (seen > limit) {
            conn.release(false);
            body_done = true;
            co_return false;
        }
    }
    if (release_when_decoded) { // skipped, not decoded: the framing alone says it is reusable
        release_when_decoded = false;
        conn.release(true);
    }
    co_return true;
}

} // namespace detail

namespace {

/// ISO-8859-1 to UTF-8: every byte is the code point of the same value.
std::string latin1_to_utf8(std::string_view in)
{
    std::string out;
    out.reserve(in.size());
    for (char const ch : in) {
        auto const c = static_cast<unsigned char>(ch);
        if (c < 0x80) {
            out.push_back(ch);
        } else {
            out.push_back(static_cast<char>(0xC0 | (c >> 6)));
            out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
        }
    }
    return out;
}

} // namespace

AHTTP_HOT_PATH response::response(std::unique_ptr<detail::response_state> state) noexcept
    : state_(std::move(state))
{
}
response::response(response&&) noexcept = default;
response& response::operator=(response&&) noexcept = default;
AHTTP_HOT_PATH response::~response()
{
    if (state_) {
        detail::recycle(std::move(state_)); // the lease closes an unread connection
    }
}

http::status response::status() const noexcept
{
    return state_->status;
}
std::string_view response::reason() const noexcept
{
    return state_->reason;
}
http::headers const& response::headers() const
{
    return state_->headers();
}
std::string const& response::url() const noexcept
{
    return state_->url;
}
http::method response::method() const noexcept
{
    return state_->method;
}
int response::version_minor() const noexcept
{
    return state_->version_minor;
}
std::vector<response> const& response::history() const noexcept
{
    return state_->history;
}
bool response::is_eof() const noexcept
{
    return state_->body_done && state_->decoded_offset >= state_->decoded.size();
}

std::vector<http::cookie> response::cookies() const
{
    auto const now =
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    std::vector<http::cookie> out;
    for (std::string_view const value : state_->fields.values(http::field::set_cookie)) {
        if (auto c = http::parse_set_cookie(value, now)) {
            out.push_back(std::move(*c));
        }
    }
    return out;
}

std::string response::content_type() const
{
    std::string_view const value = state_->fields.value_or(http::field::content_type, "");
    return http::detail::lower_ascii(http::detail::trim_ows(value.substr(0, value.find(';'))));
}

std::string response::charset() const
{
    std::string_view value = state_->fields.value_or(http::field::content_type, "");
    while (true) {
        auto const semi = value.find(';');
        if (semi == std::string_view::npos) {
            return {};
        }
        value.remove_prefix(semi + 1);
        std::string_view param = http::detail::trim_ows(value.substr(0, value.find(';')));
        auto const eq = param.find('=');
        if (eq != std::string_view::npos &&
            http::detail::lower_ascii(http::detail::trim_ows(param.substr(0, eq))) == "charset") {
            std::string_view v = http::detail::trim_ows(param.substr(eq + 1));
            if (v.size() >= 2 && v.front() == '"' && v.back() == '"') {
                v = v.substr(1, v.size() - 2);
            }
            return http::detail::lower_ascii(v);
        }
    }
}

std::optional<std::uint64_t> response::content_length() const noexcept
{
    if (state_->framing == wire::response_framing::content_length) {
        return state_->declared_length;
    }
    return std::nullopt;
}

AHTTP_HOT_PATH awaitable<std::string> response::read()
{
    detail::response_state& s = *state_;
    if (s.body) {
        co_return *s.body;
    }
    std::string out;
    // A body with a Content-Length that is all buffered already (small responses usually
    // come whole in one read) and not coded is taken at once, without the read_piece chain.
    if (!s.decoder && s.framing == wire::response_framing::content_length && s.conn &&
        !s.body_done && s.remaining <= s.max_body_size &&
        s.conn.conn().buffered().size() >= s.remaining) {
        s.piece_owner.reset();
        detail::connection& c = s.conn.conn();
        auto const n = static_cast<std::size_t>(s.remaining);
        out.assign(c.buffered().substr(0, n));
        c.consume(n);
        s.remaining = 0;
        s.finish_body();
    }
    // Without a decoder, a finished body has no more pieces: no need to ask for the last one.
    while (!s.body_done || s.decoder) {
        std::string_view const piece = co_await s.read_piece(65536);
        if (piece.empty()) {
            break;
        }
        if (out.size() + piece.size() > s.max_body_size) {
            s.conn.release(false);
            s.body_done = true;
            throw payload_error{make_error_code(errc::payload_too_large),
                                "response body larger than max_body_size", s.method, s.url};
        }
        out.append(piece);
    }
    s.body = out;
    co_return out;
}

awaitable<std::string> response::text()
{
    std::string body = co_await read();
    std::string const cs = charset();
    if (cs == "iso-8859-1" || cs == "latin1" || cs == "latin-1" || cs == "l1") {
        co_return latin1_to_utf8(body);
    }
    co_return body;
}

awaitable<boost::json::value> response::json()
{
    std::string const body = co_await read();
    boost::system::error_code ec;
    boost::json::value value = boost::json::parse(body, ec);
    if (ec) {
        throw payload_error{make_error_code(errc::bad_response),
                            "response body is not valid JSON: " + ec.message(), state_->method,
                            state_->url};
    }
    co_return value;
}

awaitable<std::string_view> response::read_chunk(std::size_t max_size)
{
    return state_->read_piece(max_size); // no frame of its own (see read_piece)
}

awaitable<std::optional<std::string>> response::read_line(std::size_t max_size)
{
    detail::response_state& s = *state_;
    std::size_t searched = 0;
    for (;;) {
        auto const newline = s.line_pending.find('\n', searched);
        if (newline != std::string::npos) {
            std::string line = s.line_pending.substr(0, newline);
            s.line_pending.erase(0, newline + 1);
            if (!line.empty() && line.back() == '\r') {
                line.pop_back();
            }
            co_return line;
        }
        if (s.line_pending.size() > max_size) {
            close();
            throw payload_error{make_error_code(errc::payload_too_large),
                                "response line longer than " + std::to_string(max_size) + " bytes",
                                s.method, s.url};
        }
        searched = s.line_pending.size();
        std::string_view const piece = co_await s.read_piece(65536);
        if (piece.empty()) {
            if (s.line_pending.empty()) {
                co_return std::nullopt;
            }
            std::string last = std::move(s.line_pending);
            s.line_pending.clear();
            co_return last;
        }
        s.line_pending.append(piece);
    }
}

void response::raise_for_status()
{
    if (status_code() < 400) {
        return;
    }
    release();
    throw response_error{state_->status, state_->reason, state_->method, state_->url};
}

void response::release() noexcept
{
    detail::response_state& s = *state_;
    if (s.conn) {
        // Released with the body read: pooled (finish_body does it); otherwise closed.
        s.conn.release(s.body_done && s.keep_alive && s.conn.conn().buffered().empty());
    }
}

void response::close() noexcept
{
    state_->conn.release(false);
    state_->body_done = true;
}

} // namespace ahttp::client
