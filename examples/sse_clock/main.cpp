// SPDX-License-Identifier: BSL-1.0
// examples/sse_clock: server-sent events — a page whose clock the server pushes every second.
//   ./sse_clock 8080   then open http://127.0.0.1:8080/ or `curl -N http://127.0.0.1:8080/time`
#include <ahttp/web.hpp>

#include <boost/asio/error.hpp>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <string>

using namespace std::chrono_literals;
namespace web = ahttp::web;

constexpr char const* page = R"(<!doctype html>
<html><head><meta charset="utf-8"><title>ahttp clock</title></head>
<body><h1 id="time">…</h1>
<script>
// EventSource reconnects by itself, sending the last id it saw as Last-Event-ID.
const source = new EventSource('/time');
source.addEventListener('tick', (e) => { document.getElementById('time').textContent = e.data; });
</script></body></html>
)";

std::string utc_time()
{
    std::time_t const now = std::time(nullptr);
    std::tm parts{};
    ::gmtime_r(&now, &parts);
    char text[32];
    std::strftime(text, sizeof text, "%H:%M:%S UTC", &parts);
    return text;
}

ahttp::awaitable<web::response> clock_page(web::request&)
{
    co_return web::response::html(page);
}

ahttp::awaitable<web::response> time_events(web::request& request)
{
    web::event_stream stream; // pings every 15 s by default
    co_await stream.prepare(request);
    // A reconnecting browser says which tick it saw last; carry on counting from there.
    std::string const last{stream.last_event_id()};
    long tick = last.empty() ? 0 : std::strtol(last.c_str(), nullptr, 10) + 1;
    try {
        for (;; ++tick) {
            std::string const id = std::to_string(tick);
            std::string const now = utc_time();
            web::event_options options{.id = id, .event = "tick"};
            co_await stream.send(now, options);
            co_await ahttp::sleep(1s);
        }
    } catch (boost::system::system_error const& e) {
        if (e.code() == boost::asio::error::operation_aborted) {
            throw; // the server is shutting down: not ours to swallow
        }
        // Any other failure of send(): the client has gone.
    }
    co_return stream;
}

int main(int argc, char** argv)
{
    web::application app;
    app.router().add_get("/", clock_page);
    app.router().add_get("/time", time_events);
    std::uint16_t const port = argc > 1 ? static_cast<std::uint16_t>(std::atoi(argv[1])) : 8080;
    // Streams never finish by themselves: on Ctrl+C give them a second, then cancel them.
    web::run_app(app, {.host = "127.0.0.1", .port = port, .shutdown_timeout = 1s});
}
