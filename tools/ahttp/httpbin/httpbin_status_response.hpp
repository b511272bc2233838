// SPDX-License-Identifier: BSL-1.0
// Canned responses: httpbin's for a bare status code (its status_code() helper), shared by
// /status and the auth endpoints, and Flask's redirect page.
#pragma once

#include <ahttp/web/response.hpp>

#include <string>

namespace ahttp::cli::httpbin {

/// An empty response with status `code`, plus what httpbin adds for some codes: Location
/// /redirect/1 on 301, 302, 303, 305 and 307; a Basic challenge on 401 and 407; a JSON
/// body on 406; a short text with X-More-Info on 402 and 418 (418's is a teapot). Others
/// get Flask's default Content-Type, text/html; charset=utf-8.
web::response status_response(unsigned code);

/// A 302 to `location` with a small HTML page linking to it, as Flask's redirect() sends.
web::response redirect_page(std::string const& location);

} // namespace ahttp::cli::httpbin
