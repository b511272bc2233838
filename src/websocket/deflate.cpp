// SPDX-License-Identifier: BSL-1.0
#include "http/text.hpp"
#include "websocket/deflate.hpp"

#include <ahttp/http/headers.hpp>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <new>
#include <vector>
#include <zlib.h>

namespace ahttp::websocket::detail {

namespace {

using http::iequals;
using http::detail::trim_ows;

/// Splits on `sep` outside double quotes.
std::vector<std::string_view> split(std::string_view s, char sep)
{
    std::vector<std::string_view> parts;
    bool quoted = false;
    std::size_t start = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '"') {
            quoted = !quoted;
        } else if (s[i] == sep && !quoted) {
            parts.push_back(trim_ows(s.substr(start, i - start)));
            start = i + 1;
        }
    }
    parts.push_back(trim_ows(s.substr(start)));
    return parts;
}

/// One extension's parameters, checked: known names only, no duplicates, window bits 8–15.
struct deflate_offer {
    bool server_no_context_takeover = false;
    bool client_no_context_takeover = false;
    std::optional<int> server_max_window_bits;
    bool client_max_window_bits = false; // present (with or without a value)
    std::optional<int> client_max_window_bits_value;
};

std::optional<int> window_bits(std::string_view value)
{
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
    }
    int bits = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), bits);
    if (ec != std::errc{} || end != value.data() + value.size() || value.empty() ||
        value.front() == '0' || bits < 8 || bits > 15) {
        return std::nullopt;
    }
    return bits;
}

/// Parses "permessage-deflate; a; b=1"; nullopt for another extension or a malformed one.
std::optional<deflate_offer> parse_offer(std::string_view extension)
{
    std::vector<std::string_view> items = split(extension, ';');
    if (!iequals(items[0], "permessage-deflate")) {
        return std::nullopt;
    }
    deflate_offer offer;
    bool seen_server_window = false;
    for (std::size_t i = 1; i < items.size(); ++i) {
        std::string_view item = items[i];
        std::string_view name = item;
        std::optional<std::string_view> value;
        if (auto eq = item.find('='); eq != std::string_view::npos) {
            name = trim_ows(item.substr(0, eq));
            value = trim_ows(item.substr(eq + 1));
        }
        if (iequals(name, "server_no_context_takeover") && !value &&
            !offer.server_no_context_takeover) {
            offer.server_no_context_takeover = true;
        } else if (iequals(name, "client_no_context_takeover") && !value &&
                   !offer.client_no_context_takeover) {
            offer.client_no_context_takeover = true;
        } else if (iequals(name, "server_max_window_bits") && value && !seen_server_window) {
            offer.server_max_window_bits = window_bits(*value);
            if (!offer.server_max_window_bits) {
                return std::nullopt;
            }
            seen_server_window = true;
        } else if (iequals(name, "client_max_window_bits") && !offer.client_max_window_bits) {
            offer.client_max_window_bits = true;
            if (value) {
                offer.client_max_window_bits_value = window_bits(*value);
                if (!offer.client_max_window_bits_value) {
                    return std::nullopt;
                }
            }
        } else {
            return std::nullopt;
        }
    }
    return offer;
}

constexpr std::size_t inflate_step = std::size_t{16} * 1024;
constexpr unsigned char deflate_tail[4] = {0x00, 0x00, 0xFF, 0xFF};

} // namespace

std::optional<deflate_agreement> accept_deflate_offer(std::string_view extensions_field)
{
    for (std::string_view extension : split(extensions_field, ',')) {
        std::optional<deflate_offer> offer = parse_offer(extension);
        if (!offer || (offer->server_max_window_bits && *offer->server_max_window_bits == 8)) {
            continue;
        }
        deflate_agreement agreement;
        agreement.response_field = "permessage-deflate";
        if (offer->server_no_context_takeover) {
            agreement.params.our_no_context_takeover = true;
            agreement.response_field += "; server_no_context_takeover";
        }
        if (offer->client_no_context_takeover) {
            agreement.params.their_no_context_takeover = true;
            agreement.response_field += "; client_no_context_takeover";
        }
        if (offer->server_max_window_bits) {
            agreement.params.our_max_window_bits = *offer->server_max_window_bits;
            agreement.response_field +=
                "; server_max_window_bits=" + std::to_string(*offer->server_max_window_bits);
        }
        return agreement;
    }
    return std::nullopt;
}

std::optional<deflate_params> parse_deflate_response(std::string_view extensions_field)
{
    std::vector<std::string_view> extensions = split(extensions_field, ',');
    if (extensions.size() != 1) {
        return std::nullopt;
    }
    std::optional<deflate_offer> answer = parse_offer(extensions[0]);
    if (!answer) {
        return std::nullopt;
    }
    deflate_params params;
    params.their_no_context_takeover = answer->server_no_context_takeover;
    params.our_no_context_takeover = answer->client_no_context_takeover;
    if (answer->client_max_window_bits) {
        // The server may only lower our window, with a value; 8 is beyond zlib's raw deflate.
        if (!answer->client_max_window_bits_value || *answer->client_max_window_bits_value == 8) {
            return std::nullopt;
        }
        params.our_max_window_bits = *answer->client_max_window_bits_value;
    }
    return params;
}

struct deflate_codec::zstreams {
    z_stream deflater{};
    z_stream inflater{};
    bool deflater_ready = false;
    bool inflater_ready = false;

    ~zstreams()
    {
        if (deflater_ready) {
            deflateEnd(&deflater);
        }
        if (inflater_ready) {
            inflateEnd(&inflater);
        }
    }
};

deflate_codec::deflate_codec(deflate_params params) : z_(new zstreams), params_(params) {}

deflate_codec::~deflate_codec() = default;

std::string deflate_codec::compress(std::string_view message)
{
    z_stream& z = z_->deflater;
    if (!z_->deflater_ready) {
        // Memory level 8 and the negotiated window: zlib's defaults otherwise.
        if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -params_.our_max_window_bits, 8,
                         Z_DEFAULT_STRATEGY) != Z_OK) {
            throw std::bad_alloc{};
        }
        z_->deflater_ready = true;
    }
    std::string out;
    out.resize(deflateBound(&z, static_cast<uLong>(message.size())) + 16);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(message.data()));
    z.avail_in = static_cast<uInt>(message.size());
    std::size_t produced = 0;
    for (;;) {
        z.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
        z.avail_out = static_cast<uInt>(out.size() - produced);
        deflate(&z, Z_SYNC_FLUSH);
        produced = out.size() - z.avail_out;
        if (z.avail_out != 0) {
            break; // all input consumed and flushed
        }
        out.resize(out.size() * 2);
    }
    // The flush ends with an empty stored block, 00 00 FF FF, which the receiver adds back.
    if (produced >= 4 && std::memcmp(out.data() + produced - 4, deflate_tail, 4) == 0) {
        produced -= 4;
    }
    out.erase(produced);
    if (params_.our_no_context_takeover) {
        deflateReset(&z);
    }
    return out;
}

bool deflate_codec::inflate(std::string_view piece, std::string& out, std::size_t max_size,
                            bool& too_big)
{
    too_big = false;
    z_stream& z = z_->inflater;
    if (!z_->inflater_ready) {
        // A window of 15 bits reads whatever window the peer chose.
        if (inflateInit2(&z, -15) != Z_OK) {
            throw std::bad_alloc{};
        }
        z_->inflater_ready = true;
    }
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(piece.data()));
    z.avail_in = static_cast<uInt>(piece.size());
    for (;;) {
        std::size_t const before = out.size();
        std::size_t step = inflate_step;
        if (max_size != 0) {
            // One byte beyond the limit is enough to know it was passed.
            step = std::min(step, max_size + 1 - std::min(before, max_size));
        }
        out.resize(before + step);
        z.next_out = reinterpret_cast<Bytef*>(out.data() + before);
        z.avail_out = static_cast<uInt>(step);
        int const rc = ::inflate(&z, Z_SYNC_FLUSH);
        out.resize(before + step - z.avail_out);
        if (rc != Z_OK && rc != Z_BUF_ERROR && rc != Z_STREAM_END) {
            return false;
        }
        if (max_size != 0 && out.size() > max_size) {
            too_big = true;
            return false;
        }
        if (rc == Z_STREAM_END) {
            // A final block (BFINAL) ends the deflate stream; what follows starts a new one.
            inflateReset(&z);
            if (z.avail_in == 0) {
                break;
            }
            continue;
        }
        if (z.avail_out != 0) {
            // Room was left, so zlib consumed all it could: done, or stuck on bad input.
            if (z.avail_in == 0) {
                break;
            }
            return false;
        }
    }
    return true;
}

bool deflate_codec::finish_message(std::string& out, std::size_t max_size, bool& too_big)
{
    std::string_view const tail{reinterpret_cast<char const*>(deflate_tail), sizeof deflate_tail};
    if (!inflate(tail, out, max_size, too_big)) {
        return false;
    }
    // Whatever output zlib still holds after the flush marker (none for valid data).
    if (params_.their_no_context_takeover && z_->inflater_ready) {
        inflateReset(&z_->inflater);
    }
    return true;
}

} // namespace ahttp::websocket::detail
