list(APPEND AHTTP_SOURCES
  web/app_runner.cpp
  web/application.cpp
  web/connection.cpp
  web/http_exceptions.cpp
  web/request.cpp
  web/response.cpp
  web/router.cpp
  web/server_log.cpp
  web/stream_response.cpp
  web/worker.cpp
)
