// SPDX-License-Identifier: BSL-1.0
// WebSockets against real peers over loopback (issue 5, "Interop"): python3-aiohttp,
// python3-websockets and node's ws, each as a client of an ahttp server and as a server for
// ahttp's client, with and without permessage-deflate. The peers' scripts are in peers/; both
// ends check the data (echoes, and the server's own record of what it received).
#include "interop_peers.hpp"
#include "support/apps.hpp"
#include "support/client_session.hpp"
#include "support/process.hpp"
#include "support/running_process.hpp"

#include <ahttp/client.hpp>
#include <ahttp/sleep.hpp>
#include <ahttp/testing/test_server.hpp>
#include <ahttp/web.hpp>
#include <ahttp/websocket.hpp>

#include <boost/json.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace {

namespace web = ahttp::web;
namespace websocket = ahttp::websocket;
using ahttp::test::websocket_echo;
namespace client = ahttp::client;
namespace interop = ahttp::test::ws_interop;
using ahttp::awaitable;
using interop::peer;
using namespace std::chrono_literals;

/// Compares messages one by one; a 1 MiB payload is summarised, not printed.
void expect_same_messages(std::vector<websocket::message> const& got,
                          std::vector<websocket::message> const& expected)
{
    ASSERT_EQ(got.size(), expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(got[i].type, expected[i].type) << "message " << i;
        EXPECT_TRUE(got[i].data == expected[i].data)
            << "message " << i << ": " << got[i].data.size() << " bytes, expected "
            << expected[i].data.size() << " (" << expected[i].data.substr(0, 40) << "…)";
    }
}

// ---- peer clients → ahttp server ------------------------------------------------------

/// What the ahttp server's handler saw, written on the server thread, read by the test.
struct server_record {
    std::mutex mutex;
    std::condition_variable changed;
    bool done = false;
    std::vector<websocket::message> messages;
    std::string error;
    std::optional<websocket::close_code> close_code;
    std::string close_reason;
    bool compressed = false;

    bool wait_done(std::chrono::milliseconds limit)
    {
        std::unique_lock lock{mutex};
        return changed.wait_for(lock, limit, [&] { return done; });
    }
};

/// Echoes every message and records it; after receive() says the connection closed, records
/// the peer's close code and reason (the point of the client's close(4001, …)).
awaitable<void> recording_echo(server_record& record, websocket::connection& ws)
{
    std::vector<websocket::message> seen;
    std::string error;
    try {
        while (std::optional<websocket::message> m = co_await ws.receive()) {
            co_await ws.send(*m);
            seen.push_back(std::move(*m));
        }
    } catch (std::exception const& e) {
        error = e.what();
    }
    std::lock_guard lock{record.mutex};
    record.messages = std::move(seen);
    record.error = std::move(error);
    record.close_code = ws.close_code();
    record.close_reason = ws.close_reason();
    record.compressed = ws.compressed();
    record.done = true;
    record.changed.notify_all();
}

/// The same through web::websocket_response inside an ordinary GET handler.
awaitable<web::response> prepared_recording_echo(server_record& record, web::request& request)
{
    web::websocket_response response;
    websocket::connection ws = co_await response.prepare(request);
    co_await recording_echo(record, ws);
    co_return response;
}

/// Runs `p`'s client script (COMPRESS `mode`) against an ahttp echo server (an add_websocket
/// route, or websocket_response when `prepared`): the peer pings (our pong must carry its
/// payload), sends the exchange and checks every echo, then closes with 4001 + reason; the
/// server records what it got. Returns the script's stdout for further checks.
std::string check_peer_client(peer p, std::string const& mode, bool compressed, bool prepared)
{
    server_record record;
    web::application app;
    app.router().add_websocket("/echo", [&record](web::request&, websocket::connection& ws) {
        return recording_echo(record, ws);
    });
    app.router().add_get("/prepared", [&record](web::request& request) {
        return prepared_recording_echo(record, request);
    });
    ahttp::testing::test_server server{app};
    std::string const url =
        "ws://127.0.0.1:" + std::to_string(server.port()) + (prepared ? "/prepared" : "/echo");

    std::vector<std::string> argv = interop::peer_command(p);
    argv.insert(argv.end(), {"client", url, mode});
    if (argv[0] == "/usr/bin/env") {
        argv.erase(argv.begin()); // run_process searches PATH itself
    }
    auto const r = ahttp::test::run_process(argv, {}, 90s);
    EXPECT_EQ(r.exit_code, 0) << "peer client failed (stdout: " << r.out << ")\n" << r.err;
    EXPECT_NE(r.out.find(compressed ? "compressed 1\n" : "compressed 0\n"), std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("pong client-ping\n"), std::string::npos) << r.out;
    // The close code our server echoed, as the peer saw it.
    EXPECT_NE(r.out.find("close 4001\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("ok\n"), std::string::npos) << r.out;

    EXPECT_TRUE(record.wait_done(10s)) << "the server handler never saw the close";
    std::lock_guard lock{record.mutex};
    EXPECT_EQ(record.error, "");
    EXPECT_EQ(record.compressed, compressed);
    EXPECT_EQ(static_cast<int>(record.close_code.value_or(websocket::close_code{})),
              interop::client_close_code);
    EXPECT_EQ(record.close_reason, interop::client_close_reason);
    expect_same_messages(record.messages, interop::exchange_messages());
    return r.out;
}

/// (peer, the peer offers deflate, the route uses websocket_response rather than add_websocket)
class PeerClientTest : public testing::TestWithParam<std::tuple<peer, bool, bool>> {};

TEST_P(PeerClientTest, EchoesExchangeAndSeesClientCloseCode)
{
    auto const [p, compress, prepared] = GetParam();
    check_peer_client(p, compress ? "1" : "0", compress, prepared);
}

// ---- ahttp client → peer servers --------------------------------------------------------

/// Sends the exchange and checks every echo (the series of 100 is sent before its echoes
/// are read, so the peer queues them).
awaitable<void> client_exchange(websocket::connection& ws,
                                std::vector<websocket::message> const& sequence)
{
    std::vector<websocket::message> echoes;
    for (std::size_t i = 0; i < sequence.size(); ++i) {
        co_await ws.send(sequence[i]);
        if (i < 3) {
            std::optional<websocket::message> m = co_await ws.receive();
            if (!m) {
                ADD_FAILURE() << "connection closed before echo " << i;
                co_return;
            }
            echoes.push_back(std::move(*m));
        }
    }
    for (std::size_t i = 3; i < sequence.size(); ++i) {
        std::optional<websocket::message> m = co_await ws.receive();
        if (!m) {
            ADD_FAILURE() << "connection closed before echo " << i;
            co_return;
        }
        echoes.push_back(std::move(*m));
    }
    expect_same_messages(echoes, sequence);
}

/// Sends a "cmd:" text to the peer server and returns its text answer ("" if it closed).
/// (A string_view: a literal then makes no std::string temporary in the caller's co_await.)
awaitable<std::string> command(websocket::connection& ws, std::string_view name)
{
    co_await ws.send_text(name);
    std::optional<websocket::message> m = co_await ws.receive();
    if (!m) {
        ADD_FAILURE() << "connection closed instead of answering " << name << " (close code "
                      << static_cast<int>(ws.close_code().value_or(websocket::close_code{})) << ")";
        co_return std::string{};
    }
    EXPECT_TRUE(m->is_text()) << name;
    co_return m->data;
}

/// The payload of a received message, "" after a close (a plain function: no temporary
/// message may sit in a co_await full-expression, see the g++ 12 note in client_session.hpp).
std::string payload_of(std::optional<websocket::message> const& m)
{
    return m ? m->data : std::string{};
}

std::int64_t json_int(boost::json::object const& object, char const* key)
{
    boost::json::value const* value = object.if_contains(key);
    return value != nullptr && value->is_number() ? value->to_number<std::int64_t>() : -1;
}

websocket::options client_options(bool compress)
{
    websocket::options options;
    options.compress = compress;
    options.protocols = {"nope", "chat.v1"}; // the server speaks chat.v2 and chat.v1
    options.max_message_size = interop::max_size;
    options.receive_timeout = 10s; // a silent peer fails the test instead of hanging it
    return options;
}

/// Runs ahttp's client against `p`'s echo server (COMPRESS `mode`): subprotocol and
/// compression as both ends see them, the exchange echoed, the peer's own count and CRC-32 of
/// what it received, a ping from the peer (websockets, ws), and a close started by the peer
/// with 4002 + reason, whose code we echo. Returns the peer's "cmd:info" report.
boost::json::object check_peer_server(peer p, std::string const& mode, bool client_compress,
                                      bool negotiated)
{
    interop::peer_server peer_server{p, mode};
    EXPECT_NE(peer_server.port(), 0) << "peer server did not start:\n" << peer_server.err();
    if (peer_server.port() == 0) {
        return {};
    }
    std::string const url = peer_server.url();
    boost::json::object reported;

    ahttp::run([&]() -> awaitable<void> {
        client::session session = co_await ahttp::test::make_session();
        websocket::options options = client_options(client_compress);
        websocket::connection ws = co_await session.ws_connect(url, std::move(options));
        EXPECT_EQ(ws.protocol(), "chat.v1");
        EXPECT_EQ(ws.compressed(), negotiated);

        std::vector<websocket::message> const sequence = interop::exchange_messages();
        co_await client_exchange(ws, sequence);

        std::string const info = co_await command(ws, "cmd:info");
        reported = boost::json::parse(info).as_object();
        interop::exchange_stats const sent = interop::stats_of(sequence);
        EXPECT_EQ(json_int(reported, "messages"), sent.messages) << info;
        EXPECT_EQ(json_int(reported, "bytes"), sent.bytes) << info;
        EXPECT_EQ(json_int(reported, "crc32"), sent.crc32) << info;
        EXPECT_EQ(reported.at("protocol"), "chat.v1") << info;
        EXPECT_EQ(reported.at("compressed"), negotiated) << info;

        if (p != peer::aiohttp) { // aiohttp's autoping hides pongs: see HeartbeatTest
            EXPECT_EQ(co_await command(ws, "cmd:ping"), "pong-ok");
        }

        co_await ws.send_text("cmd:close");
        std::optional<websocket::message> const last = co_await ws.receive();
        EXPECT_FALSE(last.has_value()) << last->data;
        EXPECT_TRUE(ws.closed());
        EXPECT_EQ(static_cast<int>(ws.close_code().value_or(websocket::close_code{})),
                  interop::server_close_code);
        EXPECT_EQ(ws.close_reason(), interop::server_close_reason);
    }());
    // The code we echoed, as the peer saw it.
    EXPECT_EQ(peer_server.peer_closed_code(), interop::server_close_code) << peer_server.out();
    return reported;
}

/// (peer, {the server accepts deflate, our client offers it})
class PeerServerTest : public testing::TestWithParam<std::tuple<peer, std::pair<bool, bool>>> {};

TEST_P(PeerServerTest, EchoesNegotiatesAndSeesServerClose)
{
    auto const [p, modes] = GetParam();
    auto const [server_compress, client_compress] = modes;
    check_peer_server(p, server_compress ? "1" : "0", client_compress,
                      server_compress && client_compress);
}

// ---- permessage-deflate parameters (RFC 7692 §7.1) --------------------------------------
// websockets in "strict" mode asks for small windows and no context takeover both ways and
// recreates its inflater per message: had we kept our compression context across messages
// (the 100 similar messages refer back to each other), its inflater would fail.

TEST(WebSocketsStrictDeflate, PeerClientWithSmallWindowsAndNoContextTakeover)
{
    std::string const out = check_peer_client(peer::websockets, "strict", true, false);
    // The client's view: remote = our server, local = itself.
    EXPECT_NE(out.find("deflate remote_no_context_takeover=1 local_no_context_takeover=1 "
                       "remote_max_window_bits=10 local_max_window_bits=9\n"),
              std::string::npos)
        << out;
}

TEST(WebSocketsStrictDeflate, PeerServerWithSmallWindowsAndNoContextTakeover)
{
    boost::json::object const reported = check_peer_server(peer::websockets, "strict", true, true);
    // The server's view: remote = our client, local = itself.
    EXPECT_EQ(reported.if_contains("deflate") ? *reported.if_contains("deflate") : nullptr,
              "remote_no_context_takeover=1 local_no_context_takeover=1 "
              "remote_max_window_bits=9 local_max_window_bits=10");
}

// Our ping reaches the peer and its pong comes back with the payload (autoping off, so the
// pong is a message); the peer's ping (websockets, ws) is a message we answer by hand.
class PeerPingTest : public testing::TestWithParam<peer> {};

TEST_P(PeerPingTest, PingsAndPongsCarryTheirPayload)
{
    peer const p = GetParam();
    interop::peer_server peer_server{p, "1"};
    ASSERT_NE(peer_server.port(), 0) << "peer server did not start:\n" << peer_server.err();
    std::string const url = peer_server.url();

    ahttp::run([&]() -> awaitable<void> {
        client::session session = co_await ahttp::test::make_session();
        websocket::options options = client_options(true);
        options.autoping = false;
        websocket::connection ws = co_await session.ws_connect(url, std::move(options));

        co_await ws.ping("are you there?");
        std::optional<websocket::message> m = co_await ws.receive();
        EXPECT_TRUE(m && m->type == websocket::message_type::pong);
        EXPECT_EQ(payload_of(m), "are you there?");

        if (p != peer::aiohttp) {
            co_await ws.send_text("cmd:ping");
            m = co_await ws.receive();
            EXPECT_TRUE(m && m->type == websocket::message_type::ping);
            std::string const ping_payload = payload_of(m);
            EXPECT_EQ(ping_payload, "peer-ping-1");
            co_await ws.pong(ping_payload);
            m = co_await ws.receive();
            EXPECT_EQ(payload_of(m), "pong-ok");
        }
        co_await ws.close();
        EXPECT_EQ(ws.close_code(), websocket::close_code::normal);
    }());
    EXPECT_EQ(peer_server.peer_closed_code(), 1000) << peer_server.out();
}

// The peer server pings on its own (aiohttp's heartbeat, websockets' keepalive) while our
// client only sleeps: the connection's background reader must answer, or the peer closes.
class HeartbeatTest : public testing::TestWithParam<peer> {};

TEST_P(HeartbeatTest, PeerHeartbeatIsAnsweredWhileTheApplicationIdles)
{
    peer const p = GetParam();
    // aiohttp closes when a pong takes over half the heartbeat: 0.5 s leaves 250 ms of slack
    // on a busy machine. websockets waits ping_timeout (1 s) for each pong.
    interop::peer_server peer_server{p, "1", p == peer::aiohttp ? "0.5" : "0.3"};
    ASSERT_NE(peer_server.port(), 0) << "peer server did not start:\n" << peer_server.err();
    std::string const url = peer_server.url();

    ahttp::run([&]() -> awaitable<void> {
        client::session session = co_await ahttp::test::make_session();
        websocket::options options = client_options(true);
        websocket::connection ws = co_await session.ws_connect(url, std::move(options));
        co_await ahttp::sleep(2s);
        EXPECT_FALSE(ws.closed()) << static_cast<int>(
            ws.close_code().value_or(websocket::close_code{}));

        std::string const info = co_await command(ws, "cmd:info");
        boost::json::object const reported = boost::json::parse(info).as_object();
        std::int64_t const pings = json_int(reported, "pings");
        EXPECT_GE(pings, p == peer::aiohttp ? 2 : 4) << info;
        if (p == peer::aiohttp) {
            EXPECT_EQ(json_int(reported, "missed"), 0) << info;
        } else { // the last ping's pong may still be on its way
            EXPECT_GE(json_int(reported, "pongs"), pings - 1) << info;
        }
        co_await ws.close();
        EXPECT_EQ(ws.close_code(), websocket::close_code::normal);
    }());
    EXPECT_EQ(peer_server.out().find("pong-missed"), std::string::npos) << peer_server.out();
    EXPECT_EQ(peer_server.peer_closed_code(), 1000) << peer_server.out();
}

// ---- server shutdown ----------------------------------------------------------------------

// A graceful shutdown closes open WebSockets with 1001 (going away): every peer, connected at
// once and idle, must see that code in a close frame, not a dropped connection.
TEST(ServerShutdown, EveryPeerSeesGoingAway)
{
    web::application app;
    app.router().add_websocket("/echo", websocket_echo);
    ahttp::testing::test_server server{app};
    std::string const url = "ws://127.0.0.1:" + std::to_string(server.port()) + "/echo";

    std::vector<peer> const peers{peer::aiohttp, peer::websockets, peer::node_ws};
    std::vector<std::unique_ptr<ahttp::test::running_process>> clients;
    for (peer p : peers) {
        std::vector<std::string> argv = interop::peer_command(p);
        argv.insert(argv.end(), {"linger", url});
        clients.push_back(std::make_unique<ahttp::test::running_process>(argv));
    }
    for (std::size_t i = 0; i < peers.size(); ++i) {
        ASSERT_TRUE(clients[i]->wait_for_stdout(std::regex{"ready\n"}, 20s))
            << interop::peer_name(peers[i]) << " did not connect:\n"
            << clients[i]->err();
    }
    server.stop();
    for (std::size_t i = 0; i < peers.size(); ++i) {
        auto const closed = clients[i]->wait_for_stdout(std::regex{R"(closed (\S+)\n)"}, 10s);
        EXPECT_TRUE(closed) << interop::peer_name(peers[i]) << " saw no close:\n"
                            << clients[i]->out() << clients[i]->err();
        EXPECT_EQ(closed ? (*closed)[1].str() : "", "1001") << interop::peer_name(peers[i]);
        EXPECT_EQ(clients[i]->wait_exit(10s), 0) << interop::peer_name(peers[i]) << "\n"
                                                 << clients[i]->err();
    }
}

using client_param = std::tuple<peer, bool, bool>;
using server_param = std::tuple<peer, std::pair<bool, bool>>;

std::string peer_param_name(testing::TestParamInfo<peer> const& param)
{
    return interop::peer_name(param.param);
}

std::string client_param_name(testing::TestParamInfo<client_param> const& param)
{
    auto const [p, compress, prepared] = param.param;
    return std::string{interop::peer_name(p)} + (compress ? "_deflate" : "_plain") +
           (prepared ? "_websocket_response" : "_add_websocket");
}

std::string server_param_name(testing::TestParamInfo<server_param> const& param)
{
    auto const [p, modes] = param.param;
    return std::string{interop::peer_name(p)} +
           (modes.first ? "_server_deflate" : "_server_plain") +
           (modes.second ? "_client_offers" : "_client_plain");
}

auto const all_peers = testing::Values(peer::aiohttp, peer::websockets, peer::node_ws);

INSTANTIATE_TEST_SUITE_P(Peers, PeerClientTest,
                         testing::Combine(all_peers, testing::Bool(), testing::Bool()),
                         client_param_name);
// Deflate on both ends, refused by the server, and not offered by our client.
INSTANTIATE_TEST_SUITE_P(Peers, PeerServerTest,
                         testing::Combine(all_peers, testing::Values(std::pair{true, true},
                                                                     std::pair{false, true},
                                                                     std::pair{true, false})),
                         server_param_name);
INSTANTIATE_TEST_SUITE_P(Peers, PeerPingTest, all_peers, peer_param_name);
INSTANTIATE_TEST_SUITE_P(Peers, HeartbeatTest, testing::Values(peer::aiohttp, peer::websockets),
                         peer_param_name);

} // namespace
