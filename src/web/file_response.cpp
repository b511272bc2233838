// SPDX-License-Identifier: BSL-1.0
// web::file_response: validators, conditional requests (RFC 9110 §13) and single byte ranges
// (RFC 9110 §14) for a file body; the connection then sends the chosen bytes with sendfile.
#include "compression/accept_encoding.hpp"
#include "http/text.hpp"
#include "web/file_body.hpp"
#include "web/response_compression.hpp"

#include <ahttp/http/date.hpp>
#include <ahttp/http/mime_types.hpp>
#include <ahttp/web/request.hpp>

#include <array>
#include <cerrno>
#include <charconv>
#include <fcntl.h>
#include <span>
#include <string>
#include <sys/stat.h>

namespace ahttp::web {

file_response::file_response(std::filesystem::path path, file_options options)
{
    auto body = std::make_shared<detail::file_body>();
    body->path = std::move(path);
    body->options = std::move(options);
    set_file_body(std::move(body));
}

namespace detail {
namespace {

/// Reaches response's protected setter; sliced back to a plain response on return.
class opened_file_response : public response {
public:
    // `file_body` alone would name response::file_body() here.
    explicit opened_file_response(detail::file_body body)
    {
        set_file_body(std::make_shared<detail::file_body const>(std::move(body)));
    }
};

/// Makes `r` a short text response without the file (the connection sends r.body()).
std::nullopt_t refuse(response& r, http::status code)
{
    r.set_status(code);
    r.headers().erase(http::field::content_type);
    r.headers().erase(http::field::content_encoding);
    r.headers().erase(http::field::accept_ranges);
    if (code != http::status::not_modified) {
        std::string text = std::to_string(http::to_int(code));
        text.append(": ").append(http::reason_phrase(code));
        r.set_body(std::move(text), "text/plain; charset=utf-8");
    }
    return std::nullopt;
}

struct entity_tag {
    std::string_view opaque; // with its quotes
    bool weak = false;
};

/// Calls `visit(tag)` for each entity-tag of an If-Match / If-None-Match list, across every
/// field of that name. Returns true if the list is "*". Malformed members are skipped.
template <typename Visit>
bool for_each_tag(request const& req, http::field name, Visit visit)
{
    for (auto const& [field, value] : req.headers()) {
        if (!http::iequals(field, http::field_name(name))) {
            continue;
        }
        std::string_view rest = value;
        while (!rest.empty()) {
            auto const comma = rest.find(',');
            std::string_view member = http::detail::trim_ows(rest.substr(0, comma));
            rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
            if (member == "*") {
                return true;
            }
            entity_tag tag;
            if (member.starts_with("W/")) {
                tag.weak = true;
                member.remove_prefix(2);
            }
            if (member.size() >= 2 && member.front() == '"' && member.back() == '"') {
                tag.opaque = member;
                visit(tag);
            }
        }
    }
    return false;
}

/// If-Match: true when the list is "*" or has a strong match (RFC 9110 §13.1.1).
bool if_match_passes(request const& req, std::string_view etag)
{
    bool matched = false;
    bool const any = for_each_tag(req, http::field::if_match, [&](entity_tag tag) {
        matched = matched || (!tag.weak && tag.opaque == etag);
    });
    return any || matched;
}

/// If-None-Match: true when the list is "*" or has a weak match (RFC 9110 §13.1.2).
bool if_none_match_matches(request const& req, std::string_view etag)
{
    bool matched = false;
    bool const any = for_each_tag(req, http::field::if_none_match,
                                  [&](entity_tag tag) { matched = matched || tag.opaque == etag; });
    return any || matched;
}

/// If-Range: the range applies only if the validator still matches (RFC 9110 §13.1.5).
bool if_range_passes(std::string_view value, std::string_view etag, http::date_time modified)
{
    value = http::detail::trim_ows(value);
    if (value.starts_with("W/")) {
        return false; // a weak tag never allows a range
    }
    if (value.starts_with('"')) {
        return value == etag;
    }
    auto const date = http::parse_date(value);
    return date && *date == modified;
}

struct byte_range {
    std::uint64_t first = 0;
    std::uint64_t last = 0;
};

enum class range_outcome : unsigned char { whole, partial, unsatisfiable };

bool parse_position(std::string_view text, std::uint64_t& value) noexcept
{
    if (text.empty() || text.find_first_not_of("0123456789") != std::string_view::npos) {
        return false;
    }
    auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc::result_out_of_range) {
        value = UINT64_MAX; // larger than any file: still a valid position
        return true;
    }
    return ec == std::errc{} && end == text.data() + text.size();
}

/// Reads `bytes=first-last`, `bytes=first-` or `bytes=-suffix` (RFC 9110 §14.1.2). A syntax
/// error or several ranges mean "whole": the field is ignored, as §14.2 allows.
range_outcome parse_range(std::string_view value, std::uint64_t size, byte_range& range) noexcept
{
    value = http::detail::trim_ows(value);
    auto const eq = value.find('=');
    if (eq == std::string_view::npos ||
        !http::iequals(http::detail::trim_ows(value.substr(0, eq)), "bytes")) {
        return range_outcome::whole;
    }
    std::string_view spec;
    std::string_view rest = value.substr(eq + 1);
    while (!rest.empty()) {
        auto const comma = rest.find(',');
        std::string_view const member = http::detail::trim_ows(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        if (member.empty()) {
            continue;
        }
        if (!spec.empty()) {
            return range_outcome::whole; // multipart/byteranges is not offered
        }
        spec = member;
    }
    auto const dash = spec.find('-');
    if (dash == std::string_view::npos) {
        return range_outcome::whole;
    }
    std::string_view const first_text = http::detail::trim_ows(spec.substr(0, dash));
    std::string_view const last_text = http::detail::trim_ows(spec.substr(dash + 1));
    if (first_text.empty()) {
        std::uint64_t suffix = 0;
        if (!parse_position(last_text, suffix)) {
            return range_outcome::whole;
        }
        if (suffix == 0 || size == 0) {
            return range_outcome::unsatisfiable;
        }
        range.first = suffix >= size ? 0 : size - suffix;
        range.last = size - 1;
        return range_outcome::partial;
    }
    std::uint64_t first = 0;
    std::uint64_t last = UINT64_MAX;
    if (!parse_position(first_text, first) ||
        (!last_text.empty() && !parse_position(last_text, last)) || last < first) {
        return range_outcome::whole;
    }
    if (first >= size) {
        return range_outcome::unsatisfiable;
    }
    range.first = first;
    range.last = last >= size ? size - 1 : last;
    return range_outcome::partial;
}

void append_hex(std::string& out, std::uint64_t value)
{
    char digits[16];
    auto const end = std::to_chars(digits, digits + sizeof digits, value, 16).ptr;
    out.append(digits, end);
}

/// With file_options::precompressed: looks for the file's precompressed siblings and, if one
/// is a regular file, adds Vary: Accept-Encoding to `r`; if `req` accepts the coding of one,
/// makes `transfer` and `st` describe that sibling instead of the file. Returns the coding
/// chosen (identity: send the file itself).
compression::coding choose_precompressed(request const& req, file_body const& file, response& r,
                                         file_transfer& transfer, struct stat& st)
{
    constexpr std::size_t kinds = precompressed_kinds.size();
    std::array<unique_fd, kinds> opened_here{};
    std::array<int, kinds> fds{};
    std::array<struct stat, kinds> stats{};
    std::array<compression::coding, kinds> offered{};
    std::size_t count = 0;
    for (std::size_t i = 0; i < kinds; ++i) {
        int fd = -1;
        if (file.opened) {
            fd = file.siblings[i].get();
        } else {
            std::string sibling = file.path.native();
            sibling.append(precompressed_kinds[i].suffix);
            opened_here[i].reset(::open(sibling.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
            fd = opened_here[i].get();
        }
        fds[i] = -1;
        if (fd < 0 || ::fstat(fd, &stats[i]) != 0 || !S_ISREG(stats[i].st_mode)) {
            continue; // missing, unreadable or not a file: as if there were none
        }
        fds[i] = fd;
        offered[count++] = precompressed_kinds[i].coding;
    }
    if (count == 0) {
        return compression::coding::identity;
    }
    // The representation depends on Accept-Encoding from now on, whichever one is sent.
    add_vary_accept_encoding(r);
    compression::accept_encoding accepted;
    for (std::string_view const value : req.headers().values(http::field::accept_encoding)) {
        accepted.add(value);
    }
    compression::coding const chosen =
        compression::negotiate(accepted, std::span{offered.data(), count});
    for (std::size_t i = 0; i < kinds; ++i) {
        if (fds[i] >= 0 && precompressed_kinds[i].coding == chosen) {
            transfer.owned = std::move(opened_here[i]); // closes the file's own, if it owned it
            transfer.fd = fds[i];
            st = stats[i];
            return chosen;
        }
    }
    return compression::coding::identity;
}

} // namespace

response make_file_response(file_body body)
{
    return opened_file_response{std::move(body)};
}

std::optional<file_transfer> prepare_file(request const& req, response& r)
{
    file_body const& file = *r.file_body();
    file_transfer transfer;
    if (file.opened) {
        transfer.fd = file.opened.get();
    } else {
        // O_NONBLOCK: opening a FIFO must not block the event loop (it is then refused below).
        int const fd = ::open(file.path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0) {
            return refuse(r, errno == EACCES || errno == EPERM ? http::status::forbidden
                                                               : http::status::not_found);
        }
        transfer.owned.reset(fd);
        transfer.fd = fd;
    }
    struct stat st {};
    if (::fstat(transfer.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        return refuse(r, http::status::forbidden);
    }
    auto& headers = r.headers();
    compression::coding encoding = compression::coding::identity;
    // A handler that set Content-Encoding sends a coded file on purpose: leave it alone.
    if (file.options.precompressed && !headers.contains(http::field::content_encoding)) {
        encoding = choose_precompressed(req, file, r, transfer, st);
    }
    auto const size = static_cast<std::uint64_t>(st.st_size);
    auto const modified_ns = static_cast<std::uint64_t>(st.st_mtim.tv_sec) * 1'000'000'000u +
                             static_cast<std::uint64_t>(st.st_mtim.tv_nsec);
    http::date_time const modified{std::chrono::seconds{st.st_mtim.tv_sec}};

    // A strong validator like nginx's: it changes whenever the size or the mtime does.
    std::string etag = "\"";
    append_hex(etag, modified_ns);
    etag.push_back('-');
    append_hex(etag, size);
    if (encoding != compression::coding::identity) {
        // Another representation: a sibling with F's size and mtime must not share F's tag.
        etag.push_back('-');
        etag.append(compression::coding_name(encoding));
    }
    etag.push_back('"');

    headers.set(http::field::etag, etag);
    headers.set(http::field::last_modified, http::format_date(modified));

    // RFC 9110 §13.2.2: If-Match, then If-Unmodified-Since, If-None-Match, If-Modified-Since.
    auto const& fields = req.headers();
    bool const get_or_head =
        req.method() == http::method::get || req.method() == http::method::head;
    if (fields.contains(http::field::if_match)) {
        if (!if_match_passes(req, etag)) {
            return refuse(r, http::status::precondition_failed);
        }
    } else if (auto const since = fields.find(http::field::if_unmodified_since)) {
        auto const date = http::parse_date(*since);
        if (date && modified > *date) {
            return refuse(r, http::status::precondition_failed);
        }
    }
    if (fields.contains(http::field::if_none_match)) {
        if (if_none_match_matches(req, etag)) {
            return refuse(r, get_or_head ? http::status::not_modified
                                         : http::status::precondition_failed);
        }
    } else if (get_or_head) {
        if (auto const since = fields.find(http::field::if_modified_since)) {
            auto const date = http::parse_date(*since);
            if (date && modified <= *date) {
                return refuse(r, http::status::not_modified);
            }
        }
    }

    if (!headers.contains(http::field::content_type)) {
        std::string_view const type = file.options.content_type.empty()
                                          ? http::guess_content_type(file.path.native())
                                          : std::string_view{file.options.content_type};
        headers.set(http::field::content_type, type);
    }
    if (encoding != compression::coding::identity) {
        headers.set(http::field::content_encoding, compression::coding_name(encoding));
    }
    headers.set(http::field::accept_ranges, "bytes");

    transfer.offset = 0;
    transfer.length = size;
    // Only GET has range semantics (RFC 9110 §14.2).
    auto const range_field = fields.find(http::field::range);
    if (req.method() != http::method::get || !range_field) {
        return transfer;
    }
    if (auto const if_range = fields.find(http::field::if_range);
        if_range && !if_range_passes(*if_range, etag, modified)) {
        return transfer;
    }
    byte_range range;
    switch (parse_range(*range_field, size, range)) {
    case range_outcome::whole:
        return transfer;
    case range_outcome::unsatisfiable: {
        std::string content_range = "bytes */";
        content_range.append(std::to_string(size));
        refuse(r, http::status::range_not_satisfiable);
        r.headers().set(http::field::content_range, content_range);
        return std::nullopt;
    }
    case range_outcome::partial:
        break;
    }
    std::string content_range = "bytes ";
    content_range.append(std::to_string(range.first))
        .append("-")
        .append(std::to_string(range.last))
        .append("/")
        .append(std::to_string(size));
    r.set_status(http::status::partial_content);
    headers.set(http::field::content_range, content_range);
    transfer.offset = range.first;
    transfer.length = range.last - range.first + 1;
    return transfer;
}

} // namespace detail
} // namespace ahttp::web
