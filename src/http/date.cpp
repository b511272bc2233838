// SPDX-License-Identifier: BSL-1.0
// HTTP date formatting and parsing without the C locale machinery (strftime/strptime are
// locale-dependent and strptime accepts far more than RFC 9110 allows).
#include <ahttp/http/date.hpp>

#include <array>
#include <cctype>

namespace ahttp::http {
namespace {

constexpr std::array<std::string_view, 7> day_names{"Sun", "Mon", "Tue", "Wed",
                                                    "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 7> long_day_names{
    "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 12> month_names{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

void append_two_digits(std::string& out, unsigned value)
{
    out.push_back(static_cast<char>('0' + value / 10));
    out.push_back(static_cast<char>('0' + value % 10));
}

/// A cursor over the text being parsed; every step fails softly.
class scanner {
public:
    explicit scanner(std::string_view text) noexcept : text_(text) {}

    bool literal(std::string_view expected) noexcept
    {
        if (text_.substr(0, expected.size()) != expected) {
            return false;
        }
        text_.remove_prefix(expected.size());
        return true;
    }
    /// Exactly `count` digits.
    bool digits(std::size_t count, unsigned& value) noexcept
    {
        if (text_.size() < count) {
            return false;
        }
        value = 0;
        for (std::size_t i = 0; i < count; ++i) {
            char const c = text_[i];
            if (c < '0' || c > '9') {
                return false;
            }
            value = value * 10 + static_cast<unsigned>(c - '0');
        }
        text_.remove_prefix(count);
        return true;
    }
    /// One of `names` (case-sensitive, as the grammar says); returns its index.
    template <std::size_t N>
    bool one_of(std::array<std::string_view, N> const& names, unsigned& index) noexcept
    {
        for (std::size_t i = 0; i < N; ++i) {
            if (literal(names[i])) {
                index = static_cast<unsigned>(i);
                return true;
            }
        }
        return false;
    }
    bool time_of_day(unsigned& h, unsigned& m, unsigned& s) noexcept
    {
        return digits(2, h) && literal(":") && digits(2, m) && literal(":") && digits(2, s) &&
               h < 24 && m < 60 && s < 61; // 60: a leap second, clamped below
    }
    bool done() const noexcept { return text_.empty(); }

private:
    std::string_view text_;
};

std::optional<date_time> make_date(unsigned year, unsigned month, unsigned day, unsigned h,
                                   unsigned m, unsigned s) noexcept
{
    std::chrono::year_month_day const ymd{std::chrono::year{static_cast<int>(year)},
                                          std::chrono::month{month + 1}, std::chrono::day{day}};
    if (!ymd.ok()) {
        return std::nullopt;
    }
    return std::chrono::sys_days{ymd} + std::chrono::hours{h} + std::chrono::minutes{m} +
           std::chrono::seconds{s > 59 ? 59 : s};
}

std::optional<date_time> parse_imf_fixdate(std::string_view text) noexcept
{
    // Sun, 06 Nov 1994 08:49:37 GMT
    scanner in{text};
    unsigned weekday = 0, day = 0, month = 0, year = 0, h = 0, m = 0, s = 0;
    if (in.one_of(day_names, weekday) && in.literal(", ") && in.digits(2, day) && in.literal(" ") &&
        in.one_of(month_names, month) && in.literal(" ") && in.digits(4, year) && in.literal(" ") &&
        in.time_of_day(h, m, s) && in.literal(" GMT") && in.done()) {
        return make_date(year, month, day, h, m, s);
    }
    return std::nullopt;
}

std::optional<date_time> parse_rfc850(std::string_view text) noexcept
{
    // Sunday, 06-Nov-94 08:49:37 GMT — two-digit years are read as in RFC 9110 §5.6.7: more
    // than 50 years in the future means the previous century.
    scanner in{text};
    unsigned weekday = 0, day = 0, month = 0, year = 0, h = 0, m = 0, s = 0;
    if (in.one_of(long_day_names, weekday) && in.literal(", ") && in.digits(2, day) &&
        in.literal("-") && in.one_of(month_names, month) && in.literal("-") && in.digits(2, year) &&
        in.literal(" ") && in.time_of_day(h, m, s) && in.literal(" GMT") && in.done()) {
        auto const now = std::chrono::year_month_day{
            std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())};
        unsigned const this_year = static_cast<unsigned>(static_cast<int>(now.year()));
        unsigned full = this_year / 100 * 100 + year;
        if (full > this_year + 50) {
            full -= 100;
        }
        return make_date(full, month, day, h, m, s);
    }
    return std::nullopt;
}

std::optional<date_time> parse_asctime(std::string_view text) noexcept
{
    // Sun Nov  6 08:49:37 1994
    scanner in{text};
    unsigned weekday = 0, day = 0, month = 0, year = 0, h = 0, m = 0, s = 0;
    if (!in.one_of(day_names, weekday) || !in.literal(" ") || !in.one_of(month_names, month) ||
        !in.literal(" ")) {
        return std::nullopt;
    }
    if (in.literal(" ")) {
        if (!in.digits(1, day)) {
            return std::nullopt;
        }
    } else if (!in.digits(2, day)) {
        return std::nullopt;
    }
    if (in.literal(" ") && in.time_of_day(h, m, s) && in.literal(" ") && in.digits(4, year) &&
        in.done()) {
        return make_date(year, month, day, h, m, s);
    }
    return std::nullopt;
}

} // namespace

std::string format_date(date_time when)
{
    auto const days = std::chrono::floor<std::chrono::days>(when);
    std::chrono::year_month_day const ymd{days};
    std::chrono::hh_mm_ss const time{when - days};
    std::chrono::weekday const weekday{days};

    std::string out;
    out.reserve(29);
    out.append(day_names[weekday.c_encoding()]).append(", ");
    append_two_digits(out, static_cast<unsigned>(ymd.day()));
    out.push_back(' ');
    out.append(month_names[static_cast<unsigned>(ymd.month()) - 1]);
    out.push_back(' ');
    int year = static_cast<int>(ymd.year());
    year = year < 0 ? 0 : year > 9999 ? 9999 : year;
    append_two_digits(out, static_cast<unsigned>(year / 100));
    append_two_digits(out, static_cast<unsigned>(year % 100));
    out.push_back(' ');
    append_two_digits(out, static_cast<unsigned>(time.hours().count()));
    out.push_back(':');
    append_two_digits(out, static_cast<unsigned>(time.minutes().count()));
    out.push_back(':');
    append_two_digits(out, static_cast<unsigned>(time.seconds().count()));
    out.append(" GMT");
    return out;
}

std::optional<date_time> parse_date(std::string_view text) noexcept
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    if (auto d = parse_imf_fixdate(text)) {
        return d;
    }
    if (auto d = parse_rfc850(text)) {
        return d;
    }
    return parse_asctime(text);
}

} // namespace ahttp::http
