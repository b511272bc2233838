# SPDX-License-Identifier: BSL-1.0
# `ahttp httpbin`: the httpbin application (install_httpbin) and its subcommand.
target_sources(ahttp_cli PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/httpbin_app.cpp
  ${CMAKE_CURRENT_LIST_DIR}/httpbin_auth.cpp
  ${CMAKE_CURRENT_LIST_DIR}/httpbin_command.cpp
  ${CMAKE_CURRENT_LIST_DIR}/httpbin_cookies.cpp
  ${CMAKE_CURRENT_LIST_DIR}/httpbin_cors.cpp
  ${CMAKE_CURRENT_LIST_DIR}/httpbin_echo.cpp
  ${CMAKE_CURRENT_LIST_DIR}/httpbin_pages.cpp
  ${CMAKE_CURRENT_LIST_DIR}/httpbin_python_random.cpp
  ${CMAKE_CURRENT_LIST_DIR}/httpbin_redirects.cpp
  ${CMAKE_CURRENT_LIST_DIR}/httpbin_request_info.cpp
  ${CMAKE_CURRENT_LIST_DIR}/httpbin_status.cpp
  ${CMAKE_CURRENT_LIST_DIR}/httpbin_status_response.cpp
  ${CMAKE_CURRENT_LIST_DIR}/httpbin_streams.cpp
  ${CMAKE_CURRENT_LIST_DIR}/httpbin_text.cpp
)
