// SPDX-License-Identifier: BSL-1.0
// client::form_data: a multipart/form-data body (RFC 7578) whose files stream from disk.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace ahttp::client {

/// The fields of a multipart/form-data body (aiohttp's FormData with files). Text fields are
/// held in memory; files are read from disk while the request is sent, never whole in memory.
/// @par Example
///   client::form_data form;
///   form.add_field("title", "holiday");
///   form.add_file("photo", "/tmp/beach.jpg");            // filename "beach.jpg", image/jpeg
///   client::request_options options{.multipart = std::move(form)};
///   co_await session.post(url, std::move(options));
class form_data {
public:
    /// One part: a text value, or a file (path set), with the part's metadata.
    struct part {
        std::string name;
        std::string value;            ///< the content of a text or in-memory part
        std::filesystem::path file{}; ///< set for a part read from disk
        std::string filename{};       ///< Content-Disposition's filename ("" = none)
        std::string content_type{};   ///< "" = none for text, guessed for files
    };

    /// Adds a text field.
    void add_field(std::string name, std::string value);
    /// Adds in-memory bytes as a file part.
    void add_bytes(std::string name, std::string bytes, std::string filename,
                   std::string content_type = "application/octet-stream");
    /// Adds the file at `path`. `filename` defaults to its last path component and
    /// `content_type` to a guess from its extension (application/octet-stream if unknown).
    /// The file must exist when the request is sent.
    void add_file(std::string name, std::filesystem::path path, std::string filename = {},
                  std::string content_type = {});

    std::vector<part> const& parts() const noexcept { return parts_; }
    bool empty() const noexcept { return parts_.empty(); }

private:
    std::vector<part> parts_;
};

} // namespace ahttp::client
