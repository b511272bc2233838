// SPDX-License-Identifier: BSL-1.0
// multipart/form-data encoding (RFC 7578, RFC 2046 §5.1).
#include "client/multipart_body.hpp"

#include <ahttp/error.hpp>

#include <fstream>
#include <random>

namespace ahttp::client::detail {
namespace {

/// Quoted-string content for Content-Disposition: '"' and CR/LF percent-encoded, as the
/// HTML form submission algorithm does (servers, aiohttp included, read it back that way).
std::string quote(std::string_view text)
{
    std::string out;
    for (char const c : text) {
        if (c == '"') {
            out += "%22";
        } else if (c == '\r') {
            out += "%0D";
        } else if (c == '\n') {
            out += "%0A";
        } else {
            out.push_back(c);
        }
    }
    return out;
}

std::string random_boundary()
{
    // Random enough that no content contains it by accident (RFC 2046 §5.1.1 asks for that).
    thread_local std::mt19937_64 engine{std::random_device{}()};
    static constexpr char digits[] = "0123456789abcdef";
    std::string b = "ahttp-";
    for (int i = 0; i < 32; ++i) {
        b.push_back(digits[engine() % 16]);
    }
    return b;
}

} // namespace

multipart_body::multipart_body(form_data form)
    : form_(std::move(form)), boundary_(random_boundary())
{
    bool first = true;
    for (form_data::part const& p : form_.parts()) {
        piece next;
        next.head = first ? "--" : "\r\n--";
        first = false;
        next.head.append(boundary_).append("\r\nContent-Disposition: form-data; name=\"");
        next.head.append(quote(p.name)).push_back('"');
        if (!p.filename.empty() || !p.file.empty()) {
            next.head.append("; filename=\"").append(quote(p.filename)).push_back('"');
        }
        next.head.append("\r\n");
        if (!p.content_type.empty()) {
            if (p.content_type.find_first_of("\r\n") != std::string::npos) {
                throw ahttp::error{errc::invalid_argument, "multipart Content-Type with CR/LF"};
            }
            next.head.append("Content-Type: ").append(p.content_type).append("\r\n");
        }
        next.head.append("\r\n");
        if (!p.file.empty()) {
            std::error_code ec;
            next.size = std::filesystem::file_size(p.file, ec);
            if (ec || !std::filesystem::is_regular_file(p.file)) {
                throw ahttp::error{errc::invalid_argument,
                                   "cannot read file " + p.file.string() + " for the form"};
            }
        } else {
            next.size = p.value.size();
        }
        content_length_ += next.head.size() + next.size;
        pieces_.push_back(std::move(next));
    }
    tail_ = (first ? "--" : "\r\n--") + boundary_ + "--\r\n";
    content_length_ += tail_.size();
}

awaitable<error_code> multipart_body::write(connection& conn) const
{
    // Small pieces are gathered into one buffer; file contents go out 64 KiB at a time.
    constexpr std::size_t flush_at = std::size_t{64} * 1024;
    std::string out;
    out.reserve(flush_at + 4096);
    auto const& parts = form_.parts();
    for (std::size_t i = 0; i < pieces_.size(); ++i) {
        out.append(pieces_[i].head);
        form_data::part const& p = parts[i];
        if (p.file.empty()) {
            out.append(p.value);
        } else {
            // A local file: read on the loop, as nginx and aiohttp's sendfile path do; a
            // regular file on a local disk does not block for long.
            std::ifstream in{p.file, std::ios::binary};
            std::uint64_t left = pieces_[i].size;
            while (in && left > 0) {
                std::size_t const room = flush_at + 4096 - out.size();
                std::size_t const want =
                    static_cast<std::size_t>(std::min<std::uint64_t>(left, room));
                std::size_t const old = out.size();
                out.resize(old + want);
                in.read(out.data() + old, static_cast<std::streamsize>(want));
                auto const got = static_cast<std::size_t>(in.gcount());
                out.resize(old + got);
                left -= got;
                if (out.size() >= flush_at) {
                    if (error_code const ec = co_await conn.write(out)) {
                        co_return ec;
                    }
                    out.clear();
                }
            }
            if (left != 0) {
                co_return make_error_code(errc::invalid_state); // the file shrank meanwhile
            }
        }
        if (out.size() >= flush_at) {
            if (error_code const ec = co_await conn.write(out)) {
                co_return ec;
            }
            out.clear();
        }
    }
    out.append(tail_);
    co_return co_await conn.write(out);
}

} // namespace ahttp::client::detail
