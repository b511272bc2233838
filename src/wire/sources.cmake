list(APPEND AHTTP_SOURCES
  wire/message_fields.cpp
  wire/request_parser.cpp
  wire/response_parser.cpp
)
