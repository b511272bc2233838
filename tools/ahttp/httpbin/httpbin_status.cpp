// SPDX-License-Identifier: BSL-1.0
// /status/{codes}: answers with the status asked for, or one drawn at random from a weighted
// list ("200:0.5,500:0.5"), dressed as httpbin dresses it (a Location on redirects, a
// challenge on 401, the teapot on 418).
#include "httpbin/httpbin_request_info.hpp"
#include "httpbin/httpbin_routes.hpp"
#include "httpbin/httpbin_status_response.hpp"
#include "httpbin/httpbin_text.hpp"

#include <optional>
#include <random>
#include <string>
#include <vector>

namespace ahttp::cli::httpbin {

namespace json = boost::json;

namespace {

struct weighted_code {
    unsigned code;
    double weight;
};

/// A status we can send as a final response: 1xx cannot be one, and codes have 3 digits.
std::optional<unsigned> parse_code(std::string_view text)
{
    std::optional<std::int64_t> const code = parse_signed(text);
    if (!code || *code < 200 || *code > 999) {
        return std::nullopt;
    }
    return static_cast<unsigned>(*code);
}

/// Parses "200", or "200,500" and "200:0.9,500:0.1" (a missing weight is 1).
std::optional<std::vector<weighted_code>> parse_choices(std::string_view codes)
{
    std::vector<weighted_code> choices;
    for (;;) {
        std::size_t const comma = codes.find(',');
        std::string_view const choice = codes.substr(0, comma);
        std::size_t const colon = choice.find(':');
        std::optional<unsigned> const code = parse_code(choice.substr(0, colon));
        std::optional<double> const weight = colon == std::string_view::npos
                                                 ? std::optional<double>{1.0}
                                                 : parse_number(choice.substr(colon + 1));
        if (!code || !weight || *weight < 0) {
            return std::nullopt;
        }
        choices.push_back({*code, *weight});
        if (comma == std::string_view::npos) {
            return choices;
        }
        codes.remove_prefix(comma + 1);
    }
}

/// A weighted draw: a code's chance is its weight over the total (a weight of 0: never).
std::optional<unsigned> draw(std::vector<weighted_code> const& choices)
{
    double total = 0;
    for (auto const& choice : choices) {
        total += choice.weight;
    }
    if (!(total > 0)) {
        return std::nullopt;
    }
    thread_local std::mt19937_64 generator{std::random_device{}()};
    double const x = std::uniform_real_distribution<double>{0.0, total}(generator);
    double cumulative = 0;
    for (auto const& choice : choices) {
        cumulative += choice.weight;
        if (x < cumulative) {
            return choice.code;
        }
    }
    for (auto it = choices.rbegin(); it != choices.rend(); ++it) {
        if (it->weight > 0) {
            return it->code; // rounding left x at the very top
        }
    }
    return std::nullopt;
}

awaitable<web::response> status(web::request& req)
{
    std::optional<std::vector<weighted_code>> const choices =
        parse_choices(req.path_param("codes"));
    std::optional<unsigned> const code = choices ? draw(*choices) : std::nullopt;
    if (!code) {
        co_return web::response::text("Invalid status code", http::status::bad_request);
    }
    co_return status_response(*code);
}

} // namespace

void add_status_routes(web::router& router)
{
    // httpbin's methods for /status; HEAD comes with GET, OPTIONS from the CORS middleware.
    for (char const* method : {"GET", "POST", "PUT", "DELETE", "PATCH", "TRACE"}) {
        router.add_route(method, "/status/{codes}", status);
    }
}

} // namespace ahttp::cli::httpbin
