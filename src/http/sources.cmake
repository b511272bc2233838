list(APPEND AHTTP_SOURCES
  http/basic_auth.cpp
  http/cookie.cpp
  http/date.cpp
  http/headers.cpp
  http/method.cpp
  http/mime_types.cpp
  http/multipart.cpp
  http/query.cpp
)
