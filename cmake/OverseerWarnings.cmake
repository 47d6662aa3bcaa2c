# overseer_warnings: an INTERFACE target every project target links PRIVATE.
add_library(overseer_warnings INTERFACE)
add_library(overseer::warnings ALIAS overseer_warnings)
target_compile_options(overseer_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wnon-virtual-dtor
  $<IF:$<CXX_COMPILER_ID:GNU>,-Wshadow=local,-Wshadow-uncaptured-local>
  -Wcast-align -Wunused -Woverloaded-virtual
  -Wimplicit-fallthrough -Wno-missing-field-initializers)
