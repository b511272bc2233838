# SPDX-License-Identifier: BSL-1.0
# The HTTP client: session, connection pool, responses.
list(APPEND AHTTP_SOURCES
  client/connection.cpp
  client/connector.cpp
  client/cookie_jar.cpp
  client/errors.cpp
  client/event_source.cpp
  client/form_data.cpp
  client/happy_eyeballs.cpp
  client/multipart_body.cpp
  client/response.cpp
  client/round_writes.cpp
  client/sse_parser.cpp
  client/target.cpp
  client/url_repair.cpp
  client/session.cpp
  client/ws_connect.cpp
)
