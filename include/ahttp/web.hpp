// SPDX-License-Identifier: BSL-1.0
// Umbrella header for the server half: applications, routing, requests and responses.
#pragma once

#include <ahttp/awaitable.hpp>
#include <ahttp/http/date.hpp>
#include <ahttp/http/field.hpp>
#include <ahttp/http/headers.hpp>
#include <ahttp/http/method.hpp>
#include <ahttp/http/mime_types.hpp>
#include <ahttp/http/query.hpp>
#include <ahttp/http/status.hpp>
#include <ahttp/web/application.hpp>
#include <ahttp/web/event_stream.hpp>
#include <ahttp/web/handler.hpp>
#include <ahttp/web/http_exceptions.hpp>
#include <ahttp/web/request.hpp>
#include <ahttp/web/response.hpp>
#include <ahttp/web/router.hpp>
#include <ahttp/web/run_app.hpp>
#include <ahttp/web/static_files.hpp>
#include <ahttp/web/stream_response.hpp>
#include <ahttp/web/websocket_response.hpp>
