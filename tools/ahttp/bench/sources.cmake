# SPDX-License-Identifier: BSL-1.0
target_sources(ahttp_cli PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/bench_command.cpp
)
