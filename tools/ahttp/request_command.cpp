// SPDX-License-Identifier: BSL-1.0
// `ahttp get|post|put|patch|delete|head|options URL [items]`: one request, httpie-style.
//
// What is printed follows httpie: on a terminal the response head and body, in colour; into
// a pipe the body only (so `ahttp get URL > file` saves the body); `--print` chooses exactly
// (H request head, B request body, h response head, b response body) and `-v` shows all four.
#include "cli.hpp"
#include "progress_bar.hpp"
#include "request_items.hpp"
#include "terminal.hpp"
#include "units.hpp"

#include <ahttp/client.hpp>

#include <boost/json/serialize.hpp>

#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ahttp::cli {

namespace {

struct request_settings {
    http::method method = http::method::get;
    std::string url;
    std::vector<std::string> items;
    bool json = false;
    bool form = false;
    std::optional<std::string> raw_body;
    std::string timeout;
    bool follow = false;
    std::size_t max_redirects = 30;
    std::string auth;
    bool verbose = false;
    std::string print;
    std::string download;
    bool insecure = false;
};

/// What to print, as httpie's --print letters.
struct print_parts {
    bool request_head = false;
    bool request_body = false;
    bool response_head = false;
    bool response_body = false;
};

print_parts choose_parts(request_settings const& settings, bool stdout_is_terminal)
{
    std::string letters = settings.print;
    if (letters.empty()) {
        letters = settings.verbose ? "HBhb" : stdout_is_terminal ? "hb" : "b";
    }
    print_parts parts;
    for (char const c : letters) {
        switch (c) {
        case 'H':
            parts.request_head = true;
            break;
        case 'B':
            parts.request_body = true;
            break;
        case 'h':
            parts.response_head = true;
            break;
        case 'b':
            parts.response_body = true;
            break;
        default:
            throw usage_error(std::string{"--print: '"} + c +
                              "' is not one of H (request head), B (request body), h "
                              "(response head), b (response body)");
        }
    }
    return parts;
}

/// The request as the command line describes it, before the session adds its defaults.
struct prepared_request {
    client::request_options options;
    std::string body_preview; ///< what -v shows as the request body
};

prepared_request prepare(request_settings const& settings, request_items items)
{
    if (settings.json && settings.form) {
        throw usage_error("--json and --form exclude each other");
    }
    if (settings.raw_body && items.has_body()) {
        throw usage_error("--raw and data items (name=value, name:=json, name@file) exclude "
                          "each other");
    }
    prepared_request out;
    client::request_options& options = out.options;
    for (auto& [name, value] : items.query) {
        options.params.add(name, value);
    }
    for (auto& [name, value] : items.headers) {
        std::string_view trimmed = value;
        while (!trimmed.empty() && (trimmed.front() == ' ' || trimmed.front() == '\t')) {
            trimmed.remove_prefix(1);
        }
        options.headers.add(name, trimmed);
    }
    if (settings.json) {
        // httpie's --json also says what it wants back.
        if (!options.headers.contains("Accept")) {
            options.headers.add("Accept", "application/json, */*;q=0.5");
        }
    }

    if (settings.raw_body) {
        options.data = *settings.raw_body;
        out.body_preview = *settings.raw_body;
    } else if (!items.files.empty()) {
        if (settings.json) {
            throw usage_error("file fields (name@path) need a multipart form: drop --json");
        }
        client::form_data form;
        for (auto const& field : items.fields) {
            if (field.raw_json) {
                throw usage_error("'" + field.name +
                                  ":=' is a JSON field; a form takes name=value");
            }
            form.add_field(field.name, std::string{field.value.as_string()});
            out.body_preview += field.name + "=" + std::string{field.value.as_string()} + "\n";
        }
        for (auto const& [name, path] : items.files) {
            std::ifstream probe{path, std::ios::binary};
            if (!probe) {
                throw usage_error("'" + name + "@" + path + "': cannot read " + path);
            }
            form.add_file(name, path);
            out.body_preview += name + "@" + path + " (file)\n";
        }
        options.multipart = std::move(form);
    } else if (settings.form && !items.fields.empty()) {
        http::query_params form;
        for (auto const& field : items.fields) {
            if (field.raw_json) {
                throw usage_error("'" + field.name +
                                  ":=' is a JSON field; --form takes name=value");
            }
            form.add(field.name, field.value.as_string());
        }
        out.body_preview = form.encode();
        options.form = std::move(form);
    } else if (!items.fields.empty()) {
        boost::json::object object;
        for (auto& field : items.fields) {
            object[field.name] = std::move(field.value);
        }
        out.body_preview = boost::json::serialize(object);
        options.json = std::move(object);
    }

    if (!settings.timeout.empty()) {
        options.timeout.total = std::chrono::duration_cast<std::chrono::milliseconds>(
            parse_duration(settings.timeout, "--timeout"));
    }
    options.allow_redirects = settings.follow;
    options.max_redirects = settings.max_redirects;
    if (!settings.auth.empty()) {
        auto const colon = settings.auth.find(':');
        http::basic_auth credentials{settings.auth.substr(0, colon)};
        if (colon != std::string::npos) {
            credentials.password = settings.auth.substr(colon + 1);
        }
        options.auth = std::move(credentials);
    }
    return out;
}

// ---- printing ----------------------------------------------------------------------------

class printer {
public:
    explicit printer(bool colour) : colour_{colour} {}

    void request_head(request_settings const& settings, client::request_options const& options)
    {
        std::string const method{http::to_string(settings.method)};
        std::string line = paint(method, colour::green, colour_) + " " + settings.url;
        if (!options.params.empty()) {
            line += (settings.url.find('?') == std::string::npos ? "?" : "&");
            line += options.params.encode();
        }
        std::fputs((line + "\n").c_str(), stdout);
        for (auto const& [name, value] : options.headers) {
            field(name, value);
        }
        std::fputs("\n", stdout);
    }

    void request_body(std::string const& preview)
    {
        if (!preview.empty()) {
            std::fputs((preview + "\n\n").c_str(), stdout);
        }
    }

    void response_head(client::response const& response)
    {
        unsigned const status = response.status_code();
        colour const tone = status < 300   ? colour::green
                            : status < 400 ? colour::yellow
                                           : colour::red;
        std::string line = "HTTP/1." + std::to_string(response.version_minor()) + " ";
        line += paint(std::to_string(status) + " " + std::string{response.reason()}, tone, colour_);
        std::fputs((line + "\n").c_str(), stdout);
        for (auto const& [name, value] : response.headers()) {
            field(name, value);
        }
        std::fputs("\n", stdout);
    }

    void body(std::string const& text, bool to_terminal)
    {
        if (to_terminal && text.find('\0') != std::string::npos) {
            // As httpie: raw bytes would garble the terminal.
            std::fputs("+-----------------------------------------+\n"
                       "| NOTE: binary data not shown in terminal |\n"
                       "+-----------------------------------------+\n",
                       stdout);
            return;
        }
        std::fwrite(text.data(), 1, text.size(), stdout);
        if (to_terminal && !text.empty() && text.back() != '\n') {
            std::fputs("\n", stdout);
        }
    }

private:
    void field(std::string_view name, std::string_view value)
    {
        std::string line = paint(name, colour::cyan, colour_) + ": " + std::string{value} + "\n";
        std::fputs(line.c_str(), stdout);
    }

    bool colour_;
};

/// Streams the body to `path` with a progress bar on stderr; returns the byte count.
awaitable<std::uint64_t> download_to(client::response& response, std::string const& path)
{
    std::ofstream file{path, std::ios::binary | std::ios::trunc};
    if (!file) {
        throw std::runtime_error("cannot write " + path);
    }
    progress_bar bar{"Downloading", response.content_length(), true};
    std::uint64_t written = 0;
    for (;;) {
        std::string_view const chunk = co_await response.read_chunk();
        if (chunk.empty()) {
            break;
        }
        file.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        if (!file) {
            throw std::runtime_error("cannot write " + path);
        }
        written += chunk.size();
        bar.update(written);
    }
    bar.finish();
    co_return written;
}

awaitable<int> send(request_settings settings, prepared_request prepared, print_parts parts)
{
    bool const terminal = is_terminal(stdout);
    printer out{wants_colour(stdout)};
    if (parts.request_head) {
        out.request_head(settings, prepared.options);
    }
    if (parts.request_body) {
        out.request_body(prepared.body_preview);
    }

    client::session_options session_settings;
    session_settings.connector.tls.verify = !settings.insecure;
    // Keep what the server sends as is: the tool shows a response, it does not judge it.
    session_settings.cookie_jar =
        std::make_shared<client::cookie_jar>(client::cookie_jar_options{.unsafe = true});
    client::session session{co_await boost::asio::this_coro::executor, std::move(session_settings)};
    client::response response =
        co_await session.request(settings.method, settings.url, std::move(prepared.options));
    if (parts.response_head) {
        out.response_head(response);
    }
    unsigned const status = response.status_code();
    bool const success = status >= 200 && status < 300;

    if (!settings.download.empty() && success) {
        auto const start = std::chrono::steady_clock::now();
        std::uint64_t const bytes = co_await download_to(response, settings.download);
        auto const took = std::chrono::steady_clock::now() - start;
        std::fprintf(stderr, "Saved %s (%s) to %s in %s\n", settings.url.c_str(),
                     format_bytes(bytes).c_str(), settings.download.c_str(),
                     format_duration(took).c_str());
    } else if (parts.response_body && settings.method != http::method::head) {
        out.body(co_await response.read(), terminal);
    }
    std::fflush(stdout);

    if (!success) {
        // httpie's --check-status: the exit status tells scripts; stderr tells people.
        std::fprintf(stderr, "ahttp: warning: HTTP %u %s\n", status,
                     std::string{response.reason()}.c_str());
        co_return exit_http_error;
    }
    co_return exit_ok;
}

void add_verb(CLI::App& app, action& chosen, http::method method, std::string const& name)
{
    auto settings = std::make_shared<request_settings>();
    settings->method = method;
    CLI::App* command = app.add_subcommand(name, "Send a " + std::string{http::to_string(method)} +
                                                     " request: ahttp " + name +
                                                     " URL [name==query name=field name:=json "
                                                     "name@file Header:value ...]");
    command->add_option("url", settings->url, "URL (':8080/x' means http://localhost:8080/x)")
        ->required();
    command->add_option("items", settings->items,
                        "name==value query, name=value field, name:=json raw JSON field, "
                        "name@path file upload, Header:value header");
    command->add_flag("-j,--json", settings->json,
                      "Send data fields as a JSON object (the default) and ask for JSON");
    command->add_flag("-f,--form", settings->form,
                      "Send data fields as a form (multipart when there are files)");
    command->add_option("--raw", settings->raw_body, "Send this text as the body, as is");
    command->add_option("--timeout", settings->timeout, "Give up after this long (e.g. 10s)");
    command->add_flag("-F,--follow", settings->follow, "Follow redirects");
    command
        ->add_option("--max-redirects", settings->max_redirects,
                     "At most this many redirects with --follow")
        ->capture_default_str();
    command->add_option("-a,--auth", settings->auth, "Basic credentials USER[:PASSWORD]");
    command->add_flag("-v,--verbose", settings->verbose,
                      "Print the request and the response (heads and bodies)");
    command->add_option("-p,--print", settings->print,
                        "What to print: H request head, B request body, h response head, b "
                        "response body (default: hb on a terminal, b in a pipe)");
    command->add_option("-d,--download", settings->download,
                        "Save the body to this file, with a progress bar on a terminal");
    command->add_flag("-k,--insecure", settings->insecure,
                      "Do not verify the server's TLS certificate (tests only)");
    command->callback([settings, &chosen] {
        chosen = [settings] {
            settings->url = complete_url(settings->url);
            print_parts const parts = choose_parts(*settings, is_terminal(stdout));
            prepared_request prepared = prepare(*settings, parse_request_items(settings->items));
            return ahttp::run(send(*settings, std::move(prepared), parts));
        };
    });
}

} // namespace

void add_request_commands(CLI::App& app, action& chosen)
{
    add_verb(app, chosen, http::method::get, "get");
    add_verb(app, chosen, http::method::post, "post");
    add_verb(app, chosen, http::method::put, "put");
    add_verb(app, chosen, http::method::patch, "patch");
    add_verb(app, chosen, http::method::delete_, "delete");
    add_verb(app, chosen, http::method::head, "head");
    add_verb(app, chosen, http::method::options, "options");
}

} // namespace ahttp::cli
