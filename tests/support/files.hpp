// SPDX-License-Identifier: BSL-1.0
// Scratch files for tests: a self-removing directory, reproducible random content.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace ahttp::test {

/// A fresh directory, removed with everything in it when the object goes.
class temp_dir {
public:
    /// Created as `<base>/<prefix>-XXXXXX`. Unix-socket tests pass "/tmp" as base so that
    /// socket paths stay below sun_path's 108 bytes.
    explicit temp_dir(std::string const& prefix = "ahttp",
                      std::filesystem::path const& base = std::filesystem::temp_directory_path());
    ~temp_dir();
    temp_dir(temp_dir const&) = delete;
    temp_dir& operator=(temp_dir const&) = delete;

    std::filesystem::path const& path() const noexcept { return path_; }
    /// Writes `content` to `name` (parent directories created) and returns its path.
    std::filesystem::path write(std::string const& name, std::string const& content) const;

private:
    std::filesystem::path path_;
};

/// `size` bytes from a fixed-seed generator: the same test always sends the same bytes.
std::string random_bytes(std::size_t size, unsigned seed = 7);

/// The whole file, or empty when it cannot be read.
std::string read_file(std::filesystem::path const& path);

} // namespace ahttp::test
