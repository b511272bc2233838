list(APPEND AHTTP_SOURCES
  testing/test_server.cpp
)
