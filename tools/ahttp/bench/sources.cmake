# SPDX-License-Identifier: BSL-1.0
target_sources(ahttp_cli PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/bench_command.cpp
  ${CMAKE_CURRENT_LIST_DIR}/histogram.cpp
  ${CMAKE_CURRENT_LIST_DIR}/load_generator.cpp
  ${CMAKE_CURRENT_LIST_DIR}/report.cpp
  ${CMAKE_CURRENT_LIST_DIR}/svg_plot.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sweep.cpp
)
