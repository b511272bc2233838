// SPDX-License-Identifier: BSL-1.0
// The opening handshake's pieces (RFC 6455 §4): keys, the accept hash, the header checks
// that both the server and the client make. No I/O.
#pragma once

#include <ahttp/http/headers.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace ahttp::websocket::detail {

/// Sec-WebSocket-Accept for a client's Sec-WebSocket-Key: base64(SHA-1(key + GUID)).
std::string accept_key(std::string_view client_key);

/// A fresh Sec-WebSocket-Key: 16 random bytes, base64-encoded.
std::string make_client_key();

/// True if `key` is the base64 encoding of 16 bytes (§4.2.1 item 5).
bool is_valid_client_key(std::string_view key) noexcept;

/// True if any of `name`'s comma-separated values equals `token`, ignoring case
/// (`Connection: keep-alive, Upgrade` has "upgrade").
template <class Headers>
bool has_token(Headers const& headers, std::string_view name, std::string_view token);

/// The subprotocol to answer with: the first in the client's Sec-WebSocket-Protocol list
/// that the server speaks (aiohttp's rule), or an empty string.
std::string choose_protocol(std::vector<std::string_view> const& offered_fields,
                            std::vector<std::string> const& ours);

/// Why a request cannot be upgraded, or an empty view if it can.
/// `version_ok` is set false when only Sec-WebSocket-Version is wrong (426 then).
std::string_view check_upgrade_request(std::string_view method, int version_minor,
                                       http::headers_view const& headers, bool& version_ok);

/// Splits a comma-separated field value into trimmed, non-empty items.
std::vector<std::string_view> split_list(std::string_view value);

} // namespace ahttp::websocket::detail
