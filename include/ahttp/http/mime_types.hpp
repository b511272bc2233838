// SPDX-License-Identifier: BSL-1.0
// Media types guessed from file names, for file responses and static files.
#pragma once

#include <string_view>

namespace ahttp::http {

/// The Content-Type for a file name, from its extension (case-insensitive), e.g.
/// "index.html" → "text/html; charset=utf-8". Text types carry charset=utf-8, as Go does.
/// Unknown extensions give `fallback`.
std::string_view
guess_content_type(std::string_view filename,
                   std::string_view fallback = "application/octet-stream") noexcept;

} // namespace ahttp::http
