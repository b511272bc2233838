// SPDX-License-Identifier: BSL-1.0
// Streaming compressors for gzip, deflate (zlib format) and br, over zlib and libbrotlienc.
#pragma once

#include "compression/coding.hpp"

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace ahttp::compression {

/// How hard an encoder works.
struct encoder_options {
    /// zlib level 0–9 for gzip/deflate, Brotli quality 0–11 for br; -1 picks the default
    /// (zlib's 6; Brotli 5, a common on-the-fly choice: 11 is for precompressed files).
    int level = -1;
    /// The total input size if known (0 = unknown); lets Brotli size its window.
    std::size_t size_hint = 0;
};

/// Compresses a stream piece by piece; every call appends what it produced to `out`.
///
/// Call write() for each piece, flush() when the receiver must be able to decode everything
/// written so far (Z_SYNC_FLUSH, Brotli FLUSH: each costs a few bytes), and finish() once.
/// `identity` copies its input unchanged.
/// @par Example
///   compression::encoder gzip{compression::coding::gzip};
///   std::string out;
///   gzip.write("hello ", out);
///   gzip.write("world", out);
///   gzip.finish(out);   // out is now a complete gzip member
class encoder {
public:
    /// @throws std::bad_alloc when the codec cannot allocate its state.
    explicit encoder(coding c, encoder_options const& options = {});
    ~encoder();
    encoder(encoder&&) noexcept;
    encoder& operator=(encoder&&) noexcept;

    coding kind() const noexcept { return coding_; }

    /// Compresses `data`, appending whatever output is ready (possibly nothing) to `out`.
    /// @throws ahttp::error (invalid_state) after finish().
    void write(std::string_view data, std::string& out);
    /// Appends everything needed to decode all input written so far.
    /// @throws ahttp::error (invalid_state) after finish().
    void flush(std::string& out);
    /// Ends the stream (trailer included). Later calls do nothing.
    void finish(std::string& out);
    /// True once finish() has run.
    bool is_finished() const noexcept { return finished_; }

    struct impl; // the codec behind the coding (zlib, Brotli or a copy)

private:
    std::unique_ptr<impl> impl_;
    coding coding_;
    bool finished_ = false;
};

/// Returns `data` compressed with `c` in one go.
std::string compress(coding c, std::string_view data, encoder_options const& options = {});

} // namespace ahttp::compression
