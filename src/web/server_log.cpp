// SPDX-License-Identifier: BSL-1.0
// Access log and error log lines; the cached Date header.
#include "web/server_log.hpp"

#include <ahttp/http/date.hpp>

#include <charconv>
#include <cstdio>
#include <ctime>
#include <unistd.h>

namespace ahttp::web::detail {
namespace {

void write_stderr(std::string_view line) noexcept
{
    // One write() per line keeps lines whole when several workers log at once.
    while (!line.empty()) {
        ssize_t const n = ::write(2, line.data(), line.size());
        if (n <= 0) {
            return;
        }
        line.remove_prefix(static_cast<std::size_t>(n));
    }
}

} // namespace

void append_decimal(std::string& out, std::uint64_t value)
{
    char digits[24];
    auto const end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    out.append(digits, end);
}

void log_handler_exception(request const& req, std::string_view what) noexcept
{
    try {
        std::string line = "Error handling request ";
        line.append(req.method_token()).append(" ").append(req.target()).append(": ").append(what);
        line.push_back('\n');
        write_stderr(line);
    } catch (...) {
    }
}

void log_loop_stall(std::size_t worker_index, std::chrono::milliseconds stalled) noexcept
{
    try {
        std::string line = "Warning: the event loop of worker ";
        append_decimal(line, worker_index);
        line.append(" was blocked for ");
        append_decimal(line, static_cast<std::uint64_t>(stalled.count()));
        line.append(" ms; every connection of that worker waited. A handler is running blocking "
                    "code: move it to ahttp::to_thread.\n");
        write_stderr(line);
    } catch (...) {
    }
}

std::string_view http_date() noexcept
{
    thread_local std::time_t cached_second = -1;
    thread_local char text[32];
    thread_local std::size_t length = 0;
    std::time_t const now = std::time(nullptr);
    if (now != cached_second) {
        // Not strftime: its day and month names follow the process locale.
        try {
            std::string const formatted =
                http::format_date(http::date_time{std::chrono::seconds{now}});
            length = formatted.copy(text, sizeof text);
            cached_second = now;
        } catch (...) { // out of memory: keep the previous second's date
        }
    }
    return {text, length};
}

access_logger::access_logger(std::string_view format)
{
    std::string literal;
    auto flush_literal = [&] {
        if (!literal.empty()) {
            pieces_.push_back({kind::literal, std::exchange(literal, {})});
        }
    };
    for (std::size_t i = 0; i < format.size(); ++i) {
        if (format[i] != '%' || i + 1 == format.size()) {
            literal.push_back(format[i]);
            continue;
        }
        char const d = format[++i];
        if (d == '{') {
            auto const close = format.find('}', i);
            if (close == std::string_view::npos || close + 1 >= format.size()) {
                literal.append(format.substr(i - 1));
                break;
            }
            std::string name{format.substr(i + 1, close - i - 1)};
            char const which = format[close + 1];
            flush_literal();
            pieces_.push_back(
                {which == 'o' ? kind::response_header : kind::request_header, std::move(name)});
            i = close + 1;
            continue;
        }
        flush_literal();
        switch (d) {
        case 'a':
            pieces_.push_back({kind::remote, {}});
            break;
        case 't':
            pieces_.push_back({kind::time, {}});
            break;
        case 'P':
            pieces_.push_back({kind::pid, {}});
            break;
        case 'r':
            pieces_.push_back({kind::first_line, {}});
            break;
        case 's':
            pieces_.push_back({kind::status, {}});
            break;
        case 'b':
            pieces_.push_back({kind::bytes, {}});
            break;
        case 'D':
            pieces_.push_back({kind::micros, {}});
            break;
        case 'T':
            if (i + 1 < format.size() && format[i + 1] == 'f') {
                ++i;
                pieces_.push_back({kind::seconds_float, {}});
            } else {
                pieces_.push_back({kind::seconds, {}});
            }
            break;
        case '%':
            literal.push_back('%');
            break;
        default:
            literal.push_back('%');
            literal.push_back(d);
            break;
        }
    }
    flush_literal();
}

void access_logger::log(request const& req, http::status status,
                        http::headers const* response_headers, std::size_t body_bytes,
                        std::chrono::steady_clock::duration elapsed) const noexcept
{
    try {
        thread_local std::string line;
        line.clear();
        auto const micros = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
        for (auto const& p : pieces_) {
            switch (p.what) {
            case kind::literal:
                line.append(p.text);
                break;
            case kind::remote:
                line.append(req.remote().empty() ? "-" : req.remote());
                break;
            case kind::time: {
                std::time_t const now = std::time(nullptr);
                std::tm parts{};
                ::gmtime_r(&now, &parts);
                // English month names whatever the locale, as Apache's and aiohttp's logs.
                static constexpr char const* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
                char text[48];
                int const n =
                    std::snprintf(text, sizeof text, "[%02d/%s/%04d:%02d:%02d:%02d +0000]",
                                  parts.tm_mday, months[parts.tm_mon % 12], parts.tm_year + 1900,
                                  parts.tm_hour, parts.tm_min, parts.tm_sec);
                line.append(text, n > 0 ? static_cast<std::size_t>(n) : 0);
                break;
            }
            case kind::pid:
                append_decimal(line, static_cast<std::uint64_t>(::getpid()));
                break;
            case kind::first_line:
                line.append(req.method_token()).append(" ").append(req.target());
                line.append(req.version_minor() == 0 ? " HTTP/1.0" : " HTTP/1.1");
                break;
            case kind::status:
                append_decimal(line, http::to_int(status));
                break;
            case kind::bytes:
                append_decimal(line, body_bytes);
                break;
            case kind::seconds:
                append_decimal(line, static_cast<std::uint64_t>(micros / 1000000));
                break;
            case kind::seconds_float: {
                char text[32];
                auto const end =
                    std::to_chars(text, text + sizeof text, static_cast<double>(micros) / 1e6,
                                  std::chars_format::fixed, 6)
                        .ptr;
                line.append(text, end);
                break;
            }
            case kind::micros:
                append_decimal(line, static_cast<std::uint64_t>(micros));
                break;
            case kind::request_header:
                line.append(req.headers().value_or(p.text, "-"));
                break;
            case kind::response_header:
                line.append(response_headers ? response_headers->value_or(p.text, "-") : "-");
                break;
            }
        }
        line.push_back('\n');
        write_stderr(line);
    } catch (...) {
    }
}

} // namespace ahttp::web::detail
