# SPDX-License-Identifier: BSL-1.0
# Installs the library, its headers and a CMake package so that find_package(ahttp) works.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS ahttp EXPORT ahttpTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/ahttp DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT ahttpTargets NAMESPACE ahttp:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/ahttp)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/ahttpConfig.cmake.in
  ${PROJECT_BINARY_DIR}/ahttpConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/ahttp)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/ahttpConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/ahttpConfig.cmake ${PROJECT_BINARY_DIR}/ahttpConfigVersion.cmake
  ${PROJECT_SOURCE_DIR}/cmake/ahttp_brotli.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/ahttp)
