// SPDX-License-Identifier: BSL-1.0
// Query strings, percent-decoding, HTTP dates and Set-Cookie fields (the first byte picks
// which). Invariants: a parsed query re-encodes to text that parses to the same pairs;
// percent-decoding never grows the text; a date that parses formats to a string that parses to
// the same instant; a Set-Cookie that parses has a name, no ';' in name or value, and a
// lower-case Domain without a leading dot.
#include <ahttp/http/cookie.hpp>
#include <ahttp/http/date.hpp>
#include <ahttp/http/query.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

void check(bool condition)
{
    if (!condition) {
        std::abort();
    }
}

void query(std::string_view text)
{
    auto const parsed = ahttp::http::query_params::parse(text);
    auto const again = ahttp::http::query_params::parse(parsed.encode());
    check(parsed.size() == again.size());
    auto a = parsed.begin();
    for (auto b = again.begin(); b != again.end(); ++a, ++b) {
        check(*a == *b);
    }
    check(ahttp::http::percent_decode(text).size() <= text.size());
    check(ahttp::http::percent_decode(text, true).size() <= text.size());
}

void date(std::string_view text)
{
    auto const parsed = ahttp::http::parse_date(text);
    if (parsed) {
        auto const again = ahttp::http::parse_date(ahttp::http::format_date(*parsed));
        check(again && *again == *parsed);
    }
}

void set_cookie(std::string_view text)
{
    using namespace std::chrono;
    ahttp::http::date_time const now{seconds{1'700'000'000}};
    auto const parsed = ahttp::http::parse_set_cookie(text, now);
    if (!parsed) {
        return;
    }
    check(!parsed->name.empty());
    check(parsed->name.find(';') == std::string::npos);
    check(parsed->value.find(';') == std::string::npos);
    check(parsed->domain.empty() || parsed->domain.front() != '.');
    for (char const c : parsed->domain) {
        check(!(c >= 'A' && c <= 'Z'));
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    if (size == 0) {
        return 0;
    }
    std::string_view const text{reinterpret_cast<char const*>(data) + 1, size - 1};
    switch (data[0] % 3) {
    case 0:
        query(text);
        break;
    case 1:
        date(text);
        break;
    default:
        set_cookie(text);
        break;
    }
    return 0;
}
