// SPDX-License-Identifier: BSL-1.0
// Text helpers the httpbin handlers share: UTF-8 repair, Python's title case, base64,
// IRI quoting as werkzeug rebuilds request.url, and strict number parsing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ahttp::cli::httpbin {

/// True if `text` is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF).
bool is_valid_utf8(std::string_view text) noexcept;

/// `text` with every byte that does not start a well-formed UTF-8 sequence replaced by
/// U+FFFD, as Python's decode(errors="replace") does for query strings and forms.
std::string repair_utf8(std::string_view text);

/// Python's str.title() on an ASCII header name: a letter is upper-cased after a non-letter
/// and lower-cased after a letter ("x-foo1bar" gives "X-Foo1Bar"); '_' becomes '-', as
/// gunicorn passes such fields on.
std::string title_case_header(std::string_view name);

/// Decodes base64; `url_safe` selects the '-' '_' alphabet (else '+' '/'). Characters outside
/// the alphabet are skipped, as Python's non-strict decoder does; a wrong length gives nullopt.
std::optional<std::string> base64_decode(std::string_view text, bool url_safe);
/// Standard base64 with padding.
std::string base64_encode(std::string_view bytes);

/// `text` made safe inside an HTML element or a quoted attribute.
std::string escape_html(std::string_view text);

/// Percent-encodes every byte but RFC 3986's unreserved characters, werkzeug's sub-delims
/// "$!'()*+,;" and `extra_safe` (upper-case hex).
std::string url_quote(std::string_view bytes, std::string_view extra_safe);

/// Werkzeug's uri_to_iri on a path or query: decodes escapes of always-safe ASCII characters
/// and of well-formed UTF-8, keeps every other escape as sent.
std::string uri_to_iri(std::string_view quoted);

/// A decimal integer with nothing around it, or nullopt ("12", not "+1", " 1", "1x").
std::optional<std::uint64_t> parse_unsigned(std::string_view text) noexcept;
/// A decimal integer with an optional sign, or nullopt.
std::optional<std::int64_t> parse_signed(std::string_view text) noexcept;
/// A finite number as Python's float() reads it ("1", "0.5", "1e-1"), or nullopt.
std::optional<double> parse_number(std::string_view text) noexcept;

} // namespace ahttp::cli::httpbin
