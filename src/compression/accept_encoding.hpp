// SPDX-License-Identifier: BSL-1.0
// Accept-Encoding (RFC 9110 §12.5.3): parse the field and choose a response coding.
#pragma once

#include "compression/coding.hpp"

#include <span>
#include <string_view>

namespace ahttp::compression {

/// The qualities a request's Accept-Encoding gives to the codings we implement, in
/// thousandths (q=0.5 is 500), as parsed per RFC 9110 §12.4.2 and §12.5.3.
///
/// Parsing never fails: names are matched without regard to case and surrounding whitespace,
/// "x-gzip" counts as gzip, empty list elements and parameters other than q are ignored, and
/// an element whose q is malformed or above 1 counts as q=0 (refused), the safe reading.
/// When a coding appears twice, the first occurrence wins.
class accept_encoding {
public:
    /// A field that is absent: no preference stated (see quality()).
    accept_encoding() = default;

    /// Parses one field value; call add() for further fields of the same request.
    explicit accept_encoding(std::string_view field_value) { add(field_value); }

    /// Adds the elements of another Accept-Encoding field (RFC 9110 §5.3: fields combine as
    /// one comma-separated list).
    void add(std::string_view field_value);

    /// True once at least one field was added, even an empty one.
    bool is_present() const noexcept { return present_; }

    /// Returns the quality (0–1000) of `c`: its own entry, else the "*" entry, else 0 — except
    /// identity, which is acceptable (1000) unless "identity;q=0" or a "*;q=0" without an
    /// identity entry excludes it. With no field at all, everything is 1000.
    int quality(coding c) const noexcept;

    /// True if identity has an entry of its own (so its quality is a stated preference).
    bool lists_identity() const noexcept { return q_[index(coding::identity)] >= 0; }

private:
    static constexpr std::size_t index(coding c) noexcept { return static_cast<std::size_t>(c); }

    int q_[4] = {-1, -1, -1, -1}; // by coding; -1 = not listed
    int star_ = -1;               // "*"; -1 = not listed
    bool present_ = false;
};

/// Our order of preference among codings of equal quality: br, then gzip, then deflate.
inline constexpr coding default_preference[] = {coding::br, coding::gzip, coding::deflate};

/// Returns the coding to apply to a response: the acceptable one (q > 0) with the highest
/// quality, ties broken by the order of `offered`; identity when none is acceptable, when the
/// request has no Accept-Encoding field, or when it rates identity above every offer.
coding negotiate(accept_encoding const& accepted,
                 std::span<coding const> offered = default_preference) noexcept;

} // namespace ahttp::compression
