// SPDX-License-Identifier: BSL-1.0
// examples/chat: a chat room in the browser. GET / serves the page; the page opens a WebSocket
// to /ws?name=NAME and every message is broadcast to everyone (late joiners get the last 50).
//   chat [PORT]     then open http://127.0.0.1:PORT/?name=alice in two browser tabs
#include <ahttp/web.hpp>
#include <ahttp/websocket.hpp>

#include <cstdlib>
#include <deque>
#include <string>
#include <vector>

using namespace std::chrono_literals;
namespace web = ahttp::web;
namespace websocket = ahttp::websocket;

namespace {

constexpr char const* page_html = R"html(<!doctype html>
<html>
<head><meta charset="utf-8"><title>ahttp chat</title>
<style>
  body { font-family: sans-serif; margin: 2em; }
  #log { list-style: none; padding: 0; } #log li { padding: .2em 0; }
  #state { color: #888; }
</style></head>
<body>
<h1>ahttp chat <small id="state">connecting…</small></h1>
<ul id="log"></ul>
<form id="form"><input id="text" autocomplete="off" autofocus><button>Send</button></form>
<script>
  const params = new URLSearchParams(location.search);
  const name = params.get('name') || 'anonymous';
  const ws = new WebSocket(`ws://${location.host}/ws?name=${encodeURIComponent(name)}`);
  const log = document.getElementById('log');
  const state = document.getElementById('state');
  ws.onopen = () => {
    state.textContent = `connected as ${name}`;
    if (params.get('say')) ws.send(params.get('say')); // lets a test speak without typing
  };
  ws.onclose = (e) => { state.textContent = `closed (${e.code})`; };
  ws.onmessage = (e) => {
    const li = document.createElement('li');
    li.textContent = e.data;
    log.appendChild(li);
  };
  document.getElementById('form').onsubmit = (e) => {
    e.preventDefault();
    const text = document.getElementById('text');
    if (text.value) { ws.send(text.value); text.value = ''; }
  };
</script>
</body>
</html>
)html";

/// Everyone in the room. One worker thread serves them all, so no locking is needed.
struct room {
    std::vector<websocket::connection> members;
    std::deque<std::string> history;

    ahttp::awaitable<void> broadcast(std::string line)
    {
        history.push_back(line);
        if (history.size() > 50) {
            history.pop_front();
        }
        // Copies of the handles: a send suspends, and members may join or leave meanwhile.
        std::vector<websocket::connection> const everyone = members;
        for (websocket::connection const& member : everyone) {
            websocket::connection peer = member;
            if (!peer.closed()) {
                try {
                    co_await peer.send_text(line);
                } catch (websocket::websocket_error const&) {
                    // That member has gone; its own handler removes it.
                }
            }
        }
    }
};

} // namespace

int main(int argc, char** argv)
{
    room chat;
    web::application app;
    app.router().add_get("/", [](web::request&) -> ahttp::awaitable<web::response> {
        web::response r = web::response::text(page_html);
        r.headers().set("Content-Type", "text/html; charset=utf-8");
        co_return r;
    });
    app.router().add_websocket(
        "/ws",
        [&chat](web::request& req, websocket::connection& ws) -> ahttp::awaitable<void> {
            std::string const name{req.query().value_or("name", "anonymous")};
            for (std::string const& line : chat.history) {
                co_await ws.send_text(line);
            }
            chat.members.push_back(ws);
            while (std::optional<websocket::message> m = co_await ws.receive()) {
                if (m->is_text()) {
                    co_await chat.broadcast(name + ": " + m->data);
                }
            }
            std::erase_if(chat.members, [](websocket::connection const& c) { return c.closed(); });
        },
        {.heartbeat = 30s, .max_message_size = 64 * 1024});

    std::uint16_t const port = argc > 1 ? static_cast<std::uint16_t>(std::atoi(argv[1])) : 8080;
    web::run_app(app, {.host = "127.0.0.1", .port = port});
}
