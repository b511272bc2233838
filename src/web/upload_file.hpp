// SPDX-License-Identifier: BSL-1.0
// A temporary file that an upload is written into, then handed to a web::file_field.
#pragma once

#include <ahttp/web/form_data.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace ahttp::web::detail {

/// Creates a file with mkostemp in $TMPDIR (else /tmp), mode 0600; removes it on destruction
/// unless release() handed it on.
class upload_file {
public:
    /// @throws ahttp::error if the file cannot be created.
    upload_file();
    ~upload_file();
    upload_file(upload_file const&) = delete;
    upload_file& operator=(upload_file const&) = delete;

    /// Appends `data`. Writes block: like nginx's client body buffering, they go to the page
    /// cache and are short next to the network reads that produce them.
    /// @throws ahttp::error on a write error (e.g. ENOSPC).
    void write(std::string_view data);
    std::uint64_t size() const noexcept { return size_; }

    /// Closes the file and passes its ownership to a file_field.
    file_field release(std::string name, std::string filename, std::string content_type,
                       http::headers headers);

private:
    std::filesystem::path path_;
    std::uint64_t size_ = 0;
    int fd_ = -1;
};

} // namespace ahttp::web::detail
