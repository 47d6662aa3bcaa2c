# overseer_add_test(name SOURCES a.cc b.cc LIBS lib... [LABELS l...])
# A GoogleTest program registered test by test with CTest: five minutes a
# test, longer in a sanitizer build, whose options each test gets too
# (OverseerSanitizers.cmake).
include(GoogleTest)
function(overseer_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main
                        overseer::warnings)
  overseer_sanitized_program(${name})
  math(EXPR timeout "300 * ${OVERSEER_TEST_TIMEOUT_FACTOR}")
  set(props TIMEOUT ${timeout})
  if(OVERSEER_SANITIZER_TEST_ENV)
    list(APPEND props ENVIRONMENT "${OVERSEER_SANITIZER_TEST_ENV}")
  endif()
  if(ARG_LABELS)
    list(APPEND props LABELS "${ARG_LABELS}")
  endif()
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES ${props})
endfunction()
