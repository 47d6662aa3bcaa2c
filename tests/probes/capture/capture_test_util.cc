#include "tests/probes/capture/capture_test_util.h"

#include <utility>

#include "gtest/gtest.h"
#include "probes/capture/byte_sink.h"
#include "probes/capture/chunk_reader.h"

namespace overseer::testing {

WrittenRun WriteRun(const SyntheticOptions& run_options, int samples,
                    CaptureWriterOptions writer_options, bool finish) {
  WrittenRun out;
  auto buffer = std::make_shared<std::vector<uint8_t>>();
  SyntheticRun run(run_options);
  out.info = run.info();
  CaptureWriter writer(std::make_unique<MemorySink>(buffer), writer_options);
  EXPECT_TRUE(writer.Begin(out.info).ok());
  for (int i = 0; i < samples; ++i) {
    out.samples.push_back(run.Next());
    EXPECT_TRUE(writer.WriteSample(out.samples.back()).ok());
    std::vector<Event> events = run.TakeEvents();
    EXPECT_TRUE(writer.WriteEvents(events).ok());
    out.events.insert(out.events.end(), events.begin(), events.end());
  }
  if (finish) {
    EXPECT_TRUE(writer.Finish().ok());
  }
  out.bytes = *buffer;
  return out;
}

std::vector<uint64_t> ChunkBoundaries(const std::vector<uint8_t>& bytes) {
  ChunkReader reader;
  reader.Append(bytes);
  std::vector<uint64_t> out;
  Chunk chunk;
  for (;;) {
    absl::StatusOr<bool> got = reader.Next(&chunk);
    if (!got.ok() || !*got) break;
    out.push_back(chunk.offset);
  }
  out.push_back(bytes.size());
  return out;
}

std::unique_ptr<StreamRecording> Decode(const std::vector<uint8_t>& bytes) {
  auto r = std::make_unique<StreamRecording>();
  r->Feed(bytes).IgnoreError();
  r->EndOfStream().IgnoreError();
  return r;
}

}  // namespace overseer::testing
