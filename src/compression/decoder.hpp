// SPDX-License-Identifier: BSL-1.0
// Streaming decompressors for gzip, deflate and br with a cap on the decoded size, so that a
// small hostile body cannot expand into gigabytes (a "zip bomb").
#pragma once

#include "compression/coding.hpp"

#include <ahttp/error.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace ahttp::compression {

/// Why a decoder gave up.
enum class decode_errc {
    corrupt = 1, ///< not valid data in the coding (bad header, checksum, trailing garbage)
    too_large,   ///< the decoded size would exceed the decoder's max_output
    truncated,   ///< the input ended before the coded stream did
};

} // namespace ahttp::compression

namespace boost::system {
template <>
struct is_error_code_enum<ahttp::compression::decode_errc> : std::true_type {
};
} // namespace boost::system

namespace ahttp::compression {

/// The error category of decode_errc ("ahttp.compression"). too_large is equivalent to
/// ahttp::errc::payload_too_large and std::errc::value_too_large; corrupt and truncated to
/// ahttp::errc::bad_request and std::errc::illegal_byte_sequence.
boost::system::error_category const& decode_category() noexcept;

inline boost::system::error_code make_error_code(decode_errc e) noexcept
{
    return {static_cast<int>(e), decode_category()};
}

/// A failed decompression, for callers that turn a decoder's error code into an exception.
class decode_error : public ahttp::error {
public:
    explicit decode_error(decode_errc reason, std::string const& what = "content decoding failed")
        : ahttp::error(make_error_code(reason), what)
    {
    }
    decode_errc reason() const noexcept { return static_cast<decode_errc>(code().value()); }
};

/// Decompresses a stream piece by piece, appending the decoded bytes to `out`, and fails
/// with decode_errc::too_large as soon as the total would pass `max_output`: memory use is
/// bounded by max_output plus one internal step (64 KiB), whatever the input claims.
///
/// `deflate` accepts both the zlib format (RFC 1950, correct for HTTP) and raw deflate
/// (RFC 1951, which some servers send). `gzip` accepts concatenated members (RFC 1952 §2.2).
/// An empty input is not an error: it decodes to nothing (bodies of HEAD, 204 and 304 carry
/// Content-Encoding without content). `identity` copies its input (still capped).
/// After an error the decoder stays failed and returns the same code.
class decoder {
public:
    /// @throws std::bad_alloc when the codec cannot allocate its state.
    decoder(coding c, std::size_t max_output);
    ~decoder();
    decoder(decoder&&) noexcept;
    decoder& operator=(decoder&&) noexcept;

    coding kind() const noexcept { return coding_; }

    /// Decodes `data`, appending what it yields to `out`. Data after the end of the coded
    /// stream is an error (corrupt), except further gzip members.
    [[nodiscard]] error_code write(std::string_view data, std::string& out);
    /// Checks that the coded stream ended: truncated if it stopped midway.
    [[nodiscard]] error_code finish();
    /// True once the end of the coded stream has been seen.
    bool is_done() const noexcept;
    /// Decoded bytes so far.
    std::size_t total_out() const noexcept { return total_out_; }

    struct impl; // the codec behind the coding (zlib, Brotli or a copy)

private:
    std::unique_ptr<impl> impl_;
    coding coding_;
    std::size_t max_output_;
    std::size_t total_out_ = 0;
    std::size_t total_in_ = 0;
    error_code failed_;
};

/// Returns `data` decoded with `c`, or the reason it could not be (see decoder).
result<std::string> decompress(coding c, std::string_view data, std::size_t max_output);

} // namespace ahttp::compression
