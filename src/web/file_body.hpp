// SPDX-License-Identifier: BSL-1.0
// The file behind a file_response, and how the server turns it into a response head plus a
// byte range to send (conditional requests, ranges, validators).
#pragma once

#include "compression/coding.hpp"
#include "web/unique_fd.hpp"

#include <ahttp/web/static_files.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string_view>

namespace ahttp::web {
class request;
}

namespace ahttp::web::detail {

/// A precompressed sibling looked for next to a file ("F.br", "F.gz"): its coding and the
/// suffix of its name.
struct precompressed_kind {
    compression::coding coding;
    std::string_view suffix;
};

/// The siblings file_options::precompressed looks for, in our order of preference.
inline constexpr std::array<precompressed_kind, 2> precompressed_kinds{{
    {compression::coding::br, ".br"},
    {compression::coding::gzip, ".gz"},
}};

struct file_body {
    std::filesystem::path path; ///< as given; names the file in Content-Type guesses
    unique_fd opened;           ///< already open (static files resolve under their root), or -1
    file_options options;
    /// With `opened` and options.precompressed: the siblings of precompressed_kinds, opened
    /// beforehand under the same root (-1 where there is none); without `opened`, the server
    /// opens them next to `path` itself.
    std::array<unique_fd, precompressed_kinds.size()> siblings{};
};

/// A file_response for a file opened already (static files resolve it under their root).
response make_file_response(file_body body);

/// The bytes of an open file to send after the head.
struct file_transfer {
    unique_fd owned; ///< set when the file was opened here
    int fd = -1;
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
};

/// Decides the response for `r`'s file body given `req`'s conditional and Range fields: picks
/// the representation (the file, or a precompressed sibling that Accept-Encoding allows), sets
/// the status, validators, Content-Type, Content-Encoding, Vary and Content-Range on `r`. Returns
/// the bytes to send after the head (length 0 for an empty file or a HEAD request's would-be body),
/// or nullopt when `r` became an ordinary response (304, 412, 416, 403, 404) whose body is
/// `r.body()`.
std::optional<file_transfer> prepare_file(request const& req, response& r);

} // namespace ahttp::web::detail
