// SPDX-License-Identifier: BSL-1.0
// Files as responses: web::file_response and the options of router::add_static.
#pragma once

#include <ahttp/web/response.hpp>

#include <filesystem>
#include <string>

namespace ahttp::web {

/// How a file is sent.
struct file_options {
    std::string content_type{}; ///< empty: guessed from the file name (http::guess_content_type)
    /// Serve a precompressed sibling ("F.br", else "F.gz") instead of file F when the request's
    /// Accept-Encoding allows that coding, as aiohttp's FileResponse and nginx's gzip_static do.
    bool precompressed = true;
};

/// A response whose body is a file, sent with sendfile(2) (aiohttp's FileResponse).
///
/// The file is opened when the response is sent, after the middlewares have run. The server
/// then answers conditional and range requests for it:
/// - ETag (strong, from size and modification time) and Last-Modified;
/// - If-Match / If-Unmodified-Since → 412, If-None-Match / If-Modified-Since → 304;
/// - Range: one byte range → 206 with Content-Range, an unsatisfiable one → 416,
///   several ranges are ignored (a 200 with the whole file, as RFC 9110 §14.2 allows);
///   If-Range that does not match gives the whole file;
/// - a missing file → 404, an unreadable file or a directory → 403;
/// - with file_options::precompressed (the default), a regular file "F.br" or "F.gz" next to
///   F is sent instead of F when Accept-Encoding accepts br or gzip (br first at equal
///   quality), with Content-Encoding set and F's Content-Type. Its own ETag (marked with the
///   coding) and Last-Modified apply, and ranges address its bytes. Whenever such a sibling
///   exists, Vary: Accept-Encoding is added, whichever representation is sent. A sibling that
///   is missing, unreadable or not a regular file is ignored; F itself must exist.
/// @par Example
///   router.add_get("/report", [](web::request&) -> awaitable<web::response> {
///       co_return web::file_response{"/srv/report.pdf"};
///   });
class file_response : public response {
public:
    explicit file_response(std::filesystem::path path, file_options options = {});
};

/// Options of router::add_static.
struct static_options {
    std::string name{};           ///< route name for url_for (parameter "filename")
    bool show_index = false;      ///< a directory without an index file gets an HTML listing
    std::string index_file{};     ///< e.g. "index.html": served for a directory request
    bool follow_symlinks = false; ///< false: symlinks may not lead outside the root
    file_options files{};
};

} // namespace ahttp::web
