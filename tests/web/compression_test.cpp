// SPDX-License-Identifier: BSL-1.0
// response::enable_compression() over real sockets: gzip/deflate/br negotiated from
// Accept-Encoding and decoded by curl, python requests and aiohttp; size and status rules;
// HEAD; compressed stream_response delivered piece by piece.
#include "support/files.hpp"
#include "support/process.hpp"
#include "support/raw_client.hpp"

#include <ahttp/sleep.hpp>
#include <ahttp/testing/test_server.hpp>
#include <ahttp/web.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

namespace fs = std::filesystem;
namespace web = ahttp::web;
using ahttp::test::parse_response;
using ahttp::test::random_bytes;
using ahttp::test::raw_client;
using ahttp::test::request;
using ahttp::test::run_process;
using ahttp::test::system_python;
using namespace std::chrono_literals;

/// About 10 KB of text that compresses well.
std::string const& compressible_text()
{
    static std::string const text = [] {
        std::string out;
        for (int i = 0; i < 300; ++i) {
            out += "line " + std::to_string(i) + " of a body that compresses nicely\n";
        }
        return out;
    }();
    return text;
}

/// A compressed stream's pieces; the handler writes the first, waits for GET /release, then
/// writes the others.
std::string const stream_piece_1 = "data: first event, sent before the handler waits\n\n";
std::string const stream_piece_2 = "data: second event, after the release\n\n";
std::string const stream_piece_3 = "data: " + std::string(5000, 'z') + "\n\n";

/// Shared between the stream handler and GET /release (both run on the server's thread).
struct stream_gate {
    std::atomic<int> releases{0};
};

web::response compressed(web::response r)
{
    r.enable_compression();
    return r;
}

web::application compression_app()
{
    web::application app;
    auto& router = app.router();
    router.add_get("/text", [](web::request&) -> ahttp::awaitable<web::response> {
        co_return compressed(web::response::text(compressible_text()));
    });
    router.add_get("/plain", [](web::request&) -> ahttp::awaitable<web::response> {
        co_return web::response::text(compressible_text()); // compression not enabled
    });
    router.add_get("/size/{n:\\d+}", [](web::request& req) -> ahttp::awaitable<web::response> {
        auto const n = std::stoul(std::string{req.path_param("n")});
        co_return compressed(web::response::text(std::string(n, 'a')));
    });
    router.add_get("/random", [](web::request&) -> ahttp::awaitable<web::response> {
        co_return compressed(web::response::bytes(random_bytes(4096)));
    });
    router.add_get("/forced-br", [](web::request&) -> ahttp::awaitable<web::response> {
        web::response r = web::response::text(compressible_text());
        r.enable_compression(web::content_coding::br);
        co_return r;
    });
    router.add_get("/etag", [](web::request&) -> ahttp::awaitable<web::response> {
        web::response r = compressed(web::response::text(compressible_text()));
        r.headers().set("ETag", "\"v1\"");
        r.headers().set("Vary", "Cookie");
        co_return r;
    });
    router.add_get("/precoded", [](web::request&) -> ahttp::awaitable<web::response> {
        web::response r = compressed(web::response::text(compressible_text()));
        r.headers().set("Content-Encoding", "identity");
        co_return r;
    });
    router.add_get("/no-content", [](web::request&) -> ahttp::awaitable<web::response> {
        co_return compressed(web::response{ahttp::http::status::no_content});
    });
    auto gate = std::make_shared<stream_gate>();
    router.add_get("/release", [gate](web::request&) -> ahttp::awaitable<web::response> {
        ++gate->releases;
        co_return web::response::text("released");
    });
    router.add_get("/stream", [gate](web::request& req) -> ahttp::awaitable<web::response> {
        web::stream_response stream;
        stream.headers().set("Content-Type", "text/event-stream");
        stream.enable_compression();
        co_await stream.prepare(req);
        int const seen = gate->releases.load();
        co_await stream.write(stream_piece_1);
        // The client asks for /release only once it has decoded the first piece: if that
        // piece sat in a compressor or socket buffer, we would wait here until the timeout.
        auto const deadline = std::chrono::steady_clock::now() + 10s;
        while (gate->releases.load() == seen && std::chrono::steady_clock::now() < deadline) {
            co_await ahttp::sleep(5ms);
        }
        if (gate->releases.load() == seen) {
            co_await stream.write("TIMED OUT waiting for the release\n");
        }
        co_await stream.write(stream_piece_2);
        co_await stream.write(stream_piece_3);
        co_await stream.write_eof();
        co_return stream;
    });
    router.add_get("/stream-length", [](web::request& req) -> ahttp::awaitable<web::response> {
        web::stream_response stream;
        stream.set_content_length(compressible_text().size()); // dropped: the coding changes it
        stream.enable_compression();
        co_await stream.prepare(req);
        co_await stream.write(compressible_text());
        co_await stream.write_eof();
        co_return stream;
    });
    return app;
}

/// Decodes `coded` with Python's zlib/gzip/brotli modules (an implementation independent of
/// ours); returns "DECODE FAILED: …" on error.
std::string python_decode(std::string const& coding, std::string const& coded)
{
    std::string const script = R"(
import sys, zlib, gzip
data = sys.stdin.buffer.read()
c = sys.argv[1]
if c == 'gzip':
    out = gzip.decompress(data)
elif c == 'deflate':
    out = zlib.decompress(data)
else:
    import brotli
    out = brotli.decompress(data)
sys.stdout.buffer.write(out)
)";
    auto const r = run_process({system_python, "-c", script, coding}, coded);
    return r.exit_code == 0 ? r.out : "DECODE FAILED: " + r.err;
}

bool python_has_brotli()
{
    return run_process({system_python, "-c", "import brotli"}).exit_code == 0;
}

/// A response as curl -i --compressed prints it: head as received, body decoded.
struct curl_answer {
    int exit_code = -1;
    std::string head;
    std::string body;
    std::string err;
    /// The value of field `name` (case-insensitive), or empty.
    std::string header(std::string_view name) const
    {
        return parse_response(head + "\r\n\r\n").header(name);
    }
};

curl_answer curl_compressed(std::string const& url, std::string const& accept_encoding)
{
    auto const r = run_process(
        {"curl", "-sS", "-i", "--compressed", "-H", "Accept-Encoding: " + accept_encoding, url});
    curl_answer out;
    out.exit_code = r.exit_code;
    out.err = r.err;
    auto const split = r.out.find("\r\n\r\n");
    out.head = r.out.substr(0, split);
    out.body = split == std::string::npos ? std::string{} : r.out.substr(split + 4);
    return out;
}

TEST(CompressionTest, CurlDecodesEachCoding)
{
    auto app = compression_app();
    ahttp::testing::test_server server{app};
    for (std::string const coding : {"gzip", "deflate", "br"}) {
        auto const r = curl_compressed(server.url("/text"), coding);
        ASSERT_EQ(r.exit_code, 0) << coding << ": " << r.err;
        EXPECT_TRUE(r.head.starts_with("HTTP/1.1 200")) << r.head;
        EXPECT_EQ(r.header("Content-Encoding"), coding) << r.head;
        EXPECT_EQ(r.header("Vary"), "Accept-Encoding") << r.head;
        EXPECT_EQ(r.header("Content-Type"), "text/plain; charset=utf-8") << r.head;
        EXPECT_LT(std::stoul(r.header("Content-Length")), compressible_text().size() / 4) << r.head;
        EXPECT_EQ(r.body.size(), compressible_text().size()) << coding;
        EXPECT_TRUE(r.body == compressible_text()) << coding;
    }
}

TEST(CompressionTest, RawBodyIsTheCodedBytesAndDecodesIndependently)
{
    auto app = compression_app();
    ahttp::testing::test_server server{app};
    for (std::string const coding : {"gzip", "deflate", "br"}) {
        auto const r =
            request(server.port(), "GET", "/text", "Accept-Encoding: " + coding + "\r\n");
        EXPECT_EQ(r.status, 200);
        EXPECT_EQ(r.header("Content-Encoding"), coding);
        EXPECT_EQ(r.header("Content-Length"), std::to_string(r.body.size()));
        EXPECT_EQ(python_decode(coding, r.body), compressible_text()) << coding;
        if (coding == "gzip") {
            EXPECT_TRUE(r.body.starts_with("\x1f\x8b")); // gzip magic
        }
        if (coding == "deflate") {
            // RFC 9110 §8.4.1.2: "deflate" is the zlib format (RFC 1950), not raw deflate.
            ASSERT_GE(r.body.size(), 2u);
            EXPECT_EQ(r.body[0] & 0x0f, 8);
            EXPECT_EQ(((static_cast<unsigned char>(r.body[0]) << 8) |
                       static_cast<unsigned char>(r.body[1])) %
                          31,
                      0);
        }
    }
}

TEST(CompressionTest, NoAcceptEncodingMeansIdentity)
{
    auto app = compression_app();
    ahttp::testing::test_server server{app};
    auto const r = request(server.port(), "GET", "/text");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("Content-Encoding"), "");
    EXPECT_EQ(r.header("Vary"), "Accept-Encoding"); // the answer still depended on the field
    EXPECT_EQ(r.header("Content-Length"), std::to_string(compressible_text().size()));
    EXPECT_TRUE(r.body == compressible_text());
    // Without enable_compression(), nothing is negotiated at all.
    auto const plain = request(server.port(), "GET", "/plain", "Accept-Encoding: gzip, br\r\n");
    EXPECT_EQ(plain.header("Content-Encoding"), "");
    EXPECT_EQ(plain.header("Vary"), "");
    EXPECT_TRUE(plain.body == compressible_text());
}

TEST(CompressionTest, SmallAndIncompressibleBodiesAreSentAsIs)
{
    auto app = compression_app();
    ahttp::testing::test_server server{app};
    auto const tiny = request(server.port(), "GET", "/size/63", "Accept-Encoding: gzip\r\n");
    EXPECT_EQ(tiny.header("Content-Encoding"), "");
    EXPECT_EQ(tiny.header("Vary"), "Accept-Encoding");
    EXPECT_EQ(tiny.body, std::string(63, 'a'));
    // 64 bytes is the threshold.
    auto const edge = request(server.port(), "GET", "/size/64", "Accept-Encoding: gzip\r\n");
    EXPECT_EQ(edge.header("Content-Encoding"), "gzip");
    EXPECT_LT(edge.body.size(), 64u);
    EXPECT_EQ(python_decode("gzip", edge.body), std::string(64, 'a'));
    // Random bytes would grow: sent as they are.
    auto const random = request(server.port(), "GET", "/random", "Accept-Encoding: gzip, br\r\n");
    EXPECT_EQ(random.header("Content-Encoding"), "");
    EXPECT_TRUE(random.body == random_bytes(4096));
    // No body, no coding.
    auto const empty = request(server.port(), "GET", "/no-content", "Accept-Encoding: gzip\r\n");
    EXPECT_EQ(empty.status, 204);
    EXPECT_EQ(empty.header("Content-Encoding"), "");
}

TEST(CompressionTest, HeadHasTheContentLengthOfGet)
{
    auto app = compression_app();
    ahttp::testing::test_server server{app};
    for (std::string const coding : {"gzip", "deflate", "br"}) {
        raw_client client{server.port()};
        std::string const fields = "Host: x\r\nAccept-Encoding: " + coding + "\r\n\r\n";
        client.send("HEAD /text HTTP/1.1\r\n" + fields + "GET /text HTTP/1.1\r\n" + fields);
        auto const head = parse_response(client.read_response(true));
        auto const get = parse_response(client.read_response());
        EXPECT_EQ(head.status, 200);
        EXPECT_EQ(head.body, "");
        EXPECT_EQ(head.header("Content-Encoding"), coding);
        EXPECT_EQ(head.header("Vary"), "Accept-Encoding");
        EXPECT_EQ(get.header("Content-Encoding"), coding);
        EXPECT_EQ(head.header("Content-Length"), get.header("Content-Length")) << coding;
        EXPECT_EQ(get.header("Content-Length"), std::to_string(get.body.size())) << coding;
        EXPECT_EQ(python_decode(coding, get.body), compressible_text()) << coding;
    }
}

TEST(CompressionTest, NegotiatesByQualityAndHonoursZero)
{
    auto app = compression_app();
    ahttp::testing::test_server server{app};
    auto const coding_for = [&](std::string const& accept) {
        auto const r =
            request(server.port(), "GET", "/text", "Accept-Encoding: " + accept + "\r\n");
        EXPECT_EQ(r.status, 200) << accept;
        std::string const coding = r.header("Content-Encoding");
        std::string const decoded = coding.empty() ? r.body : python_decode(coding, r.body);
        EXPECT_TRUE(decoded == compressible_text()) << accept << " -> " << coding;
        return coding;
    };
    EXPECT_EQ(coding_for("gzip;q=0, br"), "br");
    EXPECT_EQ(coding_for("br;q=0, gzip;q=0, deflate"), "deflate");
    EXPECT_EQ(coding_for("gzip, deflate, br"), "br"); // ties: br, gzip, deflate
    EXPECT_EQ(coding_for("deflate, gzip"), "gzip");
    EXPECT_EQ(coding_for("br;q=0.5, gzip;q=0.8"), "gzip");
    EXPECT_EQ(coding_for("GZIP"), "gzip");
    EXPECT_EQ(coding_for("x-gzip"), "gzip");
    EXPECT_EQ(coding_for("*"), "br");
    EXPECT_EQ(coding_for("*, br;q=0"), "gzip");
    EXPECT_EQ(coding_for("gzip;q=0.2, identity"), ""); // identity rated higher
    EXPECT_EQ(coding_for("gzip;q=0.2, identity;q=0.1"), "gzip");
    EXPECT_EQ(coding_for("br;q=0.000, gzip;q=1.0"), "gzip");
    EXPECT_EQ(coding_for("br;q=1.001, gzip;q=0.001"), "gzip"); // q above 1 refuses
    EXPECT_EQ(coding_for(" br ; q=0.9 ,gzip;Q=1"), "gzip");    // whitespace, case of q
    EXPECT_EQ(coding_for("gzip;q=0"), "");
    EXPECT_EQ(coding_for("gzip;q=bogus"), "");   // an unreadable q refuses
    EXPECT_EQ(coding_for("compress, zstd"), ""); // nothing we have
    EXPECT_EQ(coding_for(""), "");               // empty field: identity only
    // Identity refused and nothing else acceptable: as implemented, the server disregards
    // the field (RFC 9110 §12.5.3 allows that instead of 406) and sends identity.
    EXPECT_EQ(coding_for("identity;q=0"), "");
    EXPECT_EQ(coding_for("*;q=0"), "");
    EXPECT_EQ(coding_for("identity;q=0, zstd"), "");

    // Identity refused with a coding acceptable: even a tiny body is coded.
    auto const tiny =
        request(server.port(), "GET", "/size/10", "Accept-Encoding: identity;q=0, gzip\r\n");
    EXPECT_EQ(tiny.header("Content-Encoding"), "gzip");
    EXPECT_EQ(python_decode("gzip", tiny.body), std::string(10, 'a'));
    // Several Accept-Encoding fields combine into one list.
    auto const split = request(server.port(), "GET", "/text",
                               "Accept-Encoding: gzip;q=0.5\r\nAccept-Encoding: deflate\r\n");
    EXPECT_EQ(split.header("Content-Encoding"), "deflate");
}

TEST(CompressionTest, ForcedCodingEtagsVaryAndPrecodedBodies)
{
    auto app = compression_app();
    ahttp::testing::test_server server{app};
    // Forced: whatever the request says, and no Vary.
    auto const forced = request(server.port(), "GET", "/forced-br");
    EXPECT_EQ(forced.header("Content-Encoding"), "br");
    EXPECT_EQ(forced.header("Vary"), "");
    EXPECT_EQ(python_decode("br", forced.body), compressible_text());
    // A strong ETag is weakened, and Accept-Encoding is merged into an existing Vary.
    auto const etag = request(server.port(), "GET", "/etag", "Accept-Encoding: gzip\r\n");
    EXPECT_EQ(etag.header("Content-Encoding"), "gzip");
    EXPECT_EQ(etag.header("ETag"), "W/\"v1\"");
    EXPECT_EQ(etag.header("Vary"), "Cookie, Accept-Encoding");
    auto const identity_etag = request(server.port(), "GET", "/etag");
    EXPECT_EQ(identity_etag.header("ETag"), "\"v1\"");
    // A Content-Encoding set by the handler is left alone.
    auto const precoded = request(server.port(), "GET", "/precoded", "Accept-Encoding: gzip\r\n");
    EXPECT_EQ(precoded.header("Content-Encoding"), "identity");
    EXPECT_TRUE(precoded.body == compressible_text());
}

TEST(CompressionTest, PythonRequestsDecodesGzipAndBrotli)
{
    auto app = compression_app();
    ahttp::testing::test_server server{app};
    // The expected body goes to python through a file.
    std::string pattern = (fs::temp_directory_path() / "ahttp-compression-XXXXXX").string();
    int const fd = ::mkstemp(pattern.data());
    ASSERT_GE(fd, 0);
    ::close(fd);
    fs::path const expected = pattern;
    std::ofstream{expected, std::ios::binary} << compressible_text();
    std::string const script = R"(
import sys, requests
url, expected = sys.argv[1], open(sys.argv[2], 'rb').read()
try:
    import brotli
    codings = ['gzip', 'deflate', 'br']
except ImportError:
    codings = ['gzip', 'deflate']
    print('skip br: python has no brotli module')
for coding in codings:
    r = requests.get(url, headers={'Accept-Encoding': coding}, timeout=10)
    assert r.status_code == 200, r.status_code
    assert r.headers['Content-Encoding'] == coding, r.headers
    assert r.headers['Vary'] == 'Accept-Encoding', r.headers
    assert int(r.headers['Content-Length']) < len(expected) // 4, r.headers
    assert r.content == expected, (coding, len(r.content))
    print('ok', coding)
# requests' own default (gzip, deflate[, br]) gets the best it offers.
r = requests.get(url, timeout=10)
print('default', r.headers['Content-Encoding'], r.content == expected)
)";
    auto const r =
        run_process({system_python, "-c", script, server.url("/text"), expected.string()});
    fs::remove(expected);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    if (r.out.starts_with("skip br")) {
        EXPECT_EQ(r.out, "skip br: python has no brotli module\nok gzip\nok deflate\n"
                         "default gzip True\n");
        GTEST_SKIP() << "python has no brotli module: br decoding by requests not checked";
    }
    EXPECT_EQ(r.out, "ok gzip\nok deflate\nok br\ndefault br True\n");
}

TEST(CompressionTest, CompressedStreamArrivesPieceByPiece)
{
    auto app = compression_app();
    ahttp::testing::test_server server{app};
    // aiohttp decodes as data arrives; it must get the first piece while the handler waits.
    std::string const script = R"(
import asyncio, sys, aiohttp
base, p1, p2, p3 = sys.argv[1], sys.argv[2].encode(), sys.argv[3].encode(), sys.argv[4].encode()
codings = ['gzip', 'deflate']
try:
    import brotli
    codings.append('br')
except ImportError:
    print('skip br')
async def main():
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        for coding in codings:
            async with session.get(base + '/stream', headers={'Accept-Encoding': coding}) as r:
                assert r.status == 200, r.status
                assert r.headers.get('Content-Encoding') == coding, r.headers
                assert r.headers.get('Transfer-Encoding') == 'chunked', r.headers
                assert 'Content-Length' not in r.headers, r.headers
                assert r.headers.get('Vary') == 'Accept-Encoding', r.headers
                first = await asyncio.wait_for(r.content.readexactly(len(p1)), 5)
                assert first == p1, first
                async with session.get(base + '/release') as released:
                    assert await released.text() == 'released'
                rest = await asyncio.wait_for(r.content.read(), 10)
                assert rest == p2 + p3, rest[:200]
            print('ok', coding)
asyncio.run(main())
)";
    auto const r = run_process({system_python, "-c", script, server.url(""), stream_piece_1,
                                stream_piece_2, stream_piece_3});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    if (!python_has_brotli()) {
        EXPECT_EQ(r.out, "skip br\nok gzip\nok deflate\n");
        GTEST_SKIP() << "python has no brotli module: br stream not checked";
    }
    EXPECT_EQ(r.out, "ok gzip\nok deflate\nok br\n") << r.err;
}

TEST(CompressionTest, RawCompressedStreamIsChunkedAndDecodes)
{
    auto app = compression_app();
    ahttp::testing::test_server server{app};
    std::string const all = stream_piece_1 + stream_piece_2 + stream_piece_3;
    for (std::string const coding : {"gzip", "deflate", "br"}) {
        // Release the handler from a second connection, again until the response is in (a
        // release that comes before the handler started waiting does not count).
        raw_client client{server.port()};
        client.send("GET /stream HTTP/1.1\r\nHost: x\r\nAccept-Encoding: " + coding + "\r\n\r\n");
        std::atomic<bool> done{false};
        std::thread releaser{[&] {
            while (!done) {
                std::this_thread::sleep_for(50ms);
                request(server.port(), "GET", "/release");
            }
        }};
        auto const r = parse_response(client.read_response());
        done = true;
        releaser.join();
        EXPECT_EQ(r.status, 200);
        EXPECT_EQ(r.header("Transfer-Encoding"), "chunked");
        EXPECT_EQ(r.header("Content-Encoding"), coding);
        EXPECT_EQ(python_decode(coding, r.body), all) << coding;
    }
}

TEST(CompressionTest, CompressedStreamDropsDeclaredLengthForChunks)
{
    auto app = compression_app();
    ahttp::testing::test_server server{app};
    auto const r = request(server.port(), "GET", "/stream-length", "Accept-Encoding: gzip\r\n");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("Content-Encoding"), "gzip");
    EXPECT_EQ(r.header("Content-Length"), "");
    EXPECT_EQ(r.header("Transfer-Encoding"), "chunked");
    EXPECT_EQ(python_decode("gzip", r.body), compressible_text());
    // Without an acceptable coding, the declared length stands.
    auto const identity = request(server.port(), "GET", "/stream-length");
    EXPECT_EQ(identity.header("Content-Encoding"), "");
    EXPECT_EQ(identity.header("Content-Length"), std::to_string(compressible_text().size()));
    EXPECT_TRUE(identity.body == compressible_text());
}

TEST(CompressionTest, CompressedStreamToHttp10EndsWithTheConnection)
{
    auto app = compression_app();
    ahttp::testing::test_server server{app};
    raw_client client{server.port()};
    client.send("GET /stream-length HTTP/1.0\r\nAccept-Encoding: br\r\n\r\n");
    std::string const raw = client.read_all();
    auto const split = raw.find("\r\n\r\n");
    ASSERT_NE(split, std::string::npos) << raw;
    auto const r = parse_response(raw);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("Content-Encoding"), "br");
    EXPECT_EQ(r.header("Content-Length"), "");
    EXPECT_EQ(r.header("Transfer-Encoding"), "");
    EXPECT_EQ(python_decode("br", raw.substr(split + 4)), compressible_text());
}

TEST(CompressionTest, HeadOfACompressedStreamSendsNoBodyBytes)
{
    auto app = compression_app();
    ahttp::testing::test_server server{app};
    // Pipelined: any byte of a coding's trailer sent for the HEAD would corrupt the GET.
    raw_client client{server.port()};
    std::string const fields = "Host: x\r\nAccept-Encoding: gzip\r\n\r\n";
    client.send("HEAD /stream-length HTTP/1.1\r\n" + fields + "GET /stream-length HTTP/1.1\r\n" +
                fields + "GET /size/10 HTTP/1.1\r\n" + fields);
    auto const head = parse_response(client.read_response(true));
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(head.header("Content-Encoding"), "gzip");
    EXPECT_EQ(head.body, "");
    auto const get = parse_response(client.read_response());
    EXPECT_EQ(get.status, 200) << get.head;
    EXPECT_EQ(get.header("Content-Encoding"), "gzip");
    EXPECT_EQ(python_decode("gzip", get.body), compressible_text());
    auto const last = parse_response(client.read_response());
    EXPECT_EQ(last.status, 200) << last.head;
    EXPECT_EQ(last.body, std::string(10, 'a'));
}

} // namespace
