// SPDX-License-Identifier: BSL-1.0
// examples/server_static_files: a directory over HTTP, as `python3 -m http.server` does —
// index.html or a listing for directories, ranges, conditional requests, and precompressed
// siblings (app.js.br, app.js.gz) for clients that accept them.
#include <ahttp/error.hpp>
#include <ahttp/web.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>

namespace web = ahttp::web;

int main(int argc, char** argv)
{
    if (argc > 3) {
        std::cerr << "usage: server_static_files [DIRECTORY [PORT]]\n";
        return 2;
    }
    std::filesystem::path const root = argc > 1 ? argv[1] : ".";
    // `server_static_files DIR 0` picks a free port (printed in the banner).
    std::uint16_t const port = argc > 2 ? static_cast<std::uint16_t>(std::atoi(argv[2])) : 8080;

    web::application app;
    web::static_options options;
    options.index_file = "index.html"; // served for a directory that has one…
    options.show_index = true;         // …and an HTML listing for one that has not
    try {
        app.router().add_static("/", root, options); // never serves anything outside `root`
    } catch (ahttp::error const& e) {
        std::cerr << e.what() << '\n'; // not a directory, or not readable
        return 1;
    }
    web::run_app(app, {.host = "127.0.0.1", .port = port});
}
