# overseer_capture_synthetic: the synthetic run shared by the capture tests,
# the fuzz seed corpus and the capture benchmarks. Included by each of them;
# defined once.
if(NOT TARGET overseer_capture_synthetic)
  add_library(overseer_capture_synthetic STATIC
    ${PROJECT_SOURCE_DIR}/tests/probes/capture/synthetic_run.cc)
  target_link_libraries(overseer_capture_synthetic
    PUBLIC overseer::model PRIVATE overseer::warnings)
endif()
