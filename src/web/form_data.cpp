// SPDX-License-Identifier: BSL-1.0
// web::form_data and web::file_field, and the temporary files behind uploads.
#include "web/upload_file.hpp"

#include <ahttp/error.hpp>
#include <ahttp/web/form_data.hpp>

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <system_error>
#include <unistd.h>
#include <utility>

namespace ahttp::web {

namespace {

[[noreturn]] void throw_errno(int code, std::string const& what)
{
    throw error{error_code{code, boost::system::system_category()}, what};
}

} // namespace

// ---- file_field -------------------------------------------------------------------------

file_field::file_field(std::string name, std::string filename, std::string content_type,
                       http::headers headers, std::filesystem::path path,
                       std::uint64_t size) noexcept
    : name_(std::move(name)), filename_(std::move(filename)),
      content_type_(std::move(content_type)), headers_(std::move(headers)), path_(std::move(path)),
      size_(size)
{
}

file_field::~file_field()
{
    if (!path_.empty()) {
        ::unlink(path_.c_str());
    }
}

file_field::file_field(file_field&& other) noexcept
    : name_(std::move(other.name_)), filename_(std::move(other.filename_)),
      content_type_(std::move(other.content_type_)), headers_(std::move(other.headers_)),
      path_(std::exchange(other.path_, {})), size_(other.size_)
{
}

file_field& file_field::operator=(file_field&& other) noexcept
{
    if (this != &other) {
        if (!path_.empty()) {
            ::unlink(path_.c_str());
        }
        name_ = std::move(other.name_);
        filename_ = std::move(other.filename_);
        content_type_ = std::move(other.content_type_);
        headers_ = std::move(other.headers_);
        path_ = std::exchange(other.path_, {});
        size_ = other.size_;
    }
    return *this;
}

std::string file_field::read() const
{
    int const fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        throw_errno(errno, "cannot open upload " + path_.string());
    }
    std::string out;
    out.resize(static_cast<std::size_t>(size_));
    std::size_t done = 0;
    while (done < out.size()) {
        ssize_t const n = ::read(fd, out.data() + done, out.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            int const code = n < 0 ? errno : EIO;
            ::close(fd);
            throw_errno(code, "cannot read upload " + path_.string());
        }
        done += static_cast<std::size_t>(n);
    }
    ::close(fd);
    return out;
}

void file_field::save_as(std::filesystem::path const& destination) const
{
    std::error_code ec;
    std::filesystem::remove(destination, ec); // link() does not replace
    if (::link(path_.c_str(), destination.c_str()) == 0) {
        return;
    }
    // EXDEV (another file system) and file systems without hard links: copy instead.
    if (!std::filesystem::copy_file(path_, destination,
                                    std::filesystem::copy_options::overwrite_existing, ec)) {
        throw_errno(ec ? ec.value() : EIO, "cannot save upload to " + destination.string());
    }
}

// ---- form_data --------------------------------------------------------------------------

std::optional<std::string_view> form_data::get(std::string_view name) const noexcept
{
    for (auto const& f : fields_) {
        if (!f.file && f.name == name) {
            return std::string_view{f.value};
        }
    }
    return std::nullopt;
}

std::vector<std::string_view> form_data::get_all(std::string_view name) const
{
    std::vector<std::string_view> out;
    for (auto const& f : fields_) {
        if (!f.file && f.name == name) {
            out.emplace_back(f.value);
        }
    }
    return out;
}

bool form_data::contains(std::string_view name) const noexcept
{
    for (auto const& f : fields_) {
        if (f.name == name) {
            return true;
        }
    }
    return false;
}

file_field const* form_data::file(std::string_view name) const noexcept
{
    for (auto const& f : fields_) {
        if (f.file && f.name == name) {
            return f.file.get();
        }
    }
    return nullptr;
}

std::vector<file_field const*> form_data::files(std::string_view name) const
{
    std::vector<file_field const*> out;
    for (auto const& f : fields_) {
        if (f.file && f.name == name) {
            out.push_back(f.file.get());
        }
    }
    return out;
}

void form_data::add(std::string_view name, std::string_view value)
{
    fields_.push_back(form_field{std::string{name}, std::string{value}, nullptr});
}

void form_data::add(file_field file)
{
    std::string name{file.name()};
    fields_.push_back(form_field{std::move(name), std::string{},
                                 std::make_shared<file_field const>(std::move(file))});
}

} // namespace ahttp::web

namespace ahttp::web::detail {

upload_file::upload_file()
{
    char const* dir = std::getenv("TMPDIR");
    std::string pattern = dir != nullptr && *dir != '\0' ? dir : "/tmp";
    pattern += "/ahttp-upload-XXXXXX";
    fd_ = ::mkostemp(pattern.data(), O_CLOEXEC);
    if (fd_ < 0) {
        throw_errno(errno, "cannot create a temporary file for an upload in " + pattern);
    }
    path_ = std::move(pattern);
}

upload_file::~upload_file()
{
    if (fd_ >= 0) {
        ::close(fd_);
    }
    if (!path_.empty()) {
        ::unlink(path_.c_str());
    }
}

void upload_file::write(std::string_view data)
{
    while (!data.empty()) {
        ssize_t const n = ::write(fd_, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw_errno(errno, "cannot write upload to " + path_.string());
        }
        data.remove_prefix(static_cast<std::size_t>(n));
        size_ += static_cast<std::uint64_t>(n);
    }
}

file_field upload_file::release(std::string name, std::string filename, std::string content_type,
                                http::headers headers)
{
    // close() reports delayed write errors (NFS, quota): the upload is not complete without it.
    int const fd = std::exchange(fd_, -1);
    if (::close(fd) != 0 && errno != EINTR) {
        throw_errno(errno, "cannot write upload to " + path_.string());
    }
    return file_field{std::move(name),    std::move(filename),      std::move(content_type),
                      std::move(headers), std::exchange(path_, {}), size_};
}

} // namespace ahttp::web::detail
