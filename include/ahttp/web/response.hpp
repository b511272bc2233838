// SPDX-License-Identifier: BSL-1.0
// web::response: what a handler returns — a status, headers and a body.
#pragma once

#include <ahttp/http/headers.hpp>
#include <ahttp/http/status.hpp>

#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ahttp::web {

namespace detail {
struct file_body; // the file behind a file_response (src/web/file_body.hpp)
} // namespace detail

/// Attributes of a Set-Cookie field (RFC 6265 §4.1).
struct cookie_options {
    std::string path = "/";
    std::string domain{};                          ///< empty = host-only
    std::optional<std::chrono::seconds> max_age{}; ///< nullopt = session cookie
    bool secure = false;
    bool http_only = false;
    std::string same_site{}; ///< "Strict", "Lax", "None" or empty
};

/// A content coding the server can apply to a response body (aiohttp's ContentCoding).
/// `deflate` is the zlib format, which is what HTTP's "deflate" means (RFC 9110 §8.4.1.2).
enum class content_coding : unsigned char { identity, deflate, gzip, br };

/// A complete response. Content-Length, Date and Connection are written by the server;
/// anything set in headers() is sent as given.
class response {
public:
    explicit response(http::status code = http::status::ok) : status_(code) {}

    /// Returns a text response (Content-Type: text/plain; charset=utf-8 unless `content_type`).
    static response text(std::string body, http::status code = http::status::ok,
                         std::string_view content_type = "text/plain; charset=utf-8");
    /// Returns a binary response (application/octet-stream unless `content_type`).
    static response bytes(std::string body,
                          std::string_view content_type = "application/octet-stream",
                          http::status code = http::status::ok);
    /// Returns `serialized_json` as application/json, as is.
    static response json(std::string serialized_json, http::status code = http::status::ok);
    /// The same for a literal, which would otherwise be ambiguous between the two overloads
    /// around it: `response::json(R"({"ok":true})")` is serialized JSON, sent as is.
    static response json(char const* serialized_json, http::status code = http::status::ok)
    {
        return json(std::string{serialized_json}, code);
    }
    /// Returns `value` serialized as application/json.
    static response json(boost::json::value const& value, http::status code = http::status::ok);
    /// Returns an HTML response (text/html; charset=utf-8).
    static response html(std::string body, http::status code = http::status::ok);

    http::status status() const noexcept { return status_; }
    /// The reason phrase: the one set by set_status(), else the standard one.
    std::string_view reason() const noexcept;
    void set_status(http::status code, std::string reason = {});

    http::headers& headers() noexcept { return headers_; }
    http::headers const& headers() const noexcept { return headers_; }

    std::string const& body() const noexcept { return body_; }
    void set_body(std::string body) { body_ = std::move(body); }
    /// Sets the body and its Content-Type in one go.
    void set_body(std::string body, std::string_view content_type);

    /// Adds a Set-Cookie field.
    void set_cookie(std::string_view name, std::string_view value,
                    cookie_options const& options = {});
    /// Adds a Set-Cookie field that expires `name` at once.
    void del_cookie(std::string_view name, std::string_view path = "/",
                    std::string_view domain = {});

    /// Asks the server to compress the body with the best coding the request accepts
    /// (br, gzip or deflate; see the server guide, "Compression").
    ///
    /// The coding is chosen from Accept-Encoding by q-value, ties going to br, then gzip, then
    /// deflate; without an Accept-Encoding field nothing is compressed. The server then sets
    /// Content-Encoding, adds "Vary: Accept-Encoding" and weakens a strong ETag. It leaves
    /// alone a response that already has a Content-Encoding, a 1xx/204/304/206 response and
    /// an empty body, and sends a body uncompressed when compressing does not shrink it or it
    /// is under 64 bytes (unless the request refuses identity). A HEAD response gets the
    /// headers and Content-Length its GET would. For a stream_response, call this before
    /// prepare(); each write() is then compressed and flushed at once, and the body is
    /// chunked even if set_content_length() was called. `enable_compression(false)` undoes it.
    void enable_compression(bool on = true) noexcept
    {
        compress_ = on;
        forced_coding_ = content_coding::identity;
    }
    /// Compresses the body with `coding` whatever the request's Accept-Encoding says
    /// (aiohttp's `enable_compression(force=...)`): for clients known to decode it. The size
    /// rules are skipped and no Vary is added; Content-Encoding, status and empty-body rules
    /// above still apply. Forcing `identity` turns compression off.
    void enable_compression(content_coding coding) noexcept
    {
        compress_ = coding != content_coding::identity;
        forced_coding_ = coding;
    }
    bool compression_enabled() const noexcept { return compress_; }
    /// The coding forced by enable_compression(content_coding), or identity when the coding
    /// is negotiated (or compression is off).
    content_coding forced_coding() const noexcept { return forced_coding_; }

    /// Forces Connection: close after this response.
    void force_close() noexcept { force_close_ = true; }
    bool close_requested() const noexcept { return force_close_; }

    /// True when the handler already sent the response itself (stream_response).
    bool is_prepared() const noexcept { return prepared_; }

    /// The file sent as the body (see file_response), or nullptr.
    detail::file_body const* file_body() const noexcept { return file_.get(); }

protected:
    void mark_prepared() noexcept { prepared_ = true; }
    void set_file_body(std::shared_ptr<detail::file_body const> file) noexcept
    {
        file_ = std::move(file);
    }

private:
    http::status status_;
    std::string reason_;
    http::headers headers_;
    std::string body_;
    std::shared_ptr<detail::file_body const> file_;
    bool compress_ = false;
    content_coding forced_coding_ = content_coding::identity;
    bool force_close_ = false;
    bool prepared_ = false;
};

} // namespace ahttp::web
