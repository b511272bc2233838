// SPDX-License-Identifier: BSL-1.0
#include "support/files.hpp"

#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>
#include <stdlib.h>
#include <system_error>

namespace ahttp::test {

namespace fs = std::filesystem;

temp_dir::temp_dir(std::string const& prefix, fs::path const& base)
{
    std::string pattern = (base / (prefix + "-XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
    }
    path_ = pattern;
}

temp_dir::~temp_dir()
{
    std::error_code ignored;
    fs::remove_all(path_, ignored);
}

fs::path temp_dir::write(std::string const& name, std::string const& content) const
{
    auto const file = path_ / name;
    fs::create_directories(file.parent_path());
    std::ofstream{file, std::ios::binary} << content;
    return file;
}

std::string random_bytes(std::size_t size, unsigned seed)
{
    std::mt19937 generator{seed};
    std::string out(size, '\0');
    for (auto& c : out) {
        c = static_cast<char>(generator());
    }
    return out;
}

std::string read_file(fs::path const& path)
{
    std::ifstream in{path, std::ios::binary};
    return {std::istreambuf_iterator<char>{in}, {}};
}

} // namespace ahttp::test
