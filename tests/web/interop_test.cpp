// SPDX-License-Identifier: BSL-1.0
// The server driven by real clients: curl, python3 requests and the python3-aiohttp client.
#include "support/apps.hpp"
#include "support/process.hpp"

#include <ahttp/testing/test_server.hpp>
#include <ahttp/web.hpp>

#include <gtest/gtest.h>

#include <string>

namespace {

using ahttp::test::run_process;
using ahttp::test::system_python;

TEST(CurlInteropTest, GetsHelloAndReusesConnection)
{
    auto app = ahttp::test::make_demo_app();
    ahttp::testing::test_server server{app};
    auto const r =
        run_process({"curl", "-sS", "-v", server.url("/"), server.url("/Ada%20Lovelace")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "Hello, World!Hello, Ada Lovelace!");
    EXPECT_NE(r.err.find("Re-using existing connection"), std::string::npos) << r.err;
}

TEST(CurlInteropTest, HeadPostChunkedAndHttp10)
{
    auto app = ahttp::test::make_demo_app();
    ahttp::testing::test_server server{app};
    auto const head = run_process({"curl", "-sS", "-I", server.url("/")});
    EXPECT_NE(head.out.find("Content-Length: 13"), std::string::npos) << head.out;
    auto const post =
        run_process({"curl", "-sS", "--data-binary", "@-", server.url("/echo")}, "posted body");
    EXPECT_EQ(post.out, "posted body");
    auto const chunked = run_process({"curl", "-sS", "-H", "Transfer-Encoding: chunked",
                                      "--data-binary", "@-", server.url("/echo")},
                                     "chunky");
    EXPECT_EQ(chunked.out, "chunky");
    auto const old = run_process({"curl", "-sS", "-0", server.url("/")});
    EXPECT_EQ(old.out, "Hello, World!");
    auto const expect = run_process(
        {"curl", "-sS", "-H", "Expect: 100-continue", "--data-binary", "@-", server.url("/echo")},
        std::string(2048, 'e'));
    EXPECT_EQ(expect.out, std::string(2048, 'e'));
    auto const stream = run_process({"curl", "-sS", server.url("/stream")});
    EXPECT_EQ(stream.out, "one,two,three");
}

TEST(PythonInteropTest, RequestsSessionGetsPostsAndKeepsAlive)
{
    auto app = ahttp::test::make_demo_app();
    ahttp::testing::test_server server{app};
    std::string const script = R"(
import sys, requests
base = sys.argv[1]
s = requests.Session()
r = s.get(base + '/', timeout=10)
assert r.status_code == 200 and r.text == 'Hello, World!', r.text
r = s.post(base + '/echo', data=b'x' * 100000, timeout=10)
assert r.status_code == 200 and len(r.content) == 100000
r = s.get(base + '/query', params={'key': 'a b&c'}, timeout=10)
assert r.text == 'a b&c', r.text
r = s.get(base + '/nothing/here', timeout=10)
assert r.status_code == 404
r = s.delete(base + '/echo', timeout=10)
assert r.status_code == 405 and 'POST' in r.headers['Allow']
print('ok')
)";
    auto const r = run_process({system_python, "-c", script, server.url("")});
    EXPECT_EQ(r.out, "ok\n") << r.err;
}

TEST(PythonInteropTest, AiohttpClientFetchesHundredQueriesConcurrently)
{
    // Seed 003: 100 GETs with ?key=i, a timeout and status checks, through aiohttp's client.
    auto app = ahttp::test::make_demo_app();
    ahttp::testing::test_server server{app};
    std::string const script = R"(
import asyncio, sys, aiohttp
base = sys.argv[1]
async def one(session, i):
    async with session.get(base + '/query', params={'key': str(i)}) as r:
        assert r.status == 200, r.status
        return await r.text()
async def main():
    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        texts = await asyncio.gather(*(one(session, i) for i in range(100)))
    assert texts == [str(i) for i in range(100)], texts
    print('ok')
asyncio.run(main())
)";
    auto const r = run_process({system_python, "-c", script, server.url("")});
    EXPECT_EQ(r.out, "ok\n") << r.err;
}

} // namespace
