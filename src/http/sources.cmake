list(APPEND AHTTP_SOURCES
  http/headers.cpp
  http/method.cpp
  http/query.cpp
)
