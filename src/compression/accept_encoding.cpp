// SPDX-License-Identifier: BSL-1.0
// Accept-Encoding parsing and content-coding negotiation.
#include "compression/accept_encoding.hpp"
#include "http/text.hpp"

#include <ahttp/http/headers.hpp>

namespace ahttp::compression {

namespace {

// RFC 9110 §12.4.2: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ). Returns
// thousandths, or -1 if malformed. Digits past the third are tolerated and truncated.
int parse_qvalue(std::string_view s) noexcept
{
    if (s.empty() || (s[0] != '0' && s[0] != '1')) {
        return -1;
    }
    int value = (s[0] - '0') * 1000;
    s.remove_prefix(1);
    if (s.empty()) {
        return value;
    }
    if (s[0] != '.') {
        return -1;
    }
    s.remove_prefix(1);
    int scale = 100;
    for (char const c : s) {
        if (c < '0' || c > '9') {
            return -1;
        }
        value += (c - '0') * scale;
        scale /= 10;
    }
    return value > 1000 ? -1 : value;
}

// The quality an element gives: 1000 by default, its q parameter otherwise.
int element_quality(std::string_view parameters) noexcept
{
    int quality = 1000;
    while (!parameters.empty()) {
        auto const semicolon = parameters.find(';');
        std::string_view parameter = http::detail::trim_ows(parameters.substr(0, semicolon));
        parameters = semicolon == std::string_view::npos ? std::string_view{}
                                                         : parameters.substr(semicolon + 1);
        auto const equals = parameter.find('=');
        if (equals == std::string_view::npos) {
            continue;
        }
        if (http::iequals(http::detail::trim_ows(parameter.substr(0, equals)), "q")) {
            int const q = parse_qvalue(http::detail::trim_ows(parameter.substr(equals + 1)));
            quality = q < 0 ? 0 : q; // a q we cannot read never grants a coding
        }
    }
    return quality;
}

} // namespace

void accept_encoding::add(std::string_view field_value)
{
    present_ = true;
    while (!field_value.empty()) {
        auto const comma = field_value.find(',');
        std::string_view element = field_value.substr(0, comma);
        field_value =
            comma == std::string_view::npos ? std::string_view{} : field_value.substr(comma + 1);
        auto const semicolon = element.find(';');
        std::string_view const name = http::detail::trim_ows(element.substr(0, semicolon));
        if (name.empty()) {
            continue; // RFC 9110 §5.6.1: empty list elements are ignored
        }
        std::string_view const parameters = semicolon == std::string_view::npos
                                                ? std::string_view{}
                                                : element.substr(semicolon + 1);
        int* slot = nullptr;
        if (name == "*") {
            slot = &star_;
        } else if (auto const c = parse_coding(name)) {
            slot = &q_[index(*c)];
        }
        if (slot != nullptr && *slot < 0) {
            *slot = element_quality(parameters);
        }
    }
}

int accept_encoding::quality(coding c) const noexcept
{
    if (!present_) {
        return 1000; // RFC 9110 §12.5.3: no field means any coding is acceptable
    }
    int const own = q_[index(c)];
    if (own >= 0) {
        return own;
    }
    if (c == coding::identity) {
        // Identity is acceptable unless excluded by "identity;q=0" or "*;q=0".
        return star_ == 0 ? 0 : 1000;
    }
    return star_ >= 0 ? star_ : 0;
}

coding negotiate(accept_encoding const& accepted, std::span<coding const> offered) noexcept
{
    // An absent field allows anything, but like nginx and aiohttp we compress only for
    // clients that say they can decode: old or minimal clients often send no field.
    if (!accepted.is_present()) {
        return coding::identity;
    }
    coding best = coding::identity;
    int best_quality = 0;
    for (coding const c : offered) {
        int const q = accepted.quality(c);
        if (q > best_quality) {
            best = c;
            best_quality = q;
        }
    }
    // A client may rate identity above the codings it accepts ("gzip;q=0.2, identity").
    if (best != coding::identity && accepted.lists_identity() &&
        accepted.quality(coding::identity) > best_quality) {
        return coding::identity;
    }
    return best;
}

} // namespace ahttp::compression
