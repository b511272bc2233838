// SPDX-License-Identifier: BSL-1.0
// Content-coding names.
#include "compression/coding.hpp"

#include <ahttp/http/headers.hpp>

namespace ahttp::compression {

std::string_view coding_name(coding c) noexcept
{
    switch (c) {
    case coding::identity:
        return "identity";
    case coding::deflate:
        return "deflate";
    case coding::gzip:
        return "gzip";
    case coding::br:
        return "br";
    }
    return "identity";
}

std::optional<coding> parse_coding(std::string_view token) noexcept
{
    using http::iequals;
    if (iequals(token, "gzip") || iequals(token, "x-gzip")) {
        return coding::gzip;
    }
    if (iequals(token, "deflate")) {
        return coding::deflate;
    }
    if (iequals(token, "br")) {
        return coding::br;
    }
    if (iequals(token, "identity")) {
        return coding::identity;
    }
    return std::nullopt;
}

} // namespace ahttp::compression
