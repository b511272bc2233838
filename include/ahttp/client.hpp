// SPDX-License-Identifier: BSL-1.0
// The HTTP client: client::session, its options, responses and exceptions.
#pragma once

#include <ahttp/awaitable.hpp>
#include <ahttp/client/cookie_jar.hpp>
#include <ahttp/client/errors.hpp>
#include <ahttp/client/event_source.hpp>
#include <ahttp/client/form_data.hpp>
#include <ahttp/client/request_options.hpp>
#include <ahttp/client/response.hpp>
#include <ahttp/client/retry.hpp>
#include <ahttp/client/session.hpp>
#include <ahttp/client/session_options.hpp>
#include <ahttp/client/timeout.hpp>
#include <ahttp/client/trace.hpp>
#include <ahttp/http/basic_auth.hpp>
#include <ahttp/http/cookie.hpp>
#include <ahttp/http/headers.hpp>
#include <ahttp/http/method.hpp>
#include <ahttp/http/query.hpp>
#include <ahttp/http/status.hpp>
