// SPDX-License-Identifier: BSL-1.0
// The HTTP/1.1 connection loop (RFC 9112): keep-alive, pipelining, bodies, limits, timeouts.
#include "web/connection.hpp"
#include "web/response_compression.hpp"
#include "web/server_log.hpp"
#include "web/websocket_transport.hpp"
#include "websocket/engine.hpp"

#include <ahttp/web/http_exceptions.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <netinet/in.h>
#include <poll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <tuple>
#include <unistd.h>

namespace ahttp::web::detail {
namespace {

namespace asio = boost::asio;

/// Completion token of every operation here. `co_await op(deferred)` starts the operation from
/// the awaiting coroutine itself; `use_awaitable` would wrap each one in a coroutine frame of
/// its own (three per keep-alive request), and Asio's per-thread frame cache keeps only two
/// freed frames, so most of those were heap allocations. as_tuple: errors are values, not
/// exceptions (a peer leaving is routine).
constexpr auto deferred_tuple = asio::as_tuple(asio::deferred);

/// Responses queued by pipelined requests are written together once the pipeline is empty,
/// or as soon as they reach this size.
constexpr std::size_t max_batch = std::size_t{64} * 1024;

/// A body left unread by its handler is drained (to keep the connection) up to this size;
/// beyond it the connection is closed instead, as Go's net/http does.
constexpr std::uint64_t max_discard = std::uint64_t{256} * 1024;

/// Bytes after the head kept free for body reads, so the head never has to move.
constexpr std::size_t min_body_room = std::size_t{8} * 1024;

/// Files up to this size are copied into the response batch instead of sent with sendfile.
constexpr std::uint64_t small_file_size = std::uint64_t{32} * 1024;

std::string peer_address(stream_protocol::socket& socket)
{
    sockaddr_storage addr{};
    socklen_t length = sizeof addr;
    if (::getpeername(socket.native_handle(), reinterpret_cast<sockaddr*>(&addr), &length) != 0) {
        return {};
    }
    char text[INET6_ADDRSTRLEN] = {};
    if (addr.ss_family == AF_INET) {
        ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&addr)->sin_addr, text, sizeof text);
    } else if (addr.ss_family == AF_INET6) {
        ::inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&addr)->sin6_addr, text,
                    sizeof text);
    } else {
        return "unix";
    }
    return text;
}

/// Writes a response head into memory sized beforehand. A head is a dozen small pieces, and
/// std::string::append's length, capacity check and out-of-line copy per piece cost more than
/// the copying itself.
class head_writer {
public:
    explicit head_writer(char* out) noexcept : p_(out) {}

    void put(std::string_view text) noexcept
    {
        std::memcpy(p_, text.data(), text.size());
        p_ += text.size();
    }
    /// Text from the handler, with CR and LF replaced by spaces: a handler must never be able
    /// to inject a header or split the response (Go's net/http does the same).
    void put_safe(std::string_view text) noexcept
    {
        if (text.empty()) {
            return;
        }
        char* const start = p_;
        put(text);
        // Almost no text has them: look with memchr (vectorised), rewrite only on a hit.
        if (std::memchr(text.data(), '\r', text.size()) != nullptr ||
            std::memchr(text.data(), '\n', text.size()) != nullptr) {
            std::replace_if(
                start, p_, [](char c) { return c == '\r' || c == '\n'; }, ' ');
        }
    }
    void put_decimal(std::uint64_t value) noexcept
    {
        p_ = std::to_chars(p_, p_ + max_decimal, value).ptr;
    }
    char* position() const noexcept { return p_; }

    static constexpr std::size_t max_decimal = 20; // digits of the largest uint64_t

private:
    char* p_;
};

bool has_no_body(unsigned code) noexcept
{
    // RFC 9110 §6.4.1: 1xx, 204 and 304 responses never have content.
    return code < 200 || code == 204 || code == 304;
}

bool is_framing_field(std::string_view name) noexcept
{
    // The server owns framing and connection management: Content-Length is always computed,
    // never copied, so it cannot disagree with the body. (By length first: most names miss.)
    switch (name.size()) {
    case 10:
        return http::iequals(name, "connection");
    case 14:
        return http::iequals(name, "content-length");
    case 17:
        return http::iequals(name, "transfer-encoding");
    default:
        return false;
    }
}

} // namespace

connection::connection(worker& owner, stream_protocol::socket socket)
    : owner_(owner), socket_(std::move(socket)), request_(*this, owner.app())
{
    remote_ = peer_address(socket_);
    // Non-blocking synchronous reads and writes let run() do the I/O it expects to succeed
    // (a read after a readiness wait, the write of a response) without a trip through the
    // event loop; without the flag they would block, so they are then not used.
    boost::system::error_code ec;
    socket_.non_blocking(true, ec);
    direct_io_ = !ec;
}

connection::~connection()
{
    if (buffer_) {
        owner_.give_back_buffer(std::move(buffer_), capacity_);
    }
}

void connection::check_deadline(clock::time_point now) noexcept
{
    if (deadline_ <= now) {
        expired_ = true;
        clear_deadline();
        boost::system::error_code ignored;
        socket_.cancel(ignored);
    }
}

void connection::drain() noexcept
{
    draining_ = true;
    if (websocket_) {
        websocket_->close_in_background(
            static_cast<std::uint16_t>(websocket::close_code::going_away));
        return;
    }
    if (idle_) {
        boost::system::error_code ignored;
        socket_.cancel(ignored);
    }
}

void connection::cancel() noexcept
{
    draining_ = true;
    if (websocket_) {
        websocket_->abort();
    }
    cancel_.emit(asio::cancellation_type::all);
    boost::system::error_code ignored;
    socket_.cancel(ignored);
}

void connection::ensure_buffer()
{
    if (!buffer_) {
        buffer_ = owner_.take_buffer(capacity_);
        begin_ = end_ = 0;
    }
}

void connection::release_buffer_if_empty() noexcept
{
    if (buffer_ && begin_ == end_) {
        owner_.give_back_buffer(std::move(buffer_), capacity_);
        capacity_ = begin_ = end_ = 0;
    }
}

void connection::prepare_read()
{
    ensure_buffer();
    if (begin_ > 0) {
        std::memmove(buffer_.get(), buffer_.get() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
    }
    if (end_ == capacity_) {
        // The parser enforces the head limits, so growth is bounded by them.
        std::size_t const bigger = capacity_ * 2;
        auto grown = std::make_unique<char[]>(bigger);
        std::memcpy(grown.get(), buffer_.get(), end_);
        buffer_ = std::move(grown);
        capacity_ = bigger;
    }
}

awaitable<bool> connection::write_now(std::string_view extra)
{
    if (write_failed_) {
        // A stalled reader already cost one full write deadline: a stream's last chunk or an
        // error response must not wait for another.
        out_.clear();
        co_return false;
    }
    auto const previous = deadline_;
    set_deadline(owner_.options().timeouts.body_read);
    std::array<asio::const_buffer, 2> buffers{asio::buffer(out_),
                                              asio::buffer(extra.data(), extra.size())};
    writing_ = true;
    auto [ec, n] = co_await asio::async_write(socket_, buffers, deferred_tuple);
    writing_ = false;
    out_.clear();
    deadline_ = previous;
    if (ec) {
        must_close_ = true;
        write_failed_ = true;
        co_return false;
    }
    co_return true;
}

awaitable<bool> connection::flush()
{
    if (out_.empty()) {
        co_return true;
    }
    co_return co_await write_now({});
}

awaitable<void> connection::run()
{
    // The steady-state request path is all in this coroutine: reading, writing and finishing a
    // request are awaited or called from here, not through helper coroutines, so a keep-alive
    // request allocates no frames beyond the application's dispatch and the handler's (which
    // Asio's frame cache recycles).
    for (;;) {
        wire::parse_error error;
        wire::parse_status status = wire::parse_status::need_more;
        if (begin_ != end_) {
            status = owner_.parser().parse({buffer_.get() + begin_, end_ - begin_}, head_, error);
        }
        bool const need_more = status == wire::parse_status::need_more;
        // Everything parsed so far has been answered: write the batch (pipelined responses go
        // out in one write), or write early once the batch is large.
        if (!out_.empty() && (need_more || out_.size() >= max_batch)) {
            // The socket buffer normally takes the whole batch at once: write it now, and
            // wait (under a deadline, so a stalled reader times out) only for what is left.
            boost::system::error_code write_error;
            std::size_t done = 0;
            if (direct_io_) {
                done = socket_.write_some(asio::buffer(out_), write_error);
                if (write_error == asio::error::would_block) {
                    write_error = {};
                }
            }
            if (!write_error && done < out_.size()) {
                // async_write_some in a loop rather than async_write: the composed operation
                // sets up a cancellation state of its own for every write (an allocation).
                set_deadline(owner_.options().timeouts.body_read);
                while (done < out_.size() && !write_error) {
                    auto [ec, n] = co_await socket_.async_write_some(asio::buffer(out_) + done,
                                                                     deferred_tuple);
                    write_error = ec;
                    done += n;
                }
                clear_deadline();
            }
            out_.clear();
            if (write_error) {
                break;
            }
        }
        if (need_more) {
            if (draining_ && begin_ == end_) {
                break;
            }
            bool readable = false;
            if (begin_ == end_) {
                // Idle keep-alive connections wait without a buffer (see worker::take_buffer).
                idle_ = true;
                set_deadline(owner_.options().timeouts.keepalive);
                release_buffer_if_empty();
                auto [ec] =
                    co_await socket_.async_wait(stream_protocol::socket::wait_read, deferred_tuple);
                if (ec || draining_) {
                    break;
                }
                idle_ = false;
                readable = true;
                set_deadline(owner_.options().timeouts.header_read);
            } else if (deadline_ == clock::time_point::max()) {
                // Part of a pipelined request arrived with the previous one: its head must be
                // complete within header_read too.
                set_deadline(owner_.options().timeouts.header_read);
            }
            prepare_read();
            auto const room = asio::buffer(buffer_.get() + end_, capacity_ - end_);
            boost::system::error_code read_error = asio::error::would_block;
            std::size_t n = 0;
            if (readable && direct_io_) {
                // Just reported readable: read at once rather than start an operation that
                // would perform the same read and then go through the event loop.
                n = socket_.read_some(room, read_error);
            }
            if (read_error == asio::error::would_block) {
                std::tie(read_error, n) = co_await socket_.async_read_some(room, deferred_tuple);
            }
            if (read_error || n == 0) {
                break;
            }
            end_ += n;
            continue;
        }
        if (status == wire::parse_status::error) {
            append_error(error.status, error.reason);
            co_await flush();
            co_await lingering_close();
            co_return;
        }
        bool keep = begin_request();
        if (keep) {
            response result = co_await owner_.app().handle(request_);
            if (websocket_) {
                // The socket went to the WebSocket: close it (if the handler did not) and
                // wait until the engine is done with it.
                std::shared_ptr<websocket::detail::engine> ws = std::move(websocket_);
                co_await ws->finish(static_cast<std::uint16_t>(websocket::close_code::normal));
                // One access-log line when the WebSocket ends, as aiohttp writes: 101, and
                // the time the connection lasted.
                end_request(result, 0, false);
                co_return;
            }
            if (result.compression_enabled() && !result.is_prepared() &&
                result.file_body() == nullptr) {
                compress_response(request_, result);
            }
            keep = needs_async_finish(result) ? co_await finish_request_async(result)
                                              : finish_request(result);
        }
        if (!keep) {
            co_await flush();
            co_await lingering_close();
            co_return;
        }
    }
    boost::system::error_code ignored;
    socket_.close(ignored);
}

bool connection::make_room_for_body()
{
    std::size_t const head_end = begin_ + head_.head_size;
    if (capacity_ - head_end >= min_body_room) {
        return false;
    }
    // Move the head to the front (or into a bigger buffer) before any view of it is handed
    // out; the caller parses it again at its new place.
    std::size_t const used = end_ - begin_;
    std::size_t const needed = head_.head_size + min_body_room;
    if (needed > capacity_) {
        std::size_t bigger = capacity_;
        while (bigger < needed) {
            bigger *= 2;
        }
        auto grown = std::make_unique<char[]>(bigger);
        std::memcpy(grown.get(), buffer_.get() + begin_, used);
        buffer_ = std::move(grown);
        capacity_ = bigger;
    } else {
        std::memmove(buffer_.get(), buffer_.get() + begin_, used);
    }
    begin_ = 0;
    end_ = used;
    return true;
}

bool connection::begin_request()
{
    clear_deadline();
    if (owner_.logger() != nullptr) {
        started_ = clock::now();
    }

    // RFC 9110 §15.5.14: refuse a declared oversize body before reading any of it.
    if (head_.framing == wire::body_framing::content_length &&
        head_.content_length > owner_.app().options().client_max_size) {
        append_error(http::status::payload_too_large, "request body exceeds client_max_size");
        return false;
    }

    std::size_t const body_in_buffer = end_ - begin_ - head_.head_size;
    bool const body_complete = head_.framing == wire::body_framing::none ||
                               (head_.framing == wire::body_framing::content_length &&
                                head_.content_length <= body_in_buffer);
    if (!body_complete && make_room_for_body()) {
        wire::parse_error error;
        owner_.parser().parse({buffer_.get() + begin_, end_ - begin_}, head_, error);
    }

    body_begin_ = begin_ + head_.head_size;
    chunked_.reset();
    continue_sent_ = false;
    must_close_ = false;
    stream_ = stream_mode::none;
    stream_encoder_.reset();
    switch (head_.framing) {
    case wire::body_framing::none:
        body_done_ = true;
        break;
    case wire::body_framing::content_length:
        body_remaining_ = head_.content_length;
        body_done_ = body_remaining_ == 0;
        break;
    case wire::body_framing::chunked:
        body_done_ = false;
        break;
    }

    request_init init;
    init.method = head_.method;
    init.method_token = head_.method_token;
    init.target = head_.target;
    init.headers = &head_.fields;
    init.remote = remote_;
    init.version_minor = head_.version_minor;
    init.keep_alive = head_.keep_alive;
    init.has_body =
        head_.framing == wire::body_framing::chunked ||
        (head_.framing == wire::body_framing::content_length && head_.content_length > 0);
    if (head_.framing == wire::body_framing::content_length) {
        init.content_length = head_.content_length;
    } else if (head_.framing == wire::body_framing::none) {
        init.content_length = 0;
    }
    if (!init_request(request_, init)) {
        append_error(http::status::bad_request, "invalid request target");
        return false;
    }
    return true;
}

bool connection::needs_async_finish(response const& r) const noexcept
{
    // A stream to end, a body left unread, or a file to send may need I/O; anything else is a
    // complete in-memory response that only has to be queued.
    return r.is_prepared() || stream_ != stream_mode::none || !body_done_ ||
           r.file_body() != nullptr;
}

bool connection::keep_alive_after(response const& r) const noexcept
{
    return head_.keep_alive && !must_close_ && !r.close_requested() && !draining_ &&
           !owner_.draining() && stream_ != stream_mode::until_close;
}

bool connection::end_request(response const& r, std::size_t body_bytes, bool keep)
{
    if (auto const* logger = owner_.logger()) {
        logger->log(request_, r.status(), &r.headers(), body_bytes, clock::now() - started_);
    }
    begin_ = body_begin_;
    return keep;
}

bool connection::finish_request(response const& r)
{
    // needs_async_finish(r) is false: the body was read, nothing is streamed, no file.
    bool const keep_alive = keep_alive_after(r) && r.status() != http::status::payload_too_large;
    append_response(r, keep_alive);
    return end_request(r, r.body().size(), keep_alive);
}

awaitable<bool> connection::finish_request_async(response& result)
{
    if (result.is_prepared() || stream_ != stream_mode::none) {
        co_await finish_stream();
    }

    // A body refused as too large is not drained: the client is told and the connection ends.
    if (result.status() == http::status::payload_too_large) {
        must_close_ = true;
    }
    // Leftover body: drain it so the next request can be read, or give up the connection.
    if (!body_done_ && !must_close_) {
        bool const unsent = head_.expect_continue && !continue_sent_;
        bool const too_big =
            head_.framing == wire::body_framing::content_length && body_remaining_ > max_discard;
        if (unsent || too_big || !co_await discard_body()) {
            must_close_ = true;
        }
    }

    bool const keep_alive = keep_alive_after(result);
    std::size_t body_bytes = 0;
    bool sent = true;
    if (stream_ == stream_mode::none) {
        std::optional<file_transfer> file;
        if (result.file_body() != nullptr) {
            file = prepare_file(request_, result); // may turn it into a 304, 404, 416…
        }
        if (file) {
            sent = co_await send_file(result, *file, keep_alive);
            body_bytes = head_.method == http::method::head ? 0 : file->length;
        } else {
            append_response(result, keep_alive);
            body_bytes = result.body().size();
        }
    }
    co_return end_request(result, body_bytes, keep_alive && sent);
}

awaitable<std::string_view> connection::read_body(std::size_t max_size)
{
    for (;;) {
        if (body_done_) {
            co_return std::string_view{};
        }
        std::string_view available{buffer_.get() + body_begin_, end_ - body_begin_};
        if (!available.empty()) {
            if (head_.framing == wire::body_framing::content_length) {
                std::size_t const n = static_cast<std::size_t>(
                    std::min<std::uint64_t>({available.size(), body_remaining_, max_size}));
                body_begin_ += n;
                body_remaining_ -= n;
                body_done_ = body_remaining_ == 0;
                co_return available.substr(0, n);
            }
            auto const step =
                chunked_.decode(available.substr(0, std::max<std::size_t>(max_size, 64)));
            body_begin_ += step.consumed;
            if (step.failed) {
                must_close_ = true;
                body_done_ = true;
                throw http_bad_request{"invalid chunked body: " + std::string{step.reason}};
            }
            body_done_ = step.done;
            if (!step.data.empty()) {
                co_return step.data;
            }
            if (step.done) {
                co_return std::string_view{};
            }
            if (step.consumed > 0) {
                continue;
            }
        }
        // RFC 9110 §10.1.1: the client waits for 100 Continue before sending the body; send it
        // on the first read, so a handler that refuses the request never receives the body.
        if (head_.expect_continue && !continue_sent_ && head_.version_minor == 1) {
            continue_sent_ = true;
            if (!co_await write_now("HTTP/1.1 100 Continue\r\n\r\n")) {
                body_done_ = true;
                throw http_bad_request{"connection lost"};
            }
        }
        // Keep the head in place; move the unread body bytes next to it.
        std::size_t const region = begin_ + head_.head_size;
        std::size_t const pending = end_ - body_begin_;
        if (body_begin_ != region) {
            std::memmove(buffer_.get() + region, buffer_.get() + body_begin_, pending);
            body_begin_ = region;
            end_ = region + pending;
        }
        if (end_ == capacity_) {
            must_close_ = true;
            body_done_ = true;
            throw http_bad_request{"chunk line too long"};
        }
        set_deadline(owner_.options().timeouts.body_read);
        auto [ec, n] = co_await socket_.async_read_some(
            asio::buffer(buffer_.get() + end_, capacity_ - end_), deferred_tuple);
        clear_deadline();
        if (ec == asio::error::operation_aborted && !expired_) {
            throw boost::system::system_error{ec}; // cancellation: shutdown, not a bad request
        }
        if (ec || n == 0) {
            must_close_ = true;
            body_done_ = true;
            if (expired_) {
                throw http_request_timeout{"request body timed out"};
            }
            throw http_bad_request{"request body truncated"};
        }
        end_ += n;
    }
}

awaitable<bool> connection::discard_body()
{
    std::uint64_t discarded = 0;
    try {
        while (!body_done_) {
            auto const piece = co_await read_body(std::size_t{64} * 1024);
            discarded += piece.size();
            if (discarded > max_discard) {
                co_return false;
            }
        }
    } catch (http_exception const&) {
        co_return false;
    }
    co_return true;
}

void connection::append_head(response const& r, std::optional<std::uint64_t> content_length,
                             bool chunked, bool keep_alive)
{
    using namespace std::string_view_literals;
    unsigned const code = http::to_int(r.status());
    std::string_view const reason = r.reason();
    bool has_date = false;
    // An upper bound of the head's size: the status line, the handler's fields, then what
    // the server adds (Server, Date, the framing field, Connection, the empty line).
    std::size_t size = "HTTP/1.1 "sv.size() + head_writer::max_decimal + 1 + reason.size() + 2;
    for (auto const& [name, value] : r.headers()) {
        size += name.size() + value.size() + 4;
        has_date = has_date || (name.size() == 4 && http::iequals(name, "date"));
    }
    std::string_view const date = has_date ? std::string_view{} : http_date();
    size += "Server: ahttp\r\nDate: \r\n"sv.size() + date.size() + "Content-Length: \r\n"sv.size() +
            head_writer::max_decimal + "Connection: keep-alive\r\n\r\n"sv.size();

    std::size_t const start = out_.size();
    out_.resize(start + size);
    head_writer w{out_.data() + start};
    w.put(head_.version_minor == 0 ? "HTTP/1.0 "sv : "HTTP/1.1 "sv);
    w.put_decimal(code);
    w.put(" "sv);
    w.put_safe(reason);
    w.put("\r\n"sv);
    for (auto const& [name, value] : r.headers()) {
        if (is_framing_field(name)) {
            continue;
        }
        w.put_safe(name);
        w.put(": "sv);
        w.put_safe(value);
        w.put("\r\n"sv);
    }
    w.put("Server: ahttp\r\n"sv);
    if (!has_date) {
        w.put("Date: "sv);
        w.put(date);
        w.put("\r\n"sv);
    }
    if (!has_no_body(code)) {
        if (content_length) {
            w.put("Content-Length: "sv);
            w.put_decimal(*content_length);
            w.put("\r\n"sv);
        } else if (chunked) {
            w.put("Transfer-Encoding: chunked\r\n"sv);
        }
    }
    if (!keep_alive) {
        w.put("Connection: close\r\n"sv);
    } else if (head_.version_minor == 0) {
        w.put("Connection: keep-alive\r\n"sv);
    }
    w.put("\r\n"sv);
    out_.resize(static_cast<std::size_t>(w.position() - out_.data()));
}

void connection::append_response(response const& r, bool keep_alive)
{
    std::string const& body = r.body();
    append_head(r, body.size(), false, keep_alive);
    // RFC 9110 §9.3.2: HEAD gets the GET's fields (Content-Length included) without content.
    if (head_.method != http::method::head && !has_no_body(http::to_int(r.status()))) {
        out_.append(body);
    }
}

awaitable<bool> connection::send_file(response const& r, file_transfer const& file, bool keep_alive)
{
    append_head(r, file.length, false, keep_alive);
    if (head_.method == http::method::head || file.length == 0) {
        co_return true;
    }
    // Small files join the batch, so head and body (and pipelined neighbours) go out in one
    // write; larger ones follow the head with sendfile(2), without copying through user space.
    if (file.length <= small_file_size) {
        std::size_t const start = out_.size();
        std::size_t const length = static_cast<std::size_t>(file.length);
        out_.resize(start + length);
        std::size_t done = 0;
        while (done < length) {
            ssize_t const n = ::pread(file.fd, out_.data() + start + done, length - done,
                                      static_cast<off_t>(file.offset + done));
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n <= 0) {
                // The file shrank (or failed) after its size was announced: what was read goes
                // out and the connection closes, so the client sees a short body.
                out_.resize(start + done);
                co_return false;
            }
            done += static_cast<std::size_t>(n);
        }
        co_return true;
    }
    if (!co_await flush()) {
        co_return false;
    }
    boost::system::error_code ec;
    socket_.native_non_blocking(true, ec);
    if (ec) {
        co_return false;
    }
    std::uint64_t offset = file.offset;
    std::uint64_t remaining = file.length;
    bool ok = true;
    while (ok && remaining > 0) {
        set_deadline(owner_.options().timeouts.body_read); // a stalled reader times out
        auto position = static_cast<off_t>(offset);
        std::size_t const step =
            static_cast<std::size_t>(std::min<std::uint64_t>(remaining, 1u << 30));
        ssize_t const n = ::sendfile(socket_.native_handle(), file.fd, &position, step);
        if (n > 0) {
            offset += static_cast<std::uint64_t>(n);
            remaining -= static_cast<std::uint64_t>(n);
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            auto [wait_ec] =
                co_await socket_.async_wait(stream_protocol::socket::wait_write, deferred_tuple);
            ok = !wait_ec;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            ok = false; // n == 0: the file shrank; else the peer left
        }
    }
    clear_deadline();
    co_return ok;
}

void connection::append_error(http::status status, std::string_view reason)
{
    response r = response::text(std::to_string(http::to_int(status)) + " " +
                                    std::string{http::reason_phrase(status)} + ": " +
                                    std::string{reason} + "\n",
                                status);
    if (head_.method_token.empty()) {
        head_.version_minor = 1;
    }
    head_.method = http::method::unknown;
    append_response(r, false);
}

awaitable<void> connection::start_stream(response const& r,
                                         std::optional<std::uint64_t> content_length,
                                         compression::coding coding)
{
    if (stream_ != stream_mode::none) {
        throw error(errc::invalid_state, "response already prepared");
    }
    bool const chunked = !content_length && head_.version_minor == 1;
    stream_ = content_length ? stream_mode::length
              : chunked      ? stream_mode::chunked
                             : stream_mode::until_close;
    stream_left_ = content_length.value_or(0);
    bool const keep_alive = head_.keep_alive && stream_ != stream_mode::until_close && !draining_ &&
                            !r.close_requested();
    if (!keep_alive) {
        must_close_ = true;
    }
    append_head(r, content_length, chunked, keep_alive);
    if (head_.method == http::method::head || has_no_body(http::to_int(r.status()))) {
        stream_ = stream_mode::finished; // nothing may follow the head
    } else if (coding != compression::coding::identity) {
        stream_encoder_.emplace(coding);
    }
    if (!co_await flush()) {
        throw boost::system::system_error{asio::error::connection_reset};
    }
}

awaitable<void> connection::write_stream(std::string_view data)
{
    if (data.empty() || stream_ == stream_mode::finished) {
        co_return;
    }
    if (stream_encoder_) {
        coded_.clear();
        stream_encoder_->write(data, coded_);
        // Sync flush: the client can decode everything written so far (server-sent events
        // stay live), at a few bytes per piece.
        stream_encoder_->flush(coded_);
        data = coded_;
    }
    co_await write_stream_bytes(data);
}

awaitable<void> connection::write_stream_bytes(std::string_view data)
{
    if (data.empty()) {
        co_return;
    }
    if (stream_ == stream_mode::none) {
        throw error(errc::invalid_state, "write before prepare");
    }
    if (stream_ == stream_mode::length) {
        if (data.size() > stream_left_) {
            throw error(errc::invalid_argument, "write exceeds the declared Content-Length");
        }
        stream_left_ -= data.size();
    }
    if (stream_ == stream_mode::chunked) {
        char size[20];
        auto const end = std::to_chars(size, size + sizeof size, data.size(), 16).ptr;
        out_.append(size, end).append("\r\n");
        if (data.size() <= 4096) {
            out_.append(data).append("\r\n");
            data = {};
        } else if (!co_await write_now(data)) {
            throw boost::system::system_error{asio::error::connection_reset};
        } else {
            out_.append("\r\n");
            co_return; // the CRLF goes out with the next piece
        }
    } else if (data.size() <= 4096) {
        out_.append(data);
        data = {};
    }
    if (!co_await write_now(data)) {
        throw boost::system::system_error{asio::error::connection_reset};
    }
}

awaitable<void> connection::finish_stream()
{
    if (stream_encoder_) {
        // The coding's end (gzip trailer, Brotli's last block) goes before the last chunk;
        // done here, not by the handler, so a handler that just returns still sends it.
        coded_.clear();
        stream_encoder_->finish(coded_);
        stream_encoder_.reset();
        if (stream_ != stream_mode::finished) {
            co_await write_stream_bytes(coded_);
        }
        std::string{}.swap(coded_); // idle connections keep no coding buffer
    }
    switch (stream_) {
    case stream_mode::chunked:
        out_.append("0\r\n\r\n");
        break;
    case stream_mode::length:
        // A body shorter than its Content-Length cannot be completed: close, so the client
        // sees a truncated response rather than a corrupt next one.
        if (stream_left_ != 0) {
            must_close_ = true;
        }
        break;
    case stream_mode::until_close:
        must_close_ = true;
        break;
    case stream_mode::none:
    case stream_mode::finished:
        break;
    }
    if (stream_ != stream_mode::none) {
        stream_ = stream_mode::finished;
    }
    co_await flush();
}

bool connection::try_write_stream(std::string_view data)
{
    if (data.empty() || writing_ ||
        (stream_ != stream_mode::chunked && stream_ != stream_mode::until_close)) {
        return true;
    }
    if (stream_encoder_) {
        coded_.clear();
        stream_encoder_->write(data, coded_);
        stream_encoder_->flush(coded_);
        data = coded_;
    }
    if (stream_ == stream_mode::chunked) {
        char size[20];
        auto const end = std::to_chars(size, size + sizeof size, data.size(), 16).ptr;
        out_.append(size, end).append("\r\n").append(data).append("\r\n");
    } else {
        out_.append(data);
    }
    if (!direct_io_) {
        return true; // a blocking socket: the bytes go out with the next write
    }
    boost::system::error_code ec;
    std::size_t const done = socket_.write_some(asio::buffer(out_), ec);
    if (ec && ec != asio::error::would_block) {
        // EPIPE or ECONNRESET (Asio sends with MSG_NOSIGNAL): the peer has gone.
        must_close_ = true;
        out_.clear();
        return false;
    }
    out_.erase(0, done); // what the socket did not take waits in out_ for the next write
    return true;
}

awaitable<void> connection::wait_peer_closed()
{
    asio::steady_timer timer{socket_.get_executor()};
    for (;;) {
        // POLLRDHUP tells a peer's FIN apart from bytes of a next request, which must stay
        // unread for run(); the socket itself is never read here.
        pollfd p{socket_.native_handle(), POLLIN | POLLRDHUP, 0};
        int const ready = ::poll(&p, 1, 0);
        if (ready > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0) {
            co_return;
        }
        boost::system::error_code ec;
        if (ready > 0 && (p.revents & POLLIN) != 0) {
            // Unread bytes keep the socket readable, so readiness says nothing more: look again
            // in a while.
            timer.expires_after(std::chrono::milliseconds{250});
            std::tie(ec) = co_await timer.async_wait(deferred_tuple);
        } else {
            std::tie(ec) =
                co_await socket_.async_wait(stream_protocol::socket::wait_read, deferred_tuple);
        }
        if (ec == asio::error::operation_aborted && !expired_) {
            throw boost::system::system_error{ec}; // cancellation: shutdown, not a departure
        }
        if (ec) {
            co_return; // a write timed out (the socket was cancelled), or the socket failed
        }
    }
}

awaitable<std::shared_ptr<websocket::detail::engine>>
connection::upgrade(response const& head, websocket::options const& options,
                    websocket::detail::agreement const& agreed)
{
    if (websocket_ || stream_ != stream_mode::none) {
        throw error(errc::invalid_state, "response already prepared");
    }
    using namespace std::string_view_literals;
    out_ += "HTTP/1.1 101 Switching Protocols\r\n"sv;
    for (auto const& [name, value] : head.headers()) {
        if (name.find_first_of("\r\n"sv) != std::string::npos ||
            value.find_first_of("\r\n"sv) != std::string::npos) {
            continue; // never let a field split the head
        }
        out_.append(name).append(": "sv).append(value).append("\r\n"sv);
    }
    out_.append("Server: ahttp\r\nDate: "sv).append(http_date()).append("\r\n\r\n"sv);
    if (!co_await flush()) {
        throw boost::system::system_error{asio::error::broken_pipe, "WebSocket upgrade"};
    }
    auto transport = std::make_unique<websocket_transport>(std::move(socket_));
    // Bytes behind the request's head are the client's first frames.
    std::size_t const head_end = begin_ + head_.head_size;
    transport->initial.assign(buffer_.get() + head_end, end_ - head_end);
    end_ = head_end;
    body_done_ = true;
    clear_deadline();
    auto ws = std::make_shared<websocket::detail::engine>(websocket::detail::role::server,
                                                          std::move(transport), options, agreed);
    ws->start();
    websocket_ = ws;
    co_return ws;
}

awaitable<void> connection::lingering_close()
{
    // After the last response, stop sending and drain what the client still sends for a short
    // while: closing with unread data makes the kernel send RST, which can destroy the response
    // before the client reads it.
    boost::system::error_code ec;
    socket_.shutdown(stream_protocol::socket::shutdown_send, ec);
    // Lingering protects a response on its way to the client; after a failed write there is
    // none, and a client that stopped reading is not worth another 2 s.
    if (!ec && !draining_ && !write_failed_) {
        clear_deadline();
        deadline_ = clock::now() + std::chrono::seconds{2};
        char sink[4096];
        std::size_t drained = 0;
        while (drained < std::size_t{64} * 1024) {
            auto [read_ec, n] =
                co_await socket_.async_read_some(asio::buffer(sink), deferred_tuple);
            if (read_ec || n == 0) {
                break;
            }
            drained += n;
        }
    }
    socket_.close(ec);
}

} // namespace ahttp::web::detail
