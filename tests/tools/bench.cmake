# SPDX-License-Identifier: BSL-1.0
# `ahttp bench`: the histogram in-process, the tool as a child process against real servers (an
# in-process ahttp test_server and nginx with an access log), on 127.0.0.1.
ahttp_add_test(ahttp_bench_tests LABEL loopback SOURCES
  bench_histogram_test.cpp
  bench_command_test.cpp
  bench_nginx_test.cpp
)
target_link_libraries(ahttp_bench_tests PRIVATE ahttp_cli)
target_compile_definitions(ahttp_bench_tests PRIVATE AHTTP_TOOL="$<TARGET_FILE:ahttp_tool>")
add_dependencies(ahttp_bench_tests ahttp_tool)
