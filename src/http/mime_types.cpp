// SPDX-License-Identifier: BSL-1.0
// A fixed table of the media types the web actually serves. A fixed table (not
// /etc/mime.types) keeps responses identical on every machine.
#include <ahttp/http/mime_types.hpp>

#include <algorithm>
#include <array>
#include <utility>

namespace ahttp::http {
namespace {

using mapping = std::pair<std::string_view, std::string_view>;

// Sorted by extension for binary search.
constexpr auto types = std::to_array<mapping>({
    {"7z", "application/x-7z-compressed"},
    {"aac", "audio/aac"},
    {"apng", "image/apng"},
    {"avif", "image/avif"},
    {"bin", "application/octet-stream"},
    {"bmp", "image/bmp"},
    {"br", "application/x-brotli"},
    {"bz2", "application/x-bzip2"},
    {"css", "text/css; charset=utf-8"},
    {"csv", "text/csv; charset=utf-8"},
    {"gif", "image/gif"},
    {"gz", "application/gzip"},
    {"htm", "text/html; charset=utf-8"},
    {"html", "text/html; charset=utf-8"},
    {"ico", "image/vnd.microsoft.icon"},
    {"jpeg", "image/jpeg"},
    {"jpg", "image/jpeg"},
    {"js", "text/javascript; charset=utf-8"},
    {"json", "application/json"},
    {"map", "application/json"},
    {"md", "text/markdown; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"mp3", "audio/mpeg"},
    {"mp4", "video/mp4"},
    {"mpeg", "video/mpeg"},
    {"oga", "audio/ogg"},
    {"ogg", "audio/ogg"},
    {"ogv", "video/ogg"},
    {"otf", "font/otf"},
    {"pdf", "application/pdf"},
    {"png", "image/png"},
    {"svg", "image/svg+xml"},
    {"tar", "application/x-tar"},
    {"tif", "image/tiff"},
    {"tiff", "image/tiff"},
    {"ttf", "font/ttf"},
    {"txt", "text/plain; charset=utf-8"},
    {"wasm", "application/wasm"},
    {"wav", "audio/wav"},
    {"weba", "audio/webm"},
    {"webm", "video/webm"},
    {"webmanifest", "application/manifest+json"},
    {"webp", "image/webp"},
    {"woff", "font/woff"},
    {"woff2", "font/woff2"},
    {"xhtml", "application/xhtml+xml"},
    {"xml", "text/xml; charset=utf-8"},
    {"zip", "application/zip"},
});

static_assert(std::ranges::is_sorted(types, {}, &mapping::first));

} // namespace

std::string_view guess_content_type(std::string_view filename, std::string_view fallback) noexcept
{
    auto const slash = filename.find_last_of('/');
    if (slash != std::string_view::npos) {
        filename.remove_prefix(slash + 1);
    }
    auto const dot = filename.find_last_of('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 == filename.size()) {
        return fallback;
    }
    std::string_view const extension = filename.substr(dot + 1);
    if (extension.size() > 16) {
        return fallback;
    }
    char lower[16];
    for (std::size_t i = 0; i < extension.size(); ++i) {
        char const c = extension[i];
        lower[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    }
    std::string_view const key{lower, extension.size()};
    auto const it = std::ranges::lower_bound(types, key, {}, &mapping::first);
    if (it != types.end() && it->first == key) {
        return it->second;
    }
    return fallback;
}

} // namespace ahttp::http
