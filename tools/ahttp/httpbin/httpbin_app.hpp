// SPDX-License-Identifier: BSL-1.0
// The httpbin application: python3-httpbin 0.9.2's endpoints, served by ahttp's server.
#pragma once

#include <ahttp/web/application.hpp>

namespace ahttp::cli {

/// Adds httpbin's routes and its CORS middleware to `app`, so that `app` answers as
/// python3-httpbin 0.9.2 does: same status codes, same JSON keys and shapes, same headers
/// where a client may look at them.
///
/// The routes: /get /post /put /patch /delete /anything[/...] /headers /ip /user-agent /uuid
/// /status/{codes} /delay/{n} /redirect/{n} /relative-redirect/{n} /absolute-redirect/{n}
/// /redirect-to /cookies /cookies/set[/{name}/{value}] /cookies/delete /gzip /deflate /brotli
/// /stream/{n} /bytes/{n} /stream-bytes/{n} /range/{n} /drip /basic-auth/{user}/{passwd}
/// /hidden-basic-auth/{user}/{passwd} /bearer /cache /cache/{n} /etag/{etag}
/// /response-headers /base64/{value} /html /xml /robots.txt /encoding/utf8.
///
/// Where httpbin fails on bad input with a 500 (/delay/xyz, /redirect/0, /base64/SGk,
/// /bytes/5?seed=abc...), this app answers 400 with a one-line reason instead. Slow
/// endpoints (/delay, /drip, /range?duration=) await timers and never block the loop.
///
/// @par Thread safety
/// The handlers keep no state between requests, so the application may be served by any
/// number of workers.
/// @throws ahttp::error (invalid_state) if `app` is already frozen, (invalid_argument) if it
///   already has one of these routes.
void install_httpbin(ahttp::web::application& app);

} // namespace ahttp::cli
