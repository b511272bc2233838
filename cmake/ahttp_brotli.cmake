# SPDX-License-Identifier: BSL-1.0
# Finds libbrotlienc and libbrotlidec (Debian: libbrotli-dev) and defines the imported targets
# ahttp::brotlienc and ahttp::brotlidec. Used by our build and, installed beside
# ahttpConfig.cmake, by find_package(ahttp): a static libahttp needs them at link time.
if(TARGET ahttp::brotlienc AND TARGET ahttp::brotlidec)
  return()
endif()

find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(AHTTP_PC_BROTLIENC QUIET libbrotlienc)
  pkg_check_modules(AHTTP_PC_BROTLIDEC QUIET libbrotlidec)
endif()
find_path(AHTTP_BROTLI_INCLUDE_DIR brotli/encode.h
  HINTS ${AHTTP_PC_BROTLIENC_INCLUDEDIR} ${AHTTP_PC_BROTLIENC_INCLUDE_DIRS})
find_library(AHTTP_BROTLIENC_LIBRARY NAMES brotlienc
  HINTS ${AHTTP_PC_BROTLIENC_LIBDIR} ${AHTTP_PC_BROTLIENC_LIBRARY_DIRS})
find_library(AHTTP_BROTLIDEC_LIBRARY NAMES brotlidec
  HINTS ${AHTTP_PC_BROTLIDEC_LIBDIR} ${AHTTP_PC_BROTLIDEC_LIBRARY_DIRS})
find_library(AHTTP_BROTLICOMMON_LIBRARY NAMES brotlicommon
  HINTS ${AHTTP_PC_BROTLIENC_LIBDIR} ${AHTTP_PC_BROTLIENC_LIBRARY_DIRS})
mark_as_advanced(AHTTP_BROTLI_INCLUDE_DIR AHTTP_BROTLIENC_LIBRARY AHTTP_BROTLIDEC_LIBRARY
  AHTTP_BROTLICOMMON_LIBRARY)

if(NOT AHTTP_BROTLI_INCLUDE_DIR OR NOT AHTTP_BROTLIENC_LIBRARY OR NOT AHTTP_BROTLIDEC_LIBRARY
   OR NOT AHTTP_BROTLICOMMON_LIBRARY)
  set(_ahttp_brotli_message "ahttp needs libbrotlienc and libbrotlidec (apt install libbrotli-dev)")
  if(CMAKE_FIND_PACKAGE_NAME STREQUAL "ahttp")
    set(ahttp_FOUND FALSE)
    set(ahttp_NOT_FOUND_MESSAGE "${_ahttp_brotli_message}")
    return()
  endif()
  message(FATAL_ERROR "${_ahttp_brotli_message}")
endif()

# GLOBAL so that an add_subdirectory() consumer linking the static library sees them too.
add_library(ahttp::brotlicommon UNKNOWN IMPORTED GLOBAL)
set_target_properties(ahttp::brotlicommon PROPERTIES
  IMPORTED_LOCATION "${AHTTP_BROTLICOMMON_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${AHTTP_BROTLI_INCLUDE_DIR}")
foreach(_ahttp_part IN ITEMS enc dec)
  string(TOUPPER "${_ahttp_part}" _ahttp_upper)
  add_library(ahttp::brotli${_ahttp_part} UNKNOWN IMPORTED GLOBAL)
  set_target_properties(ahttp::brotli${_ahttp_part} PROPERTIES
    IMPORTED_LOCATION "${AHTTP_BROTLI${_ahttp_upper}_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${AHTTP_BROTLI_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES ahttp::brotlicommon)
endforeach()
