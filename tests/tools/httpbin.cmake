# SPDX-License-Identifier: BSL-1.0
# `ahttp httpbin`: the application compared with python3-httpbin under gunicorn (curl sends the
# same request to both), driven in-process through client::session, and the binary run as a
# child process and stopped by a signal.
ahttp_add_test(ahttp_httpbin_tests LABEL interop SOURCES
  httpbin_compare_test.cpp
  httpbin_app_test.cpp
  httpbin_command_test.cpp
)
target_link_libraries(ahttp_httpbin_tests PRIVATE ahttp_cli)
target_compile_definitions(ahttp_httpbin_tests PRIVATE AHTTP_TOOL="$<TARGET_FILE:ahttp_tool>")
add_dependencies(ahttp_httpbin_tests ahttp_tool)
