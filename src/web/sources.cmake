list(APPEND AHTTP_SOURCES
  web/app_runner.cpp
  web/application.cpp
  web/connection.cpp
  web/file_response.cpp
  web/form_data.cpp
  web/http_exceptions.cpp
  web/multipart_reader.cpp
  web/request.cpp
  web/response.cpp
  web/response_compression.cpp
  web/router.cpp
  web/server_log.cpp
  web/static_files.cpp
  web/stream_response.cpp
  web/worker.cpp
)
