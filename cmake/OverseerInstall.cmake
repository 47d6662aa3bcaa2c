# Install rules and the CMake package: `cmake --install BUILD --prefix P`
# puts the libraries, the public headers (at the include paths the code
# uses: "core/runtime.h", "probes/sampler/recorder.h"), the programs, the
# docs and lib/cmake/Overseer into P; `find_package(Overseer CONFIG)` then
# gives overseer::core, overseer::probes and the other libraries as imported
# targets. `cpack` (from the build folder) makes two Debian packages:
# overseer (the programs and docs) and overseer-dev (libraries, headers and
# the CMake package).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(OVERSEER_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/Overseer)

# The libraries, exported as overseer::<name without the overseer_ prefix>.
set(_overseer_libraries
  overseer_warnings overseer_core overseer_model overseer_capture
  overseer_sampler overseer_attach overseer_metrics overseer_analysis
  overseer_report overseer_probes)
set(_overseer_exported)
foreach(lib IN LISTS _overseer_libraries)
  if(TARGET ${lib})
    string(REPLACE "overseer_" "" export_name ${lib})
    set_target_properties(${lib} PROPERTIES EXPORT_NAME ${export_name})
    list(APPEND _overseer_exported ${lib})
  endif()
endforeach()
install(TARGETS ${_overseer_exported}
  EXPORT OverseerTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT OverseerTargets
  NAMESPACE overseer::
  DESTINATION ${OVERSEER_CMAKE_DIR}
  COMPONENT dev)

# Public headers: every header of core/ and probes/ (tests and the GUI are
# not part of the package), and the generated protobuf headers they include.
install(DIRECTORY core/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/core
  COMPONENT dev FILES_MATCHING PATTERN "*.h")
install(DIRECTORY probes/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/probes
  COMPONENT dev FILES_MATCHING PATTERN "*.h")
foreach(proto capture/capture attach/attach)
  get_filename_component(dir ${proto} DIRECTORY)
  install(FILES ${PROJECT_BINARY_DIR}/probes/${proto}.pb.h
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/probes/${dir} COMPONENT dev)
  # The schema itself, for readers of captures in other languages.
  install(FILES probes/${proto}.proto
    DESTINATION ${CMAKE_INSTALL_DATADIR}/overseer/proto COMPONENT runtime)
endforeach()

# The programs and the docs.
foreach(program overseer overseer-capture overseer-report overseer-demo)
  if(TARGET ${program})
    install(TARGETS ${program} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
      COMPONENT runtime)
  endif()
endforeach()
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT runtime)
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT runtime)
install(DIRECTORY examples/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples
  COMPONENT dev)

configure_package_config_file(cmake/OverseerConfig.cmake.in
  ${PROJECT_BINARY_DIR}/OverseerConfig.cmake
  INSTALL_DESTINATION ${OVERSEER_CMAKE_DIR})
# 0.x: a minor version may change the API, so only the same minor matches.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/OverseerConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/OverseerConfig.cmake
  ${PROJECT_BINARY_DIR}/OverseerConfigVersion.cmake
  DESTINATION ${OVERSEER_CMAKE_DIR} COMPONENT dev)

# Debian packages.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME overseer)
set(CPACK_PACKAGE_VENDOR "Overseer")
set(CPACK_PACKAGE_CONTACT "Overseer maintainers <overseer@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "Memory and mailbox profiler for supervised actor systems")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime dev)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME overseer)
set(CPACK_DEBIAN_DEV_PACKAGE_NAME overseer-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
# What find_package(Overseer) finds for the user.
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
  "libabsl-dev, libprotobuf-dev, protobuf-compiler, libzstd-dev, libssl-dev, cmake (>= 3.25)")
set(CPACK_COMPONENT_RUNTIME_DESCRIPTION
  "Memory and mailbox profiler for supervised actor systems: the GUI
 (overseer), overseer-capture, overseer-report, overseer-demo and the docs.")
set(CPACK_COMPONENT_DEV_DESCRIPTION
  "Overseer's runtime and probe libraries, headers and CMake package
 (find_package(Overseer)): build programs on the instrumented runtime that
 record themselves or open an attach or metrics endpoint.")
include(CPack)
