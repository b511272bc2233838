// SPDX-License-Identifier: BSL-1.0
// Client connection I/O and its deadline.
#include "client/connection.hpp"
#include "client/readable_read.hpp"
#include "hot_path.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <cstring>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <tuple>

namespace ahttp::client::detail {
namespace {

namespace asio = boost::asio;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
/// For the per-request reads and writes: co_await on a deferred operation starts it without
/// the extra coroutine frame that use_awaitable's initiation allocates.
constexpr auto deferred_tuple = asio::as_tuple(asio::deferred);

/// Read size: large enough for a typical response in one recv(), small enough to keep idle
/// pooled connections cheap (the buffer shrinks back when a body was large).
constexpr std::size_t read_size = std::size_t{16} * 1024;

} // namespace

AHTTP_HOT_PATH deadline deadline::after(clock::duration d, timeout_phase phase) noexcept
{
    if (d == clock::duration::max()) {
        return {};
    }
    return after(d, phase, clock::now());
}

AHTTP_HOT_PATH deadline deadline::after(clock::duration d, timeout_phase phase,
                                        clock::time_point now) noexcept
{
    if (d == clock::duration::max()) {
        return {};
    }
    // Saturate instead of overflowing for very long timeouts.
    auto const at = d >= clock::time_point::max() - now ? clock::time_point::max() : now + d;
    return {at, phase};
}

connection::connection(stream_socket socket, std::string pool_key)
    : socket_(std::move(socket)), reactor_(&reactor_of(socket_)), timer_(socket_.get_executor()),
      pool_key_(std::move(pool_key))
{
}

connection::~connection()
{
    close();
}

void connection::close() noexcept
{
    error_code ec;
    socket_.close(ec);
    timer_.cancel();
    timer_armed_ = false;
}

void connection::hand_back_write(std::string_view rest, error_code ec) noexcept
{
    handed_back_ = unsent_write{rest, ec};
    error_code ignored;
    socket_.cancel(ignored); // the request's pending read completes with operation_aborted
}

AHTTP_HOT_PATH std::optional<connection::unsent_write> connection::take_handed_back() noexcept
{
    std::optional<unsent_write> taken = handed_back_;
    handed_back_.reset();
    return taken;
}

AHTTP_HOT_PATH void connection::consume(std::size_t n) noexcept
{
    // Only the offset moves: views handed out from buffered() stay intact until the next
    // read_more() (even clear() would write a NUL over their first byte).
    in_begin_ += n;
}

AHTTP_HOT_PATH asio::mutable_buffer connection::prepare_read()
{
    // Compact first: keep unconsumed bytes at the front so the buffer does not creep.
    if (in_begin_ != 0) {
        std::memmove(in_.get(), in_.get() + in_begin_, in_end_ - in_begin_);
        in_end_ -= in_begin_;
        in_begin_ = 0;
    }
    if (in_capacity_ - in_end_ < read_size) {
        std::size_t const capacity = std::max(in_capacity_ * 2, in_end_ + read_size);
        auto grown = std::make_unique_for_overwrite<char[]>(capacity);
        if (in_end_ != 0) {
            std::memcpy(grown.get(), in_.get(), in_end_);
        }
        in_ = std::move(grown);
        in_capacity_ = capacity;
    }
    return asio::buffer(in_.get() + in_end_, in_capacity_ - in_end_);
}

AHTTP_HOT_PATH error_code connection::commit_read(error_code ec, std::size_t n) noexcept
{
    in_end_ += n;
    if (!ec && n == 0) {
        ec = asio::error::eof;
    }
    if (ec && expired_) {
        ec = asio::error::operation_aborted;
    }
    return ec;
}

awaitable<error_code> connection::read_more()
{
    auto const into = prepare_read();
    error_code ec;
    std::size_t n = 0;
    if (tls_) {
        std::tie(ec, n) = co_await tls_->async_read_some(into, deferred_tuple);
    } else {
        std::tie(ec, n) = co_await socket_.async_read_some(into, deferred_tuple);
    }
    co_return commit_read(ec, n);
}

awaitable<error_code> connection::write(std::string_view data)
{
    error_code ec;
    if (tls_) {
        std::tie(ec, std::ignore) =
            co_await asio::async_write(*tls_, asio::buffer(data), deferred_tuple);
    } else {
        std::tie(ec, std::ignore) =
            co_await asio::async_write(socket_, asio::buffer(data), deferred_tuple);
    }
    if (ec && expired_) {
        ec = asio::error::operation_aborted;
    }
    co_return ec;
}

awaitable<error_code> connection::handshake(asio::ssl::context& context, std::string const& host,
                                            bool verify, std::string& reason)
{
    tls_ = std::make_unique<asio::ssl::stream<stream_socket&>>(socket_, context);
    SSL* const ssl = tls_->native_handle();
    error_code ec;
    (void)asio::ip::make_address(host, ec);
    bool const is_ip = !ec;
    if (!is_ip) {
        // SNI carries DNS names only (RFC 6066 §3).
        SSL_set_tlsext_host_name(ssl, host.c_str());
    }
    if (verify) {
        tls_->set_verify_mode(asio::ssl::verify_peer);
        // OpenSSL's own name check (RFC 6125), so a mismatch is reported as such by the
        // verify result rather than as an anonymous callback failure.
        X509_VERIFY_PARAM* const param = SSL_get0_param(ssl);
        if (is_ip) {
            X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
        } else {
            X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
            X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
        }
    } else {
        tls_->set_verify_mode(asio::ssl::verify_none);
    }
    auto [hs] = co_await tls_->async_handshake(asio::ssl::stream_base::client, use_tuple);
    if (hs == asio::error::operation_aborted) {
        throw boost::system::system_error{hs}; // lets a surrounding wait_for see it
    }
    if (hs) {
        long const verify_result = SSL_get_verify_result(ssl);
        if (verify && verify_result != X509_V_OK) {
            reason = X509_verify_cert_error_string(verify_result);
        } else if (hs == asio::error::eof || hs == asio::ssl::error::stream_truncated) {
            reason = "the server closed the connection during the TLS handshake";
        } else {
            reason = hs.message();
        }
    }
    co_return hs;
}

AHTTP_HOT_PATH void connection::set_deadline(deadline d)
{
    deadline_ = d;
    expired_ = false;
    if (d.at == clock::time_point::max()) {
        return; // an armed timer finds no deadline when it fires and stops
    }
    // Lazy re-arming: a timer already due at or before the new deadline stays; when it fires
    // it re-arms for the real deadline. Pushing a deadline later (each read) costs nothing.
    if (timer_armed_ && timer_at_ <= d.at) {
        return;
    }
    arm_timer();
}

void connection::arm_timer()
{
    timer_at_ = deadline_.at;
    if (timer_armed_) {
        timer_.cancel(); // the old wait completes with operation_aborted and does nothing
    }
    timer_armed_ = true;
    timer_.expires_at(timer_at_);
    // The generation tells a cancelled wait (which still completes) from the current one.
    timer_.async_wait([weak = weak_from_this(), generation = ++timer_generation_](error_code ec) {
        auto self = weak.lock();
        if (self && self->timer_generation_ == generation) {
            self->on_timer(ec);
        }
    });
}

void connection::on_timer(error_code ec)
{
    timer_armed_ = false;
    if (ec || deadline_.at == clock::time_point::max()) {
        return;
    }
    if (clock::now() < deadline_.at) {
        arm_timer(); // the deadline moved later since the timer was set
        return;
    }
    expired_ = true;
    error_code ignored;
    socket_.cancel(ignored); // the pending read or write completes with operation_aborted
}

AHTTP_HOT_PATH bool connection::is_reusable_now(bool peek) noexcept
{
    if (!socket_.is_open() || in_begin_ != in_end_) {
        return false; // bytes nobody asked for: the stream is out of step
    }
    in_begin_ = 0;
    in_end_ = 0;
    if (peek) {
        char probe;
        ssize_t const n =
            ::recv(socket_.native_handle(), &probe, 1, MSG_PEEK | MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
            return false; // 0: the server closed it; >0: unsolicited data; else broken
        }
    }
    if (in_capacity_ > 4 * read_size) {
        in_.reset(); // a large body grew it: idle connections stay small
        in_capacity_ = 0;
    }
    return true;
}

AHTTP_HOT_PATH std::size_t connection::write_now(std::string_view data, error_code& ec) noexcept
{
    if (tls_ || !socket_.is_open() || data.empty()) {
        return 0;
    }
    ssize_t const n =
        ::send(socket_.native_handle(), data.data(), data.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n >= 0) {
        return static_cast<std::size_t>(n);
    }
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        ec = error_code{errno, boost::system::system_category()};
    }
    return 0;
}

} // namespace ahttp::client::detail
