// SPDX-License-Identifier: BSL-1.0
// The file behind a file_response, and how the server turns it into a response head plus a
// byte range to send (conditional requests, ranges, validators).
#pragma once

#include "web/unique_fd.hpp"

#include <ahttp/web/static_files.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>

namespace ahttp::web {
class request;
}

namespace ahttp::web::detail {

struct file_body {
    std::filesystem::path path; ///< as given; names the file in Content-Type guesses
    unique_fd opened;           ///< already open (static files resolve under their root), or -1
    file_options options;
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

/// Decides the response for `r`'s file body given `req`'s conditional and Range fields: sets
/// the status, validators, Content-Type and Content-Range on `r`. Returns the bytes to send
/// after the head (length 0 for an empty file or a HEAD request's would-be body), or nullopt
/// when `r` became an ordinary response (304, 412, 416, 403, 404) whose body is `r.body()`.
std::optional<file_transfer> prepare_file(request const& req, response& r);

} // namespace ahttp::web::detail
