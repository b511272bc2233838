// SPDX-License-Identifier: BSL-1.0
// Small applications shared by the server tests.
#pragma once

#include <ahttp/web.hpp>

namespace ahttp::test {

/// GET / → "Hello, World!"; GET /{name} → "Hello, <name>!"; POST /echo → the body;
/// GET /sleep/{ms} → sleeps, then "slept"; GET /stream → three chunks; GET /boom → throws.
web::application make_demo_app(web::application_options options = {});

} // namespace ahttp::test
