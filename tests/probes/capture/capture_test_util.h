// Helpers shared by the capture tests: write a synthetic run to memory, list
// a stream's chunk boundaries, decode bytes into a StreamRecording.
#ifndef OVERSEER_TESTS_PROBES_CAPTURE_CAPTURE_TEST_UTIL_H_
#define OVERSEER_TESTS_PROBES_CAPTURE_CAPTURE_TEST_UTIL_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "probes/capture/capture_reader.h"
#include "probes/capture/capture_writer.h"
#include "tests/probes/capture/synthetic_run.h"

namespace overseer::testing {

struct WrittenRun {
  std::vector<uint8_t> bytes;
  CaptureInfo info;
  std::vector<Snapshot> samples;
  std::vector<Event> events;  // in the order written
};

// Writes `samples` samples of a synthetic run, with its events after each
// sample, and finishes the capture unless `finish` is false.
WrittenRun WriteRun(const SyntheticOptions& run_options, int samples,
                    CaptureWriterOptions writer_options = {},
                    bool finish = true);

// Offsets at which each chunk starts, plus the stream's total size.
std::vector<uint64_t> ChunkBoundaries(const std::vector<uint8_t>& bytes);

// Feeds `bytes` in one piece and ends the stream.
std::unique_ptr<StreamRecording> Decode(const std::vector<uint8_t>& bytes);

}  // namespace overseer::testing

#endif  // OVERSEER_TESTS_PROBES_CAPTURE_CAPTURE_TEST_UTIL_H_
