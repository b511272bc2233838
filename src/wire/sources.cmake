list(APPEND AHTTP_SOURCES
  wire/request_parser.cpp
)
