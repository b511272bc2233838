list(APPEND AHTTP_SOURCES
  http/date.cpp
  http/headers.cpp
  http/method.cpp
  http/mime_types.cpp
  http/multipart.cpp
  http/query.cpp
)
