// SPDX-License-Identifier: BSL-1.0
// Streaming compressors: zlib's deflate (gzip and zlib wrappers) and libbrotlienc.
#include "compression/encoder.hpp"

#include <ahttp/error.hpp>

#include <algorithm>
#include <brotli/encode.h>
#include <limits>
#include <new>
#include <zlib.h>

namespace ahttp::compression {

struct encoder::impl {
    virtual ~impl() = default;
    virtual void write(std::string_view data, std::string& out) = 0;
    virtual void flush(std::string& out) = 0;
    virtual void finish(std::string& out) = 0;
};

namespace {

// Room given to the codec per step: the string's spare capacity (compress() reserves the
// worst case up front), at least 4 KiB, at most 256 KiB so small writes stay cheap.
std::size_t room_for(std::string const& out) noexcept
{
    return std::clamp<std::size_t>(out.capacity() - out.size(), 4096, std::size_t{256} * 1024);
}

class copy_encoder final : public encoder::impl {
public:
    void write(std::string_view data, std::string& out) override { out.append(data); }
    void flush(std::string&) override {}
    void finish(std::string&) override {}
};

class zlib_encoder final : public encoder::impl {
public:
    zlib_encoder(coding c, encoder_options const& options)
    {
        // RFC 9110 §8.4.1.2: HTTP's "deflate" is the zlib format (RFC 1950), not raw deflate;
        // windowBits 15 + 16 asks zlib for the gzip wrapper (RFC 1952) instead.
        int const window_bits = c == coding::gzip ? 15 + 16 : 15;
        int const level = options.level < 0 ? Z_DEFAULT_COMPRESSION : std::min(options.level, 9);
        int const rc =
            deflateInit2(&stream_, level, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY);
        if (rc == Z_MEM_ERROR) {
            throw std::bad_alloc{};
        }
        if (rc != Z_OK) {
            throw error(errc::invalid_argument, "deflateInit2 failed");
        }
    }
    ~zlib_encoder() override { deflateEnd(&stream_); }
    zlib_encoder(zlib_encoder const&) = delete;
    zlib_encoder& operator=(zlib_encoder const&) = delete;

    void write(std::string_view data, std::string& out) override { run(data, Z_NO_FLUSH, out); }
    void flush(std::string& out) override { run({}, Z_SYNC_FLUSH, out); }
    void finish(std::string& out) override
    {
        out.reserve(out.size() + deflateBound(&stream_, 0));
        run({}, Z_FINISH, out);
    }

private:
    void run(std::string_view data, int mode, std::string& out)
    {
        // avail_in is 32 bits: feed larger inputs in slices, flushing only after the last.
        constexpr std::size_t max_slice = std::size_t{1} << 30;
        do {
            std::size_t const slice = std::min(data.size(), max_slice);
            bool const last = slice == data.size();
            int const flush = last ? mode : Z_NO_FLUSH;
            stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
            stream_.avail_in = static_cast<uInt>(slice);
            for (;;) {
                std::size_t const before = out.size();
                std::size_t const room = room_for(out);
                out.resize(before + room);
                stream_.next_out = reinterpret_cast<Bytef*>(out.data() + before);
                stream_.avail_out = static_cast<uInt>(room);
                int const rc = deflate(&stream_, flush);
                out.resize(out.size() - stream_.avail_out);
                if (rc == Z_STREAM_END) {
                    break;
                }
                // Z_BUF_ERROR means no progress was possible: e.g. a flush with nothing new.
                if (rc != Z_OK && rc != Z_BUF_ERROR) {
                    throw error(errc::invalid_state, "deflate failed");
                }
                bool const output_full = stream_.avail_out == 0;
                if (stream_.avail_in == 0 && !output_full && flush != Z_FINISH) {
                    break; // all consumed, and for a sync flush all emitted
                }
                if (rc == Z_BUF_ERROR && !output_full) {
                    break;
                }
            }
            data.remove_prefix(slice);
        } while (!data.empty());
    }

    z_stream stream_{};
};

class brotli_encoder final : public encoder::impl {
public:
    explicit brotli_encoder(encoder_options const& options)
        : state_(BrotliEncoderCreateInstance(nullptr, nullptr, nullptr))
    {
        if (state_ == nullptr) {
            throw std::bad_alloc{};
        }
        std::uint32_t const quality =
            options.level < 0
                ? 5u
                : static_cast<std::uint32_t>(std::min(options.level, BROTLI_MAX_QUALITY));
        BrotliEncoderSetParameter(state_, BROTLI_PARAM_QUALITY, quality);
        if (options.size_hint > 0) {
            auto const hint = std::min<std::size_t>(options.size_hint, 1u << 30);
            BrotliEncoderSetParameter(state_, BROTLI_PARAM_SIZE_HINT,
                                      static_cast<std::uint32_t>(hint));
        }
    }
    ~brotli_encoder() override { BrotliEncoderDestroyInstance(state_); }
    brotli_encoder(brotli_encoder const&) = delete;
    brotli_encoder& operator=(brotli_encoder const&) = delete;

    void write(std::string_view data, std::string& out) override
    {
        run(BROTLI_OPERATION_PROCESS, data, out);
    }
    void flush(std::string& out) override { run(BROTLI_OPERATION_FLUSH, {}, out); }
    void finish(std::string& out) override { run(BROTLI_OPERATION_FINISH, {}, out); }

private:
    void run(BrotliEncoderOperation op, std::string_view data, std::string& out)
    {
        std::size_t available_in = data.size();
        auto const* next_in = reinterpret_cast<std::uint8_t const*>(data.data());
        for (;;) {
            // No output buffer of ours: the encoder keeps its output, and we copy it out with
            // BrotliEncoderTakeOutput (no zero-filled scratch space, no guessing its size).
            std::size_t available_out = 0;
            if (!BrotliEncoderCompressStream(state_, op, &available_in, &next_in, &available_out,
                                             nullptr, nullptr)) {
                throw error(errc::invalid_state, "BrotliEncoderCompressStream failed");
            }
            // A flush is complete once a call leaves no input and no output behind (encode.h);
            // the encoder stops early whenever it has output waiting, so call again until then.
            bool const had_output = BrotliEncoderHasMoreOutput(state_) != 0;
            while (BrotliEncoderHasMoreOutput(state_)) {
                std::size_t size = 0;
                auto const* bytes = BrotliEncoderTakeOutput(state_, &size);
                out.append(reinterpret_cast<char const*>(bytes), size);
            }
            bool done = available_in == 0;
            if (op == BROTLI_OPERATION_FLUSH) {
                done = done && !had_output;
            } else if (op == BROTLI_OPERATION_FINISH) {
                done = BrotliEncoderIsFinished(state_) != 0;
            }
            if (done) {
                return;
            }
        }
    }

    BrotliEncoderState* state_;
};

std::unique_ptr<encoder::impl> make_impl(coding c, encoder_options const& options)
{
    switch (c) {
    case coding::gzip:
    case coding::deflate:
        return std::make_unique<zlib_encoder>(c, options);
    case coding::br:
        return std::make_unique<brotli_encoder>(options);
    case coding::identity:
        break;
    }
    return std::make_unique<copy_encoder>();
}

} // namespace

encoder::encoder(coding c, encoder_options const& options)
    : impl_(make_impl(c, options)), coding_(c)
{
}

encoder::~encoder() = default;
encoder::encoder(encoder&&) noexcept = default;
encoder& encoder::operator=(encoder&&) noexcept = default;

void encoder::write(std::string_view data, std::string& out)
{
    if (finished_) {
        throw error(errc::invalid_state, "encoder::write after finish");
    }
    if (!data.empty()) {
        impl_->write(data, out);
    }
}

void encoder::flush(std::string& out)
{
    if (finished_) {
        throw error(errc::invalid_state, "encoder::flush after finish");
    }
    impl_->flush(out);
}

void encoder::finish(std::string& out)
{
    if (finished_) {
        return;
    }
    finished_ = true;
    impl_->finish(out);
}

std::string compress(coding c, std::string_view data, encoder_options const& options)
{
    encoder_options sized = options;
    if (sized.size_hint == 0) {
        sized.size_hint = data.size();
    }
    encoder e{c, sized};
    std::string out;
    // Worst case for zlib is a little over the input; Brotli's bound is similar.
    out.reserve(data.size() + data.size() / 1000 + 64);
    e.write(data, out);
    e.finish(out);
    return out;
}

} // namespace ahttp::compression
