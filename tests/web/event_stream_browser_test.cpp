// SPDX-License-Identifier: BSL-1.0
// A real browser's EventSource against web::event_stream: headless Chromium (Debian's, driven
// by tests/browser/run_page.mjs) receives events in order, reconnects after the stream ends
// with Last-Event-ID and the server's retry, and the page is saved as a screenshot.
#include "support/process.hpp"

#include <ahttp/testing/test_server.hpp>
#include <ahttp/web.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace web = ahttp::web;
using ahttp::test::run_process;

constexpr char const* page_html = R"(<!doctype html>
<html>
<head><meta charset="utf-8"><title>ahttp server-sent events</title>
<style>body { font: 16px sans-serif; margin: 2em; } li { margin: 2px 0; }</style></head>
<body>
<h1>Server-sent events</h1>
<p>Status: <span id="status">connecting</span>, opened <span id="opens">0</span> times</p>
<ol id="events"></ol>
<script>
const list = document.getElementById('events');
const source = new EventSource('/events');
let opens = 0;
source.onopen = () => { document.getElementById('opens').textContent = String(++opens); };
source.addEventListener('tick', (e) => {
  const item = document.createElement('li');
  item.textContent = e.lastEventId + ':' + e.data;
  list.appendChild(item);
});
source.addEventListener('done', () => {
  source.close();
  document.getElementById('status').textContent = 'done';
});
</script>
</body>
</html>
)";

constexpr int events_per_connection = 5;

std::mutex g_mutex;
std::vector<std::string> g_last_ids; // Last-Event-ID of each /events request

ahttp::awaitable<web::response> page(web::request&)
{
    co_return web::response::html(page_html);
}

/// First connection: ticks 1–5 (retry: 100), then the stream ends; the browser reconnects with
/// Last-Event-ID: 5 and gets ticks 6–10 (the last one on two lines) and a "done" event.
ahttp::awaitable<web::response> events(web::request& request)
{
    {
        std::lock_guard lock{g_mutex};
        g_last_ids.emplace_back(web::last_event_id(request));
    }
    web::event_stream stream;
    co_await stream.prepare(request);
    std::string const last{stream.last_event_id()};
    int const first = last.empty() ? 1 : std::stoi(last) + 1;
    for (int i = first; i < first + events_per_connection; ++i) {
        std::string const id = std::to_string(i);
        web::event_options options{.id = id, .event = "tick"};
        if (i == 1) {
            options.retry = 100ms;
        }
        std::string const data = i == 10 ? "ten\non two lines" : "event " + id;
        co_await stream.send(data, options);
        co_await ahttp::sleep(20ms);
    }
    if (first > 1) {
        web::event_options done{.event = "done"};
        co_await stream.send("bye", done);
    }
    co_return stream;
}

TEST(BrowserEventSourceTest, ChromiumReceivesEventsInOrderAndReconnects)
{
    std::filesystem::path const driver = AHTTP_BROWSER_DIR "/run_page.mjs";
    // CI installs both (scripts/install-deps.sh): missing is a failure, not a skip.
    ASSERT_TRUE(std::filesystem::exists("/usr/bin/chromium"))
        << "/usr/bin/chromium missing: run scripts/install-deps.sh";
    ASSERT_TRUE(std::filesystem::exists(AHTTP_BROWSER_DIR "/node_modules/playwright-core"))
        << "tests/browser/node_modules missing: run scripts/install-deps.sh";
    {
        std::lock_guard lock{g_mutex};
        g_last_ids.clear();
    }

    web::application app;
    app.router().add_get("/", page);
    app.router().add_get("/events", events);
    web::server_options options = ahttp::testing::test_server::quiet_options();
    options.shutdown_timeout = 2s;
    ahttp::testing::test_server server{app, options};

    std::filesystem::create_directories(AHTTP_ARTIFACT_DIR);
    std::string const screenshot = AHTTP_ARTIFACT_DIR "/event_source.png";
    std::filesystem::remove(screenshot);
    auto const r =
        run_process({"node", driver.string(), "--url", server.url("/"), "--until",
                     "document.getElementById('status').textContent === 'done'", "--print",
                     "[...document.querySelectorAll('#events li')]"
                     ".map((li) => li.textContent)"
                     ".concat(['opens=' + document.getElementById('opens').textContent])",
                     "--screenshot", screenshot, "--timeout", "20000"},
                    {}, 60s);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(r.out, R"(["1:event 1","2:event 2","3:event 3","4:event 4","5:event 5",)"
                     R"("6:event 6","7:event 7","8:event 8","9:event 9","10:ten\non two lines",)"
                     R"("opens=2"])"
                     "\n")
        << r.err;
    EXPECT_TRUE(std::filesystem::exists(screenshot));

    std::lock_guard lock{g_mutex};
    ASSERT_GE(g_last_ids.size(), 2u);
    EXPECT_EQ(g_last_ids[0], "");
    EXPECT_EQ(g_last_ids[1], "5");
}

} // namespace
