// SPDX-License-Identifier: BSL-1.0
// Oversized everything, sent as fast as the server takes it: endless heads, endless lines,
// 1 GiB bodies (declared, chunked, in one chunk, in multipart parts). Each is refused early
// with its status, and the server never buffers it whole: its resident memory stays flat.
// (Single malformed messages are server_framing_test's; here the angle is volume.)
#include "stress/swarm.hpp"
#include "support/raw_client.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <sstream>
#include <string>

namespace {

using namespace std::chrono_literals;
using ahttp::stress::firehose;
using ahttp::stress::firehose_result;
using ahttp::stress::report;
using ahttp::stress::server_process;

constexpr std::size_t gib = std::size_t{1} << 30;
constexpr std::size_t mib = std::size_t{1} << 20;
// What the server may hold for one hostile connection. Its buffers are 16 KiB, a limited head
// is 128 fields of 8 KiB at worst, a read() body is 1 MiB (client_max_size): far below this,
// and far below what is sent.
constexpr std::size_t rss_growth_bound = 16 * mib;
// The loopback socket buffers (several MiB) and the server's lingering close (it reads up to
// 64 KiB more before closing) let a fast sender get this much out before it learns.
constexpr std::size_t sent_bound = 64 * mib;

std::string const piece_64k(64 * 1024, 'a');

class OversizedTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        ahttp::stress::raise_fd_limit();
        server_.emplace(std::vector<std::string>{"--header-read-ms", "2000", "--body-read-ms",
                                                 "2000", "--keepalive-ms", "5000"});
        rss_before_ = server_->rss();
    }

    /// Sends `head` then `piece` until 1 GiB or a refusal; checks the status, how early the
    /// refusal came, that the connection ended, and the server's memory.
    firehose_result expect_refused(char const* what, std::string_view head, std::string_view piece,
                                   int status, std::size_t cap = gib)
    {
        firehose_result r = firehose(*server_, head, piece, cap);
        std::size_t const growth = r.peak_rss - std::min(r.peak_rss, rss_before_);
        std::ostringstream line;
        line << what << ": " << r.status << " with " << r.sent_before_response
             << " bytes out (socket buffers included), " << r.sent << " sent in all, cut off after "
             << std::chrono::duration_cast<std::chrono::milliseconds>(r.elapsed).count()
             << " ms; server RSS growth " << growth / 1024 << " KiB";
        report(line.str());
        EXPECT_EQ(r.status, status) << r.response.substr(0, 300);
        EXPECT_TRUE(r.closed) << "the connection stayed open after the refusal";
        EXPECT_LT(r.sent, std::min(cap, sent_bound)) << "the server kept reading";
        EXPECT_LT(r.elapsed, 2s);
        if (ahttp::stress::memory_is_measurable) {
            EXPECT_LT(growth, rss_growth_bound);
        }
        // The server is still fine, and holds nothing for the refused connection.
        EXPECT_EQ(ahttp::test::request(server_->port(), "GET", "/").status, 200);
        EXPECT_EQ(server_->wait_for_connections(1, 3s), 1u);
        return r;
    }

    std::optional<server_process> server_;
    std::size_t rss_before_ = 0;
};

std::string repeat_to_64k(std::string_view unit)
{
    std::string out;
    while (out.size() + unit.size() <= 64 * 1024) {
        out.append(unit);
    }
    return out;
}

TEST_F(OversizedTest, EndlessHeaderFieldsGet431)
{
    expect_refused("endless header fields", "GET / HTTP/1.1\r\nHost: x\r\n",
                   repeat_to_64k("X-Flood: 1\r\n"), 431);
}

TEST_F(OversizedTest, EndlessHeaderLineGets431)
{
    expect_refused("endless header line", "GET / HTTP/1.1\r\nHost: x\r\nX-Long: ", piece_64k, 431);
}

TEST_F(OversizedTest, EndlessRequestLineGets414)
{
    expect_refused("endless request line", "GET /", piece_64k, 414);
}

TEST_F(OversizedTest, DeclaredOneGibibyteBodyGets413BeforeAnyOfIt)
{
    std::string const head = "POST /read HTTP/1.1\r\nHost: x\r\nContent-Length: 1073741824\r\n\r\n";
    // RFC 9110 §15.5.14: refused on the head alone, before a byte of the body is sent...
    {
        ahttp::test::raw_client client{server_->port(), 2s};
        client.send(head);
        EXPECT_EQ(ahttp::test::parse_response(client.read_response()).status, 413);
    }
    // ...and a client that sends the body all the same is cut off.
    expect_refused("declared 1 GiB body", head, piece_64k, 413);
}

TEST_F(OversizedTest, ChunkedOneGibibyteBodyGets413WhileReading)
{
    std::string const chunk = "10000\r\n" + piece_64k + "\r\n";
    expect_refused("chunked 1 GiB body",
                   "POST /read HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", chunk,
                   413);
}

TEST_F(OversizedTest, OneGibibyteChunkGets413WhileReading)
{
    expect_refused("one 1 GiB chunk",
                   "POST /read HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "40000000\r\n",
                   piece_64k, 413);
}

TEST_F(OversizedTest, EndlessChunkExtensionGets400)
{
    // The handler streams (no client_max_size), so only the chunk-line limit can stop this.
    expect_refused("endless chunk extension",
                   "POST /count HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1;ext=",
                   piece_64k, 400);
}

std::string const multipart_head =
    "POST /form HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
    "Content-Type: multipart/form-data; boundary=BOUNDARY\r\n\r\n";

std::string chunked(std::string_view data)
{
    std::ostringstream out;
    out << std::hex << data.size() << "\r\n" << data << "\r\n";
    return out.str();
}

TEST_F(OversizedTest, EndlessMultipartFilePartGets413)
{
    std::string const start = "--BOUNDARY\r\nContent-Disposition: form-data; name=\"f\"; "
                              "filename=\"big.bin\"\r\n\r\n";
    expect_refused("endless multipart file part", multipart_head + chunked(start),
                   chunked(piece_64k), 413);
}

TEST_F(OversizedTest, EndlessMultipartPartsGet413)
{
    // Tiny parts, far below client_max_size in all: only the count of parts (1,000) stops them.
    std::string const part =
        "--BOUNDARY\r\nContent-Disposition: form-data; name=\"p\"\r\n\r\nv\r\n";
    auto const r = expect_refused("endless multipart parts", multipart_head,
                                  chunked(repeat_to_64k(part)), 413);
    EXPECT_NE(r.response.find("parts"), std::string::npos) << r.response;
}

TEST_F(OversizedTest, EndlessMultipartPartHeaderGets400)
{
    expect_refused("endless multipart part header",
                   multipart_head + chunked("--BOUNDARY\r\nX-Long: "), chunked(piece_64k), 400);
}

TEST_F(OversizedTest, StreamedQuarterGibibyteIsNeverHeldWhole)
{
    // The control: a handler that streams its body may take any size, and the server's memory
    // stays flat all the same.
    constexpr std::size_t total = 256 * mib;
    std::string const chunk = "10000\r\n" + piece_64k + "\r\n";
    std::string const head = "POST /count HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
                             "chunked\r\nConnection: close\r\n\r\n";
    std::size_t const cap = head.size() + (total / piece_64k.size()) * chunk.size();
    auto const r = firehose(*server_, head, chunk, cap, "0\r\n\r\n");
    std::size_t const growth = r.peak_rss - std::min(r.peak_rss, rss_before_);
    std::ostringstream line;
    line << "streamed " << total / mib << " MiB to a streaming handler in "
         << std::chrono::duration_cast<std::chrono::milliseconds>(r.elapsed).count()
         << " ms; server RSS growth " << growth / 1024 << " KiB";
    report(line.str());
    EXPECT_EQ(r.status, 200) << r.response.substr(0, 300);
    EXPECT_EQ(ahttp::test::parse_response(r.response).body, std::to_string(total));
    EXPECT_EQ(r.sent, cap + 5);
    if (ahttp::stress::memory_is_measurable) {
        EXPECT_LT(growth, rss_growth_bound);
    }
}

} // namespace
