// SPDX-License-Identifier: BSL-1.0
// httpbin's body generators: random bytes (/bytes, /stream-bytes, reproducible with
// `seed`), JSON lines (/stream), a slow drip (/drip) and ranged letters (/range). Waits
// are timers, so a slow response never holds up the loop.
#include "httpbin/httpbin_python_random.hpp"
#include "httpbin/httpbin_request_info.hpp"
#include "httpbin/httpbin_routes.hpp"
#include "httpbin/httpbin_text.hpp"

#include <ahttp/sleep.hpp>
#include <ahttp/web/stream_response.hpp>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>

namespace ahttp::cli::httpbin {

namespace json = boost::json;

namespace {

constexpr std::uint64_t max_random_bytes = 100 * 1024;     // httpbin's cap
constexpr std::uint64_t max_drip_bytes = 10 * 1024 * 1024; // httpbin's cap
constexpr std::uint64_t default_chunk_size = 10 * 1024;
constexpr std::uint64_t max_stream_lines = 100;

/// The {n} of a route whose pattern is \d+: too many digits for 64 bits means "a lot".
std::uint64_t count_param(web::request const& req, std::string_view name, std::uint64_t cap)
{
    return std::min(parse_unsigned(req.path_param(name)).value_or(cap), cap);
}

web::response bad_parameter(std::string_view what)
{
    return web::response::text(std::string{what}, http::status::bad_request);
}

awaitable<void> pause(double seconds)
{
    if (seconds > 0) {
        co_await ahttp::sleep(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::duration<double>{seconds}));
    }
}

/// The generator for `seed`, or one seeded from entropy; nullopt for a seed that is not an
/// integer.
std::optional<python_random> random_for(web::request const& req)
{
    if (auto const seed = arg_ignoring_case(req, "seed")) {
        return python_random::from_seed(*seed);
    }
    return python_random{};
}

/// chunk_size as httpbin reads it (at least 1), or nullopt if it is not an integer.
std::optional<std::uint64_t> chunk_size(web::request const& req)
{
    auto const asked = arg_ignoring_case(req, "chunk_size");
    if (!asked) {
        return default_chunk_size;
    }
    std::optional<std::int64_t> const size = parse_signed(*asked);
    if (!size) {
        return std::nullopt;
    }
    return static_cast<std::uint64_t>(std::max<std::int64_t>(*size, 1));
}

awaitable<web::response> random_bytes(web::request& req)
{
    std::uint64_t const n = count_param(req, "n", max_random_bytes);
    std::optional<python_random> random = random_for(req);
    if (!random) {
        co_return bad_parameter("seed must be an integer");
    }
    std::string body(n, '\0');
    for (char& byte : body) {
        byte = static_cast<char>(random->next_byte());
    }
    co_return web::response::bytes(std::move(body));
}

awaitable<web::response> stream_random_bytes(web::request& req)
{
    std::uint64_t const n = count_param(req, "n", max_random_bytes);
    std::optional<python_random> random = random_for(req);
    std::optional<std::uint64_t> const chunk = chunk_size(req);
    if (!random || !chunk) {
        co_return bad_parameter("seed and chunk_size must be integers");
    }
    web::stream_response stream;
    stream.headers().set("Content-Type", "application/octet-stream");
    add_cors_fields(req, stream);
    co_await stream.prepare(req);
    std::string piece;
    for (std::uint64_t sent = 0; sent < n; sent += piece.size()) {
        piece.resize(std::min(*chunk, n - sent));
        for (char& byte : piece) {
            byte = static_cast<char>(random->next_byte());
        }
        co_await stream.write(piece);
    }
    co_await stream.write_eof();
    co_return stream;
}

awaitable<web::response> stream_lines(web::request& req)
{
    std::uint64_t const n = count_param(req, "n", max_stream_lines);
    // One line per message, keys in httpbin's order (url, args, headers, origin, id).
    json::object message;
    message.emplace("url", request_url(req));
    message.emplace("args", request_args(req));
    message.emplace("headers", request_headers(req));
    message.emplace("origin", request_origin(req));
    web::stream_response stream;
    stream.headers().set("Content-Type", "application/json");
    add_cors_fields(req, stream);
    co_await stream.prepare(req);
    for (std::uint64_t id = 0; id < n; ++id) {
        message["id"] = id;
        std::string const line = python_dumps(message) + "\n";
        co_await stream.write(line);
    }
    co_await stream.write_eof();
    co_return stream;
}

/// A number parameter of /drip, or `fallback` when absent.
std::optional<double> number_arg(web::request const& req, std::string_view name, double fallback)
{
    auto const text = arg_ignoring_case(req, name);
    return text ? parse_number(*text) : std::optional<double>{fallback};
}

awaitable<web::response> drip(web::request& req)
{
    std::optional<double> const duration = number_arg(req, "duration", 2);
    std::optional<double> const delay = number_arg(req, "delay", 0);
    std::optional<std::int64_t> const numbytes =
        parse_signed(arg_ignoring_case(req, "numbytes").value_or("10"));
    std::optional<std::int64_t> const code =
        parse_signed(arg_ignoring_case(req, "code").value_or("200"));
    if (!duration || !delay || *duration < 0 || *delay < 0) {
        co_return bad_parameter("duration and delay must be non-negative numbers of seconds");
    }
    if (!numbytes || !code || *code < 200 || *code > 999) {
        co_return bad_parameter("numbytes and code must be integers, code a final status");
    }
    if (*numbytes <= 0) {
        co_return bad_parameter("number of bytes must be positive");
    }
    auto const total = std::min(static_cast<std::uint64_t>(*numbytes), max_drip_bytes);
    co_await pause(*delay);

    web::stream_response stream{static_cast<http::status>(*code)};
    stream.headers().set("Content-Type", "application/octet-stream");
    stream.set_content_length(total);
    add_cors_fields(req, stream);
    co_await stream.prepare(req);
    // One byte per write as httpbin does, but at most ~1000 writes: past that, pieces grow
    // so that a large drip does not cost a timer per byte.
    std::uint64_t const piece_size = std::max<std::uint64_t>(1, (total + 999) / 1000);
    double const pause_per_byte = *duration / static_cast<double>(total);
    for (std::uint64_t sent = 0; sent < total;) {
        std::uint64_t const size = std::min(piece_size, total - sent);
        co_await stream.write(std::string(size, '*'));
        sent += size;
        if (sent < total) { // the body is complete after the last piece: no pause then
            co_await pause(pause_per_byte * static_cast<double>(size));
        }
    }
    co_await stream.write_eof();
    co_return stream;
}

struct byte_range {
    std::int64_t first;
    std::int64_t last;
};

/// Reads "bytes=first-last" ("bytes=-suffix", "bytes=first-") as httpbin does: anything it
/// cannot read means the whole resource.
byte_range requested_range(std::string_view field, std::int64_t size)
{
    auto trim = [](std::string_view text) {
        while (!text.empty() && text.front() == ' ') {
            text.remove_prefix(1);
        }
        while (!text.empty() && text.back() == ' ') {
            text.remove_suffix(1);
        }
        return text;
    };
    std::optional<std::int64_t> first;
    std::optional<std::int64_t> last;
    field = trim(field);
    std::size_t const equals = field.find('=');
    if (field.substr(0, 5) == "bytes" && equals != std::string_view::npos &&
        field.find('=', equals + 1) == std::string_view::npos) {
        std::string_view const spec = field.substr(equals + 1);
        std::size_t const dash = spec.find('-');
        first = parse_signed(trim(spec.substr(0, dash)));
        if (dash != std::string_view::npos) {
            std::string_view const after = spec.substr(dash + 1);
            last = parse_signed(trim(after.substr(0, after.find('-'))));
        }
    }
    if (!first && !last) {
        return {0, size - 1};
    }
    if (!first) {
        return {std::max<std::int64_t>(0, size - *last), size - 1};
    }
    return {*first, last.value_or(size - 1)};
}

/// The ETag and Accept-Ranges every /range answer carries.
void add_range_fields(web::response& r, std::uint64_t n)
{
    r.headers().set("ETag", "range" + std::to_string(n));
    r.headers().set("Accept-Ranges", "bytes");
}

awaitable<web::response> range(web::request& req)
{
    std::optional<std::uint64_t> const parsed = parse_unsigned(req.path_param("numbytes"));
    if (!parsed || *parsed == 0 || *parsed > max_random_bytes) {
        web::response r = web::response::text("number of bytes must be in the range (0, 102400]",
                                              http::status::not_found);
        add_range_fields(r, parsed.value_or(0));
        co_return r;
    }
    auto const n = static_cast<std::int64_t>(*parsed);
    std::optional<std::uint64_t> const chunk = chunk_size(req);
    std::optional<double> const duration = number_arg(req, "duration", 0);
    if (!chunk || !duration || *duration < 0) {
        co_return bad_parameter("chunk_size must be an integer, duration a number of seconds");
    }
    byte_range const wanted = requested_range(req.headers().value_or("Range", ""), n);
    std::int64_t const first = wanted.first;
    std::int64_t const last = wanted.last;
    if (first > last || first < 0 || first >= n || last < 0 || last >= n) {
        web::response r = web::response::text({}, http::status::range_not_satisfiable);
        add_range_fields(r, *parsed);
        r.headers().set("Content-Range", "bytes */" + std::to_string(n));
        co_return r;
    }
    bool const whole = first == 0 && last == n - 1;
    web::stream_response stream{whole ? http::status::ok : http::status::partial_content};
    stream.headers().set("Content-Type", "application/octet-stream");
    add_range_fields(stream, *parsed);
    stream.headers().set("Content-Range", "bytes " + std::to_string(first) + "-" +
                                              std::to_string(last) + "/" + std::to_string(n));
    stream.set_content_length(static_cast<std::uint64_t>(last - first + 1));
    add_cors_fields(req, stream);
    co_await stream.prepare(req);
    // The same letters for the same offsets on every request, so ranges can be stitched.
    double const pause_per_byte = *duration / static_cast<double>(n);
    std::string piece;
    for (std::int64_t offset = first; offset <= last;) {
        auto const size =
            std::min<std::int64_t>(static_cast<std::int64_t>(*chunk), last - offset + 1);
        piece.clear();
        for (std::int64_t i = offset; i < offset + size; ++i) {
            piece.push_back(static_cast<char>('a' + i % 26));
        }
        co_await pause(pause_per_byte * static_cast<double>(size));
        co_await stream.write(piece);
        offset += size;
    }
    co_await stream.write_eof();
    co_return stream;
}

} // namespace

void add_stream_routes(web::router& router)
{
    router.add_get(R"(/bytes/{n:\d+})", random_bytes);
    router.add_get(R"(/stream-bytes/{n:\d+})", stream_random_bytes);
    router.add_get(R"(/stream/{n:\d+})", stream_lines);
    router.add_get("/drip", drip);
    router.add_get(R"(/range/{numbytes:\d+})", range);
}

} // namespace ahttp::cli::httpbin
