// SPDX-License-Identifier: BSL-1.0
// Cookies as a client receives them: Set-Cookie parsing (RFC 6265 §5.2).
#pragma once

#include <ahttp/error.hpp>
#include <ahttp/http/date.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace ahttp::http {

/// One cookie as a Set-Cookie field describes it.
struct cookie {
    std::string name;
    std::string value;
    std::string domain;                 ///< the Domain attribute, lower-case, no leading dot
    std::string path;                   ///< the Path attribute ("" if absent or invalid)
    std::optional<date_time> expires{}; ///< from Max-Age (preferred) or Expires; none: session
    bool secure = false;                ///< send over https only
    bool http_only = false;             ///< not for scripts (no effect in a client)
    std::string same_site;              ///< "Strict", "Lax", "None" or "" as sent
};

/// Parses one Set-Cookie field value with RFC 6265 §5.2's lenient algorithm: attributes it
/// does not know are ignored, a bad Expires or Max-Age is ignored, Max-Age wins over
/// Expires (a Max-Age of zero or less expires the cookie at once). `now` anchors Max-Age.
/// Fails (errc::bad_request) only without a '=' in the name-value pair or with an empty name.
result<cookie> parse_set_cookie(std::string_view field, date_time now);

} // namespace ahttp::http
