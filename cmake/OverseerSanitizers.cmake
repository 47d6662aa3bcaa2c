# Sanitizer builds. OVERSEER_SANITIZE is '' (none), 'address' (ASan with
# UBSan) or 'thread' (TSan); docs/sanitizers.md says what each run covers.
#
# overseer_sanitized_program(target)
#   Call on every executable of the project (the test helpers in
#   OverseerTesting.cmake do it for test programs). In a tsan build it links
#   the Abseil shim, tsan_absl_sync.cc, into `target`; otherwise it does
#   nothing.
#
# OVERSEER_SANITIZER_TEST_ENV
#   The ENVIRONMENT entry every test of a sanitizer build gets: the runtime's
#   options, naming the suppressions of system libraries (tests/sanitizers/).
#   One variable, because gtest_discover_tests cannot pass a list of them.
#   Empty in other builds.
#
# OVERSEER_TEST_TIMEOUT_FACTOR
#   How many times longer than in a normal build a test may take: tests
#   multiply their TIMEOUT by it.

set(OVERSEER_SANITIZER_TEST_ENV "")
set(OVERSEER_TEST_TIMEOUT_FACTOR 1)
set(overseer_suppressions ${PROJECT_SOURCE_DIR}/tests/sanitizers)

if(OVERSEER_SANITIZE STREQUAL "address")
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
  set(OVERSEER_TEST_TIMEOUT_FACTOR 3)
  set(OVERSEER_SANITIZER_TEST_ENV
    "LSAN_OPTIONS=suppressions=${overseer_suppressions}/lsan.supp:print_suppressions=0")
elseif(OVERSEER_SANITIZE STREQUAL "thread")
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
  set(OVERSEER_TEST_TIMEOUT_FACTOR 5)
  set(OVERSEER_SANITIZER_TEST_ENV
    "TSAN_OPTIONS=suppressions=${overseer_suppressions}/tsan.supp:print_suppressions=0:second_deadlock_stack=1")

  # The shim: an object library whose users link with -Wl,--wrap=<symbol>
  # for each Abseil entry point it wraps, read from the source itself (every
  # mangled absl name in it) so that the two cannot disagree.
  set(overseer_tsan_shim ${CMAKE_CURRENT_LIST_DIR}/tsan_absl_sync.cc)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${overseer_tsan_shim})
  file(READ ${overseer_tsan_shim} overseer_tsan_shim_text)
  string(REGEX MATCHALL "_ZNK?4absl7debian3[A-Za-z0-9_]+" overseer_tsan_wrapped
         "${overseer_tsan_shim_text}")
  list(REMOVE_DUPLICATES overseer_tsan_wrapped)
  list(TRANSFORM overseer_tsan_wrapped PREPEND "LINKER:--wrap=")
  add_library(overseer_tsan_absl_sync OBJECT ${overseer_tsan_shim})
  target_link_libraries(overseer_tsan_absl_sync
    PUBLIC absl::synchronization absl::time PRIVATE overseer::warnings)
  target_link_options(overseer_tsan_absl_sync INTERFACE ${overseer_tsan_wrapped})
elseif(NOT OVERSEER_SANITIZE STREQUAL "")
  message(FATAL_ERROR "OVERSEER_SANITIZE must be '', 'address' or 'thread'")
endif()

function(overseer_sanitized_program target)
  if(TARGET overseer_tsan_absl_sync)
    target_link_libraries(${target} PRIVATE overseer_tsan_absl_sync)
  endif()
endfunction()
