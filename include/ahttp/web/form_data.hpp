// SPDX-License-Identifier: BSL-1.0
// web::form_data: the fields of a submitted form, as request::post() returns them; uploaded
// files (web::file_field) live in temporary files on disk, never whole in memory.
#pragma once

#include <ahttp/http/headers.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ahttp::web {

/// A file uploaded in a multipart/form-data body (aiohttp's FileField), stored in a temporary
/// file that is removed when this object is destroyed.
///
/// Never trust `filename()`: it is whatever the client sent, and may hold `../`, slashes or
/// control characters. Choose your own name when saving.
class file_field {
public:
    /// Takes ownership of the file at `path`, which is removed on destruction.
    file_field(std::string name, std::string filename, std::string content_type,
               http::headers headers, std::filesystem::path path, std::uint64_t size) noexcept;
    /// Removes the temporary file.
    ~file_field();
    file_field(file_field&& other) noexcept;
    file_field& operator=(file_field&& other) noexcept;
    file_field(file_field const&) = delete;
    file_field& operator=(file_field const&) = delete;

    /// The form field's name.
    std::string_view name() const noexcept { return name_; }
    /// The file name the client sent (never empty: a part without one is a text field).
    std::string_view filename() const noexcept { return filename_; }
    /// The part's Content-Type as sent (e.g. "image/png"); "application/octet-stream" if none.
    std::string_view content_type() const noexcept { return content_type_; }
    /// Every header field of the part.
    http::headers const& headers() const noexcept { return headers_; }
    /// The content's size in bytes.
    std::uint64_t size() const noexcept { return size_; }
    /// Where the content is stored: a temporary file, valid while this object lives.
    std::filesystem::path const& path() const noexcept { return path_; }

    /// Reads the whole content into memory; meant for small files.
    /// @throws ahttp::error if the file cannot be read.
    std::string read() const;
    /// Stores a copy of the content at `destination`, replacing any file there: a hard link
    /// when on the same file system (no copy), else a copy. The temporary file stays ours.
    /// @throws ahttp::error if it cannot be written.
    void save_as(std::filesystem::path const& destination) const;

private:
    std::string name_;
    std::string filename_;
    std::string content_type_;
    http::headers headers_;
    std::filesystem::path path_;
    std::uint64_t size_ = 0;
};

/// One field of a form: a name with either a text value or an uploaded file.
struct form_field {
    std::string name;
    std::string value;                      ///< the text; empty for a file
    std::shared_ptr<file_field const> file; ///< set for an uploaded file
    bool is_file() const noexcept { return file != nullptr; }
};

/// The fields of a submitted form, in order, names repeatable (aiohttp's MultiDict of str or
/// FileField). request::post() fills it from urlencoded and multipart/form-data bodies.
///
/// Text lookups (`get`, `get_all`, `value_or`) see text fields only, file lookups (`file`,
/// `files`) see uploads only; iteration sees both. Copies are cheap for files: they share
/// them, and each temporary file is removed when the last form_data holding it is destroyed.
class form_data {
public:
    using const_iterator = std::vector<form_field>::const_iterator;

    form_data() = default;

    /// Returns the first text value named `name`, or nullopt.
    std::optional<std::string_view> get(std::string_view name) const noexcept;
    /// Returns the first text value named `name`, or `fallback`.
    std::string_view value_or(std::string_view name, std::string_view fallback) const noexcept
    {
        return get(name).value_or(fallback);
    }
    /// Returns every text value named `name`, in order.
    std::vector<std::string_view> get_all(std::string_view name) const;
    /// True if any field (text or file) is named `name`.
    bool contains(std::string_view name) const noexcept;

    /// Returns the first file named `name`, or nullptr. Valid while this form_data lives.
    file_field const* file(std::string_view name) const noexcept;
    /// Returns every file named `name`, in order (e.g. `<input type=file multiple>`).
    std::vector<file_field const*> files(std::string_view name) const;

    /// Appends a text field.
    void add(std::string_view name, std::string_view value);
    /// Appends an uploaded file (under its own name()).
    void add(file_field file);

    std::size_t size() const noexcept { return fields_.size(); }
    bool empty() const noexcept { return fields_.empty(); }
    const_iterator begin() const noexcept { return fields_.begin(); }
    const_iterator end() const noexcept { return fields_.end(); }

private:
    std::vector<form_field> fields_;
};

} // namespace ahttp::web
