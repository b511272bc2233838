// SPDX-License-Identifier: BSL-1.0
#include "http/text.hpp"
#include "websocket/handshake.hpp"

#include <array>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdexcept>

namespace ahttp::websocket::detail {

namespace {

constexpr std::string_view websocket_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

std::string base64(unsigned char const* data, std::size_t n)
{
    std::string out(4 * ((n + 2) / 3), '\0');
    int const written =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
    out.resize(static_cast<std::size_t>(written));
    return out;
}

} // namespace

std::string accept_key(std::string_view client_key)
{
    std::string input{client_key};
    input += websocket_guid;
    std::array<unsigned char, SHA_DIGEST_LENGTH> digest{};
    SHA1(reinterpret_cast<unsigned char const*>(input.data()), input.size(), digest.data());
    return base64(digest.data(), digest.size());
}

std::string make_client_key()
{
    std::array<unsigned char, 16> nonce{};
    if (RAND_bytes(nonce.data(), static_cast<int>(nonce.size())) != 1) {
        throw std::runtime_error("OpenSSL RAND_bytes failed");
    }
    return base64(nonce.data(), nonce.size());
}

bool is_valid_client_key(std::string_view key) noexcept
{
    // 16 bytes are 24 base64 characters, the last two of them '=' padding.
    if (key.size() != 24 || key.substr(22) != "==") {
        return false;
    }
    for (char c : key.substr(0, 22)) {
        bool const ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '+' || c == '/';
        if (!ok) {
            return false;
        }
    }
    // The 22nd character carries 2 bits of padding that must be zero.
    std::string_view const last_allowed = "AQgw";
    return last_allowed.find(key[21]) != std::string_view::npos;
}

std::vector<std::string_view> split_list(std::string_view value)
{
    std::vector<std::string_view> items;
    while (!value.empty()) {
        std::size_t const comma = value.find(',');
        std::string_view const item = http::detail::trim_ows(value.substr(0, comma));
        if (!item.empty()) {
            items.push_back(item);
        }
        if (comma == std::string_view::npos) {
            break;
        }
        value.remove_prefix(comma + 1);
    }
    return items;
}

template <class Headers>
bool has_token(Headers const& headers, std::string_view name, std::string_view token)
{
    for (std::string_view value : headers.values(name)) {
        for (std::string_view item : split_list(value)) {
            if (http::iequals(item, token)) {
                return true;
            }
        }
    }
    return false;
}

template bool has_token(http::headers_view const&, std::string_view, std::string_view);
template bool has_token(http::headers const&, std::string_view, std::string_view);

std::string choose_protocol(std::vector<std::string_view> const& offered_fields,
                            std::vector<std::string> const& ours)
{
    for (std::string_view field : offered_fields) {
        for (std::string_view offered : split_list(field)) {
            for (std::string const& mine : ours) {
                if (offered == mine) {
                    return mine;
                }
            }
        }
    }
    return {};
}

std::string_view check_upgrade_request(std::string_view method, int version_minor,
                                       http::headers_view const& headers, bool& version_ok)
{
    version_ok = true;
    if (method != "GET") {
        return "WebSocket handshake must be a GET";
    }
    if (version_minor < 1) {
        return "WebSocket handshake needs HTTP/1.1";
    }
    if (!has_token(headers, "Upgrade", "websocket")) {
        return "missing Upgrade: websocket";
    }
    if (!has_token(headers, "Connection", "upgrade")) {
        return "missing Connection: upgrade";
    }
    std::optional<std::string_view> key = headers.find("Sec-WebSocket-Key");
    if (!key || !is_valid_client_key(http::detail::trim_ows(*key))) {
        return "missing or invalid Sec-WebSocket-Key";
    }
    if (headers.value_or("Sec-WebSocket-Version", "") != "13") {
        version_ok = false;
        return "unsupported Sec-WebSocket-Version (13 is spoken)";
    }
    return {};
}

} // namespace ahttp::websocket::detail
