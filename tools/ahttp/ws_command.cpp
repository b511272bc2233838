// SPDX-License-Identifier: BSL-1.0
// `ahttp ws URL [MESSAGE...]`: talk to a WebSocket from the terminal (as websocat does). Sends
// each MESSAGE, or else each line of standard input, as a text message, and prints every
// message received, one per line, until the input ends and the replies stop coming.
#include "cli.hpp"

#include <ahttp/client.hpp>
#include <ahttp/sleep.hpp>
#include <ahttp/to_thread.hpp>
#include <ahttp/websocket.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ahttp::cli {

namespace {

namespace websocket = ahttp::websocket;
using namespace std::chrono_literals;

struct ws_settings {
    std::string url;
    std::vector<std::string> messages;
    std::vector<std::string> protocols;
    std::vector<std::string> headers;
    double wait_seconds = 1.0;
    bool no_compress = false;
    bool insecure = false;
    bool verbose = false;
};

/// Prints what arrives until the connection closes; text as is, binary as a note.
awaitable<void> print_messages(websocket::connection ws, std::shared_ptr<bool> closed)
{
    try {
        while (std::optional<websocket::message> m = co_await ws.receive()) {
            if (m->is_text()) {
                std::fwrite(m->data.data(), 1, m->data.size(), stdout);
                std::fputc('\n', stdout);
            } else {
                std::fprintf(stdout, "[binary message, %zu bytes]\n", m->data.size());
            }
            std::fflush(stdout);
        }
    } catch (websocket::websocket_error const& e) {
        std::fprintf(stderr, "ahttp ws: %s\n", e.what());
    }
    *closed = true;
}

awaitable<int> talk(ws_settings const& settings)
{
    client::session_options defaults;
    defaults.connector.tls.verify = !settings.insecure;
    client::session session{co_await boost::asio::this_coro::executor, std::move(defaults)};
    websocket::options options;
    options.protocols = settings.protocols;
    options.compress = !settings.no_compress;
    for (std::string const& header : settings.headers) {
        std::size_t const colon = header.find(':');
        if (colon == std::string::npos || colon == 0) {
            throw usage_error("-H needs Name:value, got '" + header + "'");
        }
        std::size_t value = colon + 1;
        while (value < header.size() && header[value] == ' ') {
            ++value;
        }
        options.headers.emplace_back(header.substr(0, colon), header.substr(value));
    }
    websocket::connection ws = co_await session.ws_connect(settings.url, std::move(options));
    if (settings.verbose) {
        std::fprintf(stderr, "connected to %s (subprotocol: %s, permessage-deflate: %s)\n",
                     settings.url.c_str(), ws.protocol().empty() ? "none" : ws.protocol().c_str(),
                     ws.compressed() ? "yes" : "no");
    }
    // Shared with the printer, which may outlive this frame if a send throws.
    auto closed = std::make_shared<bool>(false);
    boost::asio::co_spawn(co_await boost::asio::this_coro::executor, print_messages(ws, closed),
                          boost::asio::detached);

    if (!settings.messages.empty()) {
        for (std::string const& message : settings.messages) {
            co_await ws.send_text(message);
        }
    } else {
        // Standard input may be a terminal, a pipe or a file: read it on a thread.
        for (;;) {
            std::optional<std::string> line = co_await ahttp::to_thread([] {
                std::string text;
                return std::getline(std::cin, text) ? std::optional<std::string>{text}
                                                    : std::nullopt;
            });
            if (!line || *closed) {
                break;
            }
            co_await ws.send_text(*line);
        }
    }
    // Give the replies a moment to arrive, then close (1000) and wait for the answer.
    auto const wait = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::duration<double>(settings.wait_seconds));
    for (auto waited = 0ms; waited < wait && !*closed; waited += 10ms) {
        co_await ahttp::sleep(10ms);
    }
    co_await ws.close();
    while (!*closed) {
        co_await ahttp::sleep(1ms); // the printer's last turn
    }
    if (settings.verbose) {
        std::fprintf(
            stderr, "closed (%u)\n",
            static_cast<unsigned>(ws.close_code().value_or(websocket::close_code::abnormal)));
    }
    co_return exit_ok;
}

} // namespace

void add_ws_command(CLI::App& app, action& chosen)
{
    auto settings = std::make_shared<ws_settings>();
    CLI::App* command = app.add_subcommand(
        "ws", "Talk to a WebSocket: send messages (or stdin lines), print what comes back");
    command->add_option("url", settings->url, "ws://, wss://, http:// or https:// URL")->required();
    command->add_option("messages", settings->messages,
                        "Text messages to send (default: one per line of stdin)");
    // One value per occurrence (-p a -p b): the rest of the line stays for the positionals.
    command->add_option("-p,--protocol", settings->protocols, "Subprotocol to offer (repeatable)")
        ->allow_extra_args(false);
    command
        ->add_option("-H,--header", settings->headers, "Handshake header Name:value (repeatable)")
        ->allow_extra_args(false);
    command
        ->add_option("-w,--wait", settings->wait_seconds,
                     "Seconds to wait for replies after the last message")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 3600.0));
    command->add_flag("--no-compress", settings->no_compress, "Do not offer permessage-deflate");
    command->add_flag("-k,--insecure", settings->insecure, "Skip TLS certificate verification");
    command->add_flag("-v,--verbose", settings->verbose,
                      "Report the handshake and close on stderr");
    command->callback(
        [settings, &chosen] { chosen = [settings] { return ahttp::run(talk(*settings)); }; });
}

} // namespace ahttp::cli
