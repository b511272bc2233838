// SPDX-License-Identifier: BSL-1.0
// Well-known header field names (`field::content_type`, …), usable wherever a name is expected.
#pragma once

// Boost 1.81's core/string_view.hpp uses std::ostream without including it.
#include <boost/beast/http/field.hpp>

#include <ostream>
#include <string_view>

namespace ahttp::http {

/// A registered header field name; `field_name(field)` gives its canonical spelling.
using field = boost::beast::http::field;

/// Returns the canonical spelling of `name`, e.g. "Content-Type".
inline std::string_view field_name(field name) noexcept
{
    auto const s = boost::beast::http::to_string(name);
    return {s.data(), s.size()};
}

} // namespace ahttp::http
