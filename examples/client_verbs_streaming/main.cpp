// SPDX-License-Identifier: BSL-1.0
// examples/client_verbs_streaming: every HTTP verb of client::session against httpbin's
// /anything (which echoes the request back), then a download streamed to a file piece by
// piece with read_chunk(), never held whole in memory.
//   client_verbs_streaming http://127.0.0.1:8080/ download.bin
#include <ahttp/client.hpp>

#include <boost/json.hpp>

#include <fstream>
#include <iomanip>
#include <iostream>
#include <string>
#include <string_view>

namespace client = ahttp::client;
namespace json = boost::json;

/// Prints the method httpbin saw, the status, and the part of its echo named `field`.
ahttp::awaitable<void> show(client::response& response, std::string field)
{
    json::value const echo = co_await response.json();
    std::string_view const method = echo.at("method").as_string();
    std::cout << std::left << std::setw(8) << method << response.status_code();
    if (!field.empty()) {
        std::cout << "  " << field << ' ' << json::serialize(echo.at(field));
    }
    std::cout << '\n';
}

ahttp::awaitable<void> every_verb(client::session& session)
{
    // Options are named before each co_await (g++ 12 miscompiles braced temporaries there).
    client::request_options query{.params = {{"verb", "get"}}};
    client::response get = co_await session.get("anything", std::move(query));
    co_await show(get, "args");

    client::request_options body{.json = json::object{{"name", "ahttp"}}};
    client::response post = co_await session.post("anything", std::move(body));
    co_await show(post, "json");

    client::request_options bytes{.data = "replaced"};
    client::response put = co_await session.put("anything", std::move(bytes));
    co_await show(put, "data");

    client::request_options form{.form = ahttp::http::query_params{{"field", "value"}}};
    client::response patch = co_await session.patch("anything", std::move(form));
    co_await show(patch, "form");

    client::response del = co_await session.delete_("anything");
    co_await show(del, "");

    // HEAD: the headers a GET would get, no body.
    client::response head = co_await session.head("anything");
    std::cout << "HEAD    " << head.status_code()
              << "  Content-Length: " << head.headers().value_or("Content-Length", "-")
              << " (no body)\n";

    // OPTIONS: which methods the resource allows.
    client::response options = co_await session.options("anything");
    std::cout << "OPTIONS " << options.status_code()
              << "  Allow: " << options.headers().value_or("Allow", "-") << '\n';
}

ahttp::awaitable<void> download(client::session& session, std::string path)
{
    // httpbin sends 100 KiB of random bytes, chunked, in 4 KiB pieces.
    client::response response = co_await session.get("stream-bytes/102400?chunk_size=4096");
    response.raise_for_status();
    std::ofstream file{path, std::ios::binary};
    std::size_t total = 0, pieces = 0;
    for (;;) {
        std::string_view const chunk = co_await response.read_chunk(16384);
        if (chunk.empty()) {
            break; // the end of the body
        }
        file.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        total += chunk.size();
        ++pieces;
    }
    std::cout << "streamed " << total << " bytes in " << pieces << " pieces to " << path << '\n';
}

ahttp::awaitable<void> run_all(std::string base, std::string path)
{
    auto executor = co_await boost::asio::this_coro::executor;
    client::session_options defaults{.base_url = std::move(base)}; // "anything" resolves here
    client::session session{executor, std::move(defaults)};
    co_await every_verb(session);
    co_await download(session, path);
}

int main(int argc, char** argv)
{
    if (argc != 3) {
        std::cerr << "usage: client_verbs_streaming <httpbin-base-url> <output-file>\n";
        return 2;
    }
    try {
        ahttp::run(run_all(argv[1], argv[2]));
    } catch (std::exception const& e) {
        std::cerr << "failed: " << e.what() << '\n';
        return 1;
    }
}
