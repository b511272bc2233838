# SPDX-License-Identifier: BSL-1.0
# Warnings for ahttp's own targets. Linked PRIVATE and never exported, so consumers never
# inherit our -Werror.
add_library(ahttp_warnings INTERFACE)
target_compile_options(ahttp_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wcast-align -Wunused
  -Woverloaded-virtual -Wimplicit-fallthrough
  $<$<BOOL:${AHTTP_WARNINGS_AS_ERRORS}>:-Werror>)
# In a unity build g++ sees each source as a header of the generated file and flags every
# type from an anonymous namespace used in a coroutine frame; that is noise there.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_UNITY_BUILD)
  target_compile_options(ahttp_warnings INTERFACE -Wno-subobject-linkage)
endif()
