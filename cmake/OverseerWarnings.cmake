# overseer_warnings: an INTERFACE target every project target links PRIVATE.
# Its options apply inside this build only: the installed package exports an
# empty target (static libraries name their private links), so that programs
# built against it keep their own warning flags.
add_library(overseer_warnings INTERFACE)
add_library(overseer::warnings ALIAS overseer_warnings)
set(_overseer_warning_flags
  -Wall -Wextra -Wpedantic -Wnon-virtual-dtor
  $<IF:$<CXX_COMPILER_ID:GNU>,-Wshadow=local,-Wshadow-uncaptured-local>
  -Wcast-align -Wunused -Woverloaded-virtual
  -Wimplicit-fallthrough -Wno-missing-field-initializers)
target_compile_options(overseer_warnings INTERFACE
  "$<BUILD_INTERFACE:${_overseer_warning_flags}>")
