// SPDX-License-Identifier: BSL-1.0
// Size-capped streaming decompressors: zlib's inflate (gzip, zlib and raw deflate) and
// libbrotlidec.
#include "compression/decoder.hpp"

#include <algorithm>
#include <brotli/decode.h>
#include <limits>
#include <new>
#include <zlib.h>

namespace ahttp::compression {

namespace {

class decode_category_impl final : public boost::system::error_category {
public:
    char const* name() const noexcept override { return "ahttp.compression"; }

    std::string message(int value) const override
    {
        switch (static_cast<decode_errc>(value)) {
        case decode_errc::corrupt:
            return "corrupt compressed data";
        case decode_errc::too_large:
            return "decompressed data exceeds the size limit";
        case decode_errc::truncated:
            return "compressed data ends prematurely";
        }
        return "unknown decompression error";
    }

    bool equivalent(int value,
                    boost::system::error_condition const& condition) const noexcept override
    {
        if (static_cast<decode_errc>(value) == decode_errc::too_large) {
            return condition == std::errc::value_too_large ||
                   condition == make_error_code(errc::payload_too_large).default_error_condition();
        }
        return condition == std::errc::illegal_byte_sequence ||
               condition == make_error_code(errc::bad_request).default_error_condition();
    }
};

// Output given to the codec per step: enough to make progress, small enough that going past
// the cap is noticed within one step.
constexpr std::size_t step_size = std::size_t{64} * 1024;

} // namespace

boost::system::error_category const& decode_category() noexcept
{
    static decode_category_impl const category;
    return category;
}

struct decoder::impl {
    virtual ~impl() = default;
    /// Decodes into [dst, dst + room); returns bytes written. Sets `consumed` to the input
    /// bytes used. An error stops decoding.
    virtual std::size_t step(std::string_view in, std::size_t& consumed, char* dst,
                             std::size_t room, error_code& ec) = 0;
    /// True when the coded stream has ended.
    virtual bool done() const noexcept = 0;
};

namespace {

class copy_decoder final : public decoder::impl {
public:
    std::size_t step(std::string_view in, std::size_t& consumed, char* dst, std::size_t room,
                     error_code&) override
    {
        std::size_t const n = std::min(in.size(), room);
        std::copy_n(in.data(), n, dst);
        consumed = n;
        return n;
    }
    bool done() const noexcept override { return true; }
};

class zlib_decoder final : public decoder::impl {
public:
    explicit zlib_decoder(coding c) : gzip_(c == coding::gzip) {}
    ~zlib_decoder() override
    {
        if (initialized_) {
            inflateEnd(&stream_);
        }
    }
    zlib_decoder(zlib_decoder const&) = delete;
    zlib_decoder& operator=(zlib_decoder const&) = delete;

    std::size_t step(std::string_view in, std::size_t& consumed, char* dst, std::size_t room,
                     error_code& ec) override
    {
        consumed = 0;
        if (!initialized_) {
            if (!gzip_ && in.empty()) {
                return 0;
            }
            if (!gzip_ && !has_first_ && in.size() < 2) {
                // Keep the lone first byte: the next one decides the format.
                first_ = in[0];
                has_first_ = true;
                consumed = 1;
                return 0;
            }
            if (!init(in)) {
                ec = decode_errc::corrupt;
                return 0;
            }
        }
        if (in.empty()) {
            if (ended_) {
                return 0;
            }
        } else if (ended_) {
            // RFC 1952 §2.2: a gzip file is a series of members; anything else is garbage.
            if (!gzip_ || static_cast<unsigned char>(in[0]) != 0x1f) {
                ec = decode_errc::corrupt;
                return 0;
            }
            inflateReset(&stream_);
            ended_ = false;
        }
        std::size_t const slice = std::min<std::size_t>(in.size(), 1u << 30);
        stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
        stream_.avail_in = static_cast<uInt>(slice);
        stream_.next_out = reinterpret_cast<Bytef*>(dst);
        stream_.avail_out = static_cast<uInt>(std::min<std::size_t>(room, 1u << 30));
        int const rc = inflate(&stream_, Z_NO_FLUSH);
        consumed = slice - stream_.avail_in;
        std::size_t const produced = std::min<std::size_t>(room, 1u << 30) - stream_.avail_out;
        switch (rc) {
        case Z_STREAM_END:
            ended_ = true;
            break;
        case Z_OK:
        case Z_BUF_ERROR: // no progress: needs more input (or more room)
            break;
        case Z_MEM_ERROR:
            throw std::bad_alloc{};
        default: // Z_DATA_ERROR, Z_NEED_DICT, Z_STREAM_ERROR
            ec = decode_errc::corrupt;
            break;
        }
        return produced;
    }

    bool done() const noexcept override { return ended_; }

private:
    bool init(std::string_view in)
    {
        int window_bits = 15 + 16;
        if (!gzip_) {
            // RFC 9110 §8.4.1.2: "deflate" is zlib-wrapped, but some servers send raw deflate
            // (RFC 1951). A zlib header is CMF FLG with CM = 8 and (CMF * 256 + FLG) % 31 == 0.
            auto const cmf = static_cast<unsigned char>(has_first_ ? first_ : in[0]);
            auto const flg = static_cast<unsigned char>(has_first_ ? in[0] : in[1]);
            bool const zlib_header = (cmf & 0x0f) == 8 && (cmf * 256 + flg) % 31 == 0;
            window_bits = zlib_header ? 15 : -15;
        }
        int const rc = inflateInit2(&stream_, window_bits);
        if (rc == Z_MEM_ERROR) {
            throw std::bad_alloc{};
        }
        if (rc != Z_OK) {
            return false;
        }
        initialized_ = true;
        if (has_first_) {
            // Feed the kept byte; it only starts the header, so it yields no output.
            stream_.next_in = reinterpret_cast<Bytef*>(&first_);
            stream_.avail_in = 1;
            Bytef sink = 0;
            stream_.next_out = &sink;
            stream_.avail_out = 1;
            int const step = inflate(&stream_, Z_NO_FLUSH);
            if (step != Z_OK && step != Z_BUF_ERROR) {
                return false;
            }
        }
        return true;
    }

    z_stream stream_{};
    bool gzip_;
    bool initialized_ = false;
    bool ended_ = false;
    bool has_first_ = false;
    char first_ = 0;
};

class brotli_decoder final : public decoder::impl {
public:
    brotli_decoder() : state_(BrotliDecoderCreateInstance(nullptr, nullptr, nullptr))
    {
        if (state_ == nullptr) {
            throw std::bad_alloc{};
        }
    }
    ~brotli_decoder() override { BrotliDecoderDestroyInstance(state_); }
    brotli_decoder(brotli_decoder const&) = delete;
    brotli_decoder& operator=(brotli_decoder const&) = delete;

    std::size_t step(std::string_view in, std::size_t& consumed, char* dst, std::size_t room,
                     error_code& ec) override
    {
        consumed = 0;
        if (ended_) {
            if (!in.empty()) {
                ec = decode_errc::corrupt; // bytes after the last meta-block
            }
            return 0;
        }
        std::size_t available_in = in.size();
        auto const* next_in = reinterpret_cast<std::uint8_t const*>(in.data());
        std::size_t available_out = room;
        auto* next_out = reinterpret_cast<std::uint8_t*>(dst);
        auto const rc = BrotliDecoderDecompressStream(state_, &available_in, &next_in,
                                                      &available_out, &next_out, nullptr);
        consumed = in.size() - available_in;
        switch (rc) {
        case BROTLI_DECODER_RESULT_SUCCESS:
            ended_ = true;
            break;
        case BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT:
        case BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT:
            break;
        case BROTLI_DECODER_RESULT_ERROR:
            if (BrotliDecoderGetErrorCode(state_) <= BROTLI_DECODER_ERROR_ALLOC_CONTEXT_MODES &&
                BrotliDecoderGetErrorCode(state_) >= BROTLI_DECODER_ERROR_ALLOC_BLOCK_TYPE_TREES) {
                throw std::bad_alloc{};
            }
            ec = decode_errc::corrupt;
            break;
        }
        return room - available_out;
    }

    bool done() const noexcept override { return ended_; }

private:
    BrotliDecoderState* state_;
    bool ended_ = false;
};

std::unique_ptr<decoder::impl> make_impl(coding c)
{
    switch (c) {
    case coding::gzip:
    case coding::deflate:
        return std::make_unique<zlib_decoder>(c);
    case coding::br:
        return std::make_unique<brotli_decoder>();
    case coding::identity:
        break;
    }
    return std::make_unique<copy_decoder>();
}

} // namespace

decoder::decoder(coding c, std::size_t max_output)
    : impl_(make_impl(c)), coding_(c), max_output_(max_output)
{
}

decoder::~decoder() = default;
decoder::decoder(decoder&&) noexcept = default;
decoder& decoder::operator=(decoder&&) noexcept = default;

bool decoder::is_done() const noexcept
{
    return !failed_ && impl_->done();
}

error_code decoder::write(std::string_view data, std::string& out)
{
    if (failed_) {
        return failed_;
    }
    total_in_ += data.size();
    for (;;) {
        // One byte more than the cap allows, so that reaching past it is seen.
        std::size_t const allowed = max_output_ - total_out_;
        std::size_t const room = allowed >= step_size ? step_size : allowed + 1;
        std::size_t const before = out.size();
        out.resize(before + room);
        std::size_t consumed = 0;
        error_code ec;
        std::size_t produced = impl_->step(data, consumed, out.data() + before, room, ec);
        out.resize(before + produced);
        total_out_ += produced;
        data.remove_prefix(consumed);
        // Past the cap is too large even when the same step also found the data corrupt (the
        // codec may read on to a bad block header after filling the room): the verdict must
        // not depend on how the input was split, and split input sees the cap first.
        if (total_out_ > max_output_) {
            ec = decode_errc::too_large;
        }
        if (ec) {
            failed_ = ec;
            return ec;
        }
        // Done with this input once it is all consumed and the codec had room to spare (so
        // nothing is left pending inside it), or when it cannot move (waiting for input).
        bool const output_full = produced == room;
        if ((data.empty() && !output_full) || (consumed == 0 && produced == 0)) {
            break;
        }
    }
    return {};
}

error_code decoder::finish()
{
    if (failed_) {
        return failed_;
    }
    // An empty body is an empty representation, whatever Content-Encoding claims.
    if (total_in_ == 0 || impl_->done()) {
        return {};
    }
    failed_ = decode_errc::truncated;
    return failed_;
}

result<std::string> decompress(coding c, std::string_view data, std::size_t max_output)
{
    decoder d{c, max_output};
    std::string out;
    if (auto ec = d.write(data, out)) {
        return ec;
    }
    if (auto ec = d.finish()) {
        return ec;
    }
    return out;
}

} // namespace ahttp::compression
