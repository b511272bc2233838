// SPDX-License-Identifier: BSL-1.0
// HTTP Basic authentication credentials (RFC 7617), aiohttp's BasicAuth.
#pragma once

#include <string>
#include <string_view>

namespace ahttp::http {

/// A login and password for the Basic scheme. The login may not contain ':' (RFC 7617 §2).
struct basic_auth {
    std::string login;
    std::string password{};

    /// The Authorization field value: "Basic " + base64(login ":" password), the bytes sent
    /// as given (UTF-8, RFC 7617 §2.1's charset).
    std::string header_value() const;
};

/// Base64 (RFC 4648 §4, with padding).
std::string base64_encode(std::string_view bytes);

} // namespace ahttp::http
