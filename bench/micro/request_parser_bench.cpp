// SPDX-License-Identifier: BSL-1.0
// Micro-benchmarks of the request and response head parsers and the chunked decoder (Google
// Benchmark). Run: build/release/bench/ahttp_parser_bench
#include "wire/request_parser.hpp"
#include "wire/response_parser.hpp"

#include <benchmark/benchmark.h>

#include <string>
#include <string_view>

namespace {

using ahttp::wire::chunked_decoder;
using ahttp::wire::parse_error;
using ahttp::wire::parse_status;
using ahttp::wire::request_head;
using ahttp::wire::request_parser;
using ahttp::wire::response_head;
using ahttp::wire::response_parser;

constexpr std::string_view small_get = "GET /index.html HTTP/1.1\r\n"
                                       "Host: example.com\r\n"
                                       "User-Agent: curl/8.5.0\r\n"
                                       "Accept: */*\r\n"
                                       "\r\n";

// What a browser sends: a dozen fields, long values, a cookie.
constexpr std::string_view browser_get =
    "GET /static/app.js?v=3f9a1c HTTP/1.1\r\n"
    "Host: www.example.com\r\n"
    "Connection: keep-alive\r\n"
    "sec-ch-ua: \"Chromium\";v=\"122\", \"Not(A:Brand\";v=\"24\"\r\n"
    "sec-ch-ua-mobile: ?0\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/122.0.0.0 Safari/537.36\r\n"
    "sec-ch-ua-platform: \"Linux\"\r\n"
    "Accept: */*\r\n"
    "Sec-Fetch-Site: same-origin\r\n"
    "Sec-Fetch-Mode: no-cors\r\n"
    "Sec-Fetch-Dest: script\r\n"
    "Referer: https://www.example.com/\r\n"
    "Accept-Encoding: gzip, deflate, br\r\n"
    "Accept-Language: en-GB,en;q=0.9\r\n"
    "Cookie: session=4f2b9c0e8a7d4e1f9b3c6a5d2e8f7a1b; theme=dark; consent=yes\r\n"
    "\r\n";

/// Times `parse(input)` (one whole head per call) and reports bytes per second.
template <class Parse>
void time_parse(benchmark::State& state, std::string_view input, Parse parse)
{
    for (auto _ : state) {
        benchmark::DoNotOptimize(input.data());
        benchmark::DoNotOptimize(parse(input));
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * input.size()));
}

void parse_head(benchmark::State& state, std::string_view input)
{
    request_parser const parser;
    request_head head;
    parse_error error;
    time_parse(state, input, [&](std::string_view in) {
        parse_status const result = parser.parse(in, head, error);
        benchmark::DoNotOptimize(head);
        return result;
    });
}

void BM_ParseSmallGet(benchmark::State& state)
{
    parse_head(state, small_get);
}
void BM_ParseBrowserGet(benchmark::State& state)
{
    parse_head(state, browser_get);
}

// The worst case of the stateless design: a head arriving in two halves is scanned 1.5 times.
void BM_ParseSmallGetInTwoHalves(benchmark::State& state)
{
    request_parser const parser;
    request_head head;
    parse_error error;
    std::string_view const first = small_get.substr(0, small_get.size() / 2);
    for (auto _ : state) {
        benchmark::DoNotOptimize(parser.parse(first, head, error));
        benchmark::DoNotOptimize(parser.parse(small_get, head, error));
    }
}

// What nginx answers to the client benchmark's GET (bench/client): five fields.
constexpr std::string_view nginx_response = "HTTP/1.1 200 OK\r\n"
                                            "Server: nginx/1.22.1\r\n"
                                            "Date: Sun, 29 Nov 2026 22:45:27 GMT\r\n"
                                            "Content-Type: text/plain\r\n"
                                            "Content-Length: 5\r\n"
                                            "Connection: keep-alive\r\n"
                                            "\r\n"
                                            "hello";

// A CDN-style answer: more fields, longer values.
constexpr std::string_view cdn_response =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: application/javascript; charset=utf-8\r\n"
    "Content-Length: 48213\r\n"
    "Connection: keep-alive\r\n"
    "Cache-Control: public, max-age=31536000, immutable\r\n"
    "Date: Sun, 29 Nov 2026 22:45:27 GMT\r\n"
    "ETag: \"5f3a9c1e-bc55\"\r\n"
    "Last-Modified: Tue, 10 Nov 2026 08:12:40 GMT\r\n"
    "Vary: Accept-Encoding\r\n"
    "Strict-Transport-Security: max-age=63072000; includeSubDomains; preload\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "Age: 3127\r\n"
    "\r\n";

void parse_response_head(benchmark::State& state, std::string_view input)
{
    response_parser const parser;
    response_head head;
    parse_error error;
    time_parse(state, input, [&](std::string_view in) {
        parse_status const result = parser.parse(in, head, error, {});
        benchmark::DoNotOptimize(head);
        return result;
    });
}

void BM_ParseNginxResponse(benchmark::State& state)
{
    parse_response_head(state, nginx_response);
}
void BM_ParseCdnResponse(benchmark::State& state)
{
    parse_response_head(state, cdn_response);
}

void BM_DecodeChunked(benchmark::State& state)
{
    std::string body;
    for (int i = 0; i < 64; ++i) {
        body += "400\r\n" + std::string(1024, 'x') + "\r\n";
    }
    body += "0\r\n\r\n";
    for (auto _ : state) {
        chunked_decoder decoder;
        std::string_view rest = body;
        std::size_t total = 0;
        while (!decoder.done()) {
            auto const r = decoder.decode(rest);
            total += r.data.size();
            rest.remove_prefix(r.consumed);
        }
        benchmark::DoNotOptimize(total);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
}

BENCHMARK(BM_ParseSmallGet);
BENCHMARK(BM_ParseBrowserGet);
BENCHMARK(BM_ParseSmallGetInTwoHalves);
BENCHMARK(BM_ParseNginxResponse);
BENCHMARK(BM_ParseCdnResponse);
BENCHMARK(BM_DecodeChunked);

} // namespace

BENCHMARK_MAIN();
