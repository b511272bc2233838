// SPDX-License-Identifier: BSL-1.0
// The WebSocket peers of interop_test.cpp (python3-aiohttp, python3-websockets, node ws): how to
// run each one's script in peers/, and the messages they exchange (kept in step with
// peers/peer_common.py and peers/ws_peer.mjs).
#pragma once

#include "support/process.hpp"
#include "support/running_process.hpp"

#include <ahttp/websocket/message.hpp>

#include <boost/crc.hpp>

#include <chrono>
#include <cstdint>
#include <ostream>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

namespace ahttp::test::ws_interop {

enum class peer { aiohttp, websockets, node_ws };

inline char const* peer_name(peer p)
{
    switch (p) {
    case peer::aiohttp:
        return "aiohttp";
    case peer::websockets:
        return "websockets";
    case peer::node_ws:
        return "node_ws";
    }
    return "?";
}

/// For gtest's messages ("GetParam() = node_ws" rather than a byte dump).
inline void PrintTo(peer p, std::ostream* os)
{
    *os << peer_name(p);
}

/// The command that runs `p`'s script, argv[0] an absolute path (running_process does not
/// search PATH; /usr/bin/env does, for node).
inline std::vector<std::string> peer_command(peer p)
{
    std::string const dir = AHTTP_WS_PEERS_DIR;
    switch (p) {
    case peer::aiohttp:
        return {system_python, dir + "/aiohttp_peer.py"};
    case peer::websockets:
        return {system_python, dir + "/websockets_peer.py"};
    case peer::node_ws:
        return {"/usr/bin/env", "node", dir + "/ws_peer.mjs"};
    }
    throw std::logic_error("unknown peer");
}

/// A peer's echo server on 127.0.0.1:0, killed with the object. `mode` is the script's
/// COMPRESS argument ("1", "0", or websockets' "strict"); `extra` its optional heartbeat
/// (aiohttp) or keepalive ping interval (websockets), in seconds.
class peer_server {
public:
    peer_server(peer p, std::string const& mode, std::string const& extra = {})
        : process_{arguments(p, mode, extra)}
    {
        auto const match =
            process_.wait_for_stdout(std::regex{R"(port (\d+)\n)"}, std::chrono::seconds{20});
        if (match) {
            port_ = static_cast<std::uint16_t>(std::stoi((*match)[1].str()));
        }
    }

    /// 0 if the peer did not start (a missing module: err() says which).
    std::uint16_t port() const noexcept { return port_; }
    std::string url() const { return "ws://127.0.0.1:" + std::to_string(port_) + "/ws"; }
    std::string const& err() const noexcept { return process_.err(); }
    std::string const& out() const noexcept { return process_.out(); }

    /// The close code the peer's handler reported when its connection ended ("peer-closed N"),
    /// or -1 if it did not within `limit`.
    int peer_closed_code(std::chrono::milliseconds limit = std::chrono::seconds{5})
    {
        auto const match = process_.wait_for_stdout(std::regex{R"(peer-closed (\d+))"}, limit);
        return match ? std::stoi((*match)[1].str()) : -1;
    }

private:
    static std::vector<std::string> arguments(peer p, std::string const& mode,
                                              std::string const& extra)
    {
        std::vector<std::string> argv = peer_command(p);
        argv.push_back("server");
        argv.push_back(mode);
        if (!extra.empty()) {
            argv.push_back(extra);
        }
        return argv;
    }

    running_process process_;
    std::uint16_t port_ = 0;
};

inline constexpr std::uint16_t client_close_code = 4001;
inline constexpr char const* client_close_reason = "client says bye";
inline constexpr std::uint16_t server_close_code = 4002;
inline constexpr char const* server_close_reason = "server says bye";
inline constexpr std::size_t max_size = 8 << 20;

/// 1 MiB of poorly compressible bytes: peer_common.big_binary().
inline std::string big_binary()
{
    std::string data(std::size_t{1} << 20, '\0');
    for (std::uint64_t i = 0; i < data.size(); ++i) {
        data[i] = static_cast<char>(((i * 2654435761ULL) >> 13) & 0xFF);
    }
    return data;
}

/// The exchange, in order: UTF-8 text, the 256 byte values, 1 MiB, then 100 short texts.
inline std::vector<websocket::message> exchange_messages()
{
    std::vector<websocket::message> result;
    result.push_back(websocket::message::text("hello: h\xC3\xA9llo w\xC3\xB6rld \xE2\x9C\x93"));
    std::string bytes(256, '\0');
    for (int i = 0; i < 256; ++i) {
        bytes[static_cast<std::size_t>(i)] = static_cast<char>(i);
    }
    result.push_back(websocket::message::binary(std::move(bytes)));
    result.push_back(websocket::message::binary(big_binary()));
    for (int i = 0; i < 100; ++i) {
        result.push_back(websocket::message::text("message " + std::to_string(i)));
    }
    return result;
}

/// What a peer server reports for the exchange ("cmd:info"): count, bytes, CRC-32 in order.
struct exchange_stats {
    std::int64_t messages = 0;
    std::int64_t bytes = 0;
    std::int64_t crc32 = 0;
};

inline exchange_stats stats_of(std::vector<websocket::message> const& messages)
{
    boost::crc_32_type crc;
    exchange_stats stats;
    for (websocket::message const& m : messages) {
        ++stats.messages;
        stats.bytes += static_cast<std::int64_t>(m.data.size());
        crc.process_bytes(m.data.data(), m.data.size());
    }
    stats.crc32 = crc.checksum();
    return stats;
}

} // namespace ahttp::test::ws_interop
