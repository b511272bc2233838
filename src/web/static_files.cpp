// SPDX-License-Identifier: BSL-1.0
// router::add_static: files under a root directory, resolved so that no request can leave it.
#include "web/file_body.hpp"

#include <ahttp/error.hpp>
#include <ahttp/web/http_exceptions.hpp>
#include <ahttp/web/request.hpp>
#include <ahttp/web/router.hpp>

#include <algorithm>
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

namespace ahttp::web {
namespace {

using detail::unique_fd;

/// One add_static mount: the root directory, held open, and its options.
struct static_root {
    std::string prefix; // without a trailing '/'
    std::filesystem::path root;
    unique_fd root_fd;
    static_options options;
};

/// Opens `relative` (no leading '/', no ".." segments) under the root. Without
/// follow_symlinks, the kernel refuses any resolution that leaves the root (RESOLVE_BENEATH,
/// Linux 5.6+); absolute symlinks and older kernels get an equivalent check of the opened
/// file's real path (checked after opening, so a concurrent rename cannot slip through).
unique_fd open_beneath(static_root const& mount, std::string const& relative, int& error)
{
    int const flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK; // a FIFO must not block the loop
    if (!mount.options.follow_symlinks) {
        open_how how{};
        how.flags = static_cast<std::uint64_t>(flags);
        how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
        long const fd =
            ::syscall(SYS_openat2, mount.root_fd.get(), relative.c_str(), &how, sizeof how);
        if (fd >= 0) {
            return unique_fd{static_cast<int>(fd)};
        }
        // EXDEV also covers an absolute symlink that points back inside the root: the check
        // below decides on the real path of what was opened.
        if (errno != ENOSYS && errno != EXDEV) {
            error = errno;
            return {};
        }
    }
    unique_fd fd{::openat(mount.root_fd.get(), relative.c_str(), flags)};
    if (!fd) {
        error = errno;
        return {};
    }
    if (!mount.options.follow_symlinks) {
        std::error_code ec;
        auto const real =
            std::filesystem::read_symlink("/proc/self/fd/" + std::to_string(fd.get()), ec);
        auto const [root_end, real_it] =
            std::mismatch(mount.root.begin(), mount.root.end(), real.begin(), real.end());
        if (ec || root_end != mount.root.end()) {
            error = EXDEV;
            return {};
        }
    }
    return fd;
}

/// Joins the path's segments, dropping empty and "." ones; false if one is "..".
bool clean_relative_path(std::string_view path, std::string& out)
{
    out.clear();
    while (!path.empty()) {
        auto const slash = path.find('/');
        std::string_view const segment = path.substr(0, slash);
        path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash + 1);
        if (segment.empty() || segment == ".") {
            continue;
        }
        if (segment == ".." || segment.find('\0') != std::string_view::npos) {
            return false;
        }
        if (!out.empty()) {
            out.push_back('/');
        }
        out.append(segment);
    }
    if (out.empty()) {
        out.push_back('.'); // (not `out = "."`: g++ 12 warns falsely, -Wrestrict)
    }
    return true;
}

void append_html_escaped(std::string& out, std::string_view text)
{
    for (char const c : text) {
        switch (c) {
        case '&':
            out.append("&amp;");
            break;
        case '<':
            out.append("&lt;");
            break;
        case '>':
            out.append("&gt;");
            break;
        case '"':
            out.append("&quot;");
            break;
        case '\'':
            out.append("&#39;");
            break;
        default:
            out.push_back(c);
        }
    }
}

void append_href_encoded(std::string& out, std::string_view name)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    for (char const c : name) {
        auto const u = static_cast<unsigned char>(c);
        bool const plain = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') ||
                           (u >= '0' && u <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
        if (plain) {
            out.push_back(c);
        } else {
            out.push_back('%');
            out.push_back(hex[u >> 4]);
            out.push_back(hex[u & 0xF]);
        }
    }
}

/// An HTML page listing the directory `fd` (which it consumes), as aiohttp's show_index.
response directory_listing(unique_fd fd, std::string_view url_path)
{
    DIR* dir = ::fdopendir(fd.get());
    if (dir == nullptr) {
        throw http_forbidden{};
    }
    fd.release();                                      // the DIR owns it now
    std::vector<std::pair<std::string, bool>> entries; // name, is a directory
    while (dirent const* entry = ::readdir(dir)) {
        std::string_view const name = entry->d_name;
        if (name == "." || name == "..") {
            continue;
        }
        struct stat st {};
        bool const is_dir =
            ::fstatat(::dirfd(dir), entry->d_name, &st, 0) == 0 && S_ISDIR(st.st_mode);
        entries.emplace_back(std::string{name}, is_dir);
    }
    ::closedir(dir);
    std::sort(entries.begin(), entries.end());

    std::string html =
        "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>Index of ";
    append_html_escaped(html, url_path);
    html.append("</title>\n</head>\n<body>\n<h1>Index of ");
    append_html_escaped(html, url_path);
    html.append("</h1>\n<ul>\n");
    for (auto const& [name, is_dir] : entries) {
        std::string href;
        append_href_encoded(href, name);
        html.append("<li><a href=\"");
        append_html_escaped(html, href);
        html.append(is_dir ? "/\">" : "\">");
        append_html_escaped(html, name);
        html.append(is_dir ? "/</a></li>\n" : "</a></li>\n");
    }
    html.append("</ul>\n</body>\n</html>\n");
    return response::html(std::move(html));
}

response serve(static_root const& mount, request const& req)
{
    std::string relative;
    if (!clean_relative_path(req.path_param("filename"), relative)) {
        throw http_not_found{};
    }
    int error = 0;
    unique_fd fd = open_beneath(mount, relative, error);
    if (!fd) {
        if (error == EACCES || error == EPERM) {
            throw http_forbidden{};
        }
        throw http_not_found{}; // missing, or leaving the root (EXDEV, ELOOP)
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) {
        throw http_forbidden{};
    }
    std::string served_name = relative;
    if (S_ISDIR(st.st_mode)) {
        bool const has_index = !mount.options.index_file.empty();
        if (!has_index && !mount.options.show_index) {
            throw http_forbidden{};
        }
        if (!req.raw_path().ends_with('/')) {
            std::string location{req.raw_path()};
            location.push_back('/');
            if (!req.query_string().empty()) {
                location.append("?").append(req.query_string());
            }
            throw http_moved_permanently{location};
        }
        unique_fd index;
        if (has_index) {
            served_name = relative + "/" + mount.options.index_file;
            int index_error = 0;
            index = open_beneath(mount, served_name, index_error);
            if (index && (::fstat(index.get(), &st) != 0 || !S_ISREG(st.st_mode))) {
                index.reset();
            }
        }
        if (!index) {
            if (!mount.options.show_index) {
                throw http_forbidden{};
            }
            return directory_listing(std::move(fd), req.path());
        }
        fd = std::move(index);
    } else if (!S_ISREG(st.st_mode)) {
        throw http_forbidden{};
    }
    detail::file_body body;
    if (mount.options.files.precompressed) {
        // Under the same confinement as the file; the server decides which one to send.
        for (std::size_t i = 0; i < detail::precompressed_kinds.size(); ++i) {
            std::string sibling = served_name;
            sibling.append(detail::precompressed_kinds[i].suffix);
            int sibling_error = 0;
            body.siblings[i] = open_beneath(mount, sibling, sibling_error);
        }
    }
    body.path = std::move(served_name);
    body.opened = std::move(fd);
    body.options = mount.options.files;
    return detail::make_file_response(std::move(body));
}

awaitable<response> serve_static(std::shared_ptr<static_root const> mount, request& req)
{
    co_return serve(*mount, req);
}

} // namespace

router& router::add_static(std::string_view prefix, std::filesystem::path const& root,
                           static_options options)
{
    if (!prefix.starts_with('/')) {
        throw ahttp::error(errc::invalid_argument,
                           "add_static: prefix must start with '/': " + std::string{prefix});
    }
    while (prefix.size() > 1 && prefix.ends_with('/')) {
        prefix.remove_suffix(1);
    }
    std::error_code ec;
    auto canonical = std::filesystem::canonical(root, ec);
    if (ec || !std::filesystem::is_directory(canonical, ec)) {
        throw ahttp::error(errc::invalid_argument, "add_static: not a directory: " + root.string());
    }
    auto mount = std::make_shared<static_root>();
    mount->prefix = prefix == "/" ? "" : std::string{prefix};
    mount->root_fd.reset(::open(canonical.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!mount->root_fd) {
        throw ahttp::error(errc::invalid_argument, "add_static: cannot open " + canonical.string());
    }
    mount->root = std::move(canonical);
    mount->options = options;
    route_options route;
    route.name = std::move(options.name);
    std::string const pattern = mount->prefix + "/{filename:.*}";
    std::shared_ptr<static_root const> shared = std::move(mount);
    return add_route(
        "GET", pattern, [shared](request& req) { return serve_static(shared, req); },
        std::move(route));
}

} // namespace ahttp::web
