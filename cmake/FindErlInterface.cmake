# FindErlInterface: erl_interface's `ei` library, as Debian's erlang-dev
# installs it (headers and libei.a under /usr/lib/erlang).
#
# Defines ErlInterface_FOUND and the imported target ErlInterface::ei.
# Hints: ERL_INTERFACE_ROOT (an Erlang installation's root, e.g.
# /usr/local/lib/erlang).
set(_ei_roots ${ERL_INTERFACE_ROOT} $ENV{ERL_INTERFACE_ROOT}
    /usr/lib/erlang /usr/local/lib/erlang /opt/homebrew/lib/erlang)
set(_ei_include_hints)
set(_ei_lib_hints)
foreach(root IN LISTS _ei_roots)
  list(APPEND _ei_include_hints ${root}/usr/include)
  list(APPEND _ei_lib_hints ${root}/usr/lib)
  file(GLOB _ei_dirs LIST_DIRECTORIES true ${root}/lib/erl_interface-*)
  foreach(dir IN LISTS _ei_dirs)
    list(APPEND _ei_include_hints ${dir}/include)
    list(APPEND _ei_lib_hints ${dir}/lib)
  endforeach()
endforeach()

find_path(ErlInterface_INCLUDE_DIR ei.h HINTS ${_ei_include_hints} NO_DEFAULT_PATH)
find_library(ErlInterface_LIBRARY NAMES ei HINTS ${_ei_lib_hints} NO_DEFAULT_PATH)

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(ErlInterface
  REQUIRED_VARS ErlInterface_LIBRARY ErlInterface_INCLUDE_DIR)

if(ErlInterface_FOUND AND NOT TARGET ErlInterface::ei)
  find_package(Threads REQUIRED)
  add_library(ErlInterface::ei UNKNOWN IMPORTED GLOBAL)
  # SYSTEM: ei.h is not ours to keep free of warnings.
  set_target_properties(ErlInterface::ei PROPERTIES
    IMPORTED_LOCATION ${ErlInterface_LIBRARY}
    INTERFACE_SYSTEM_INCLUDE_DIRECTORIES ${ErlInterface_INCLUDE_DIR}
    # libei.a is the thread-safe build: erl_errno is per thread.
    INTERFACE_COMPILE_DEFINITIONS _REENTRANT)
  target_link_libraries(ErlInterface::ei INTERFACE Threads::Threads)
endif()
mark_as_advanced(ErlInterface_INCLUDE_DIR ErlInterface_LIBRARY)
