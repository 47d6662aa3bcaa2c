#include "probes/sampler/recorder.h"

#include <cstdio>
#include <string>

#include "core/gen_server.h"
#include "core/runtime.h"
#include "gtest/gtest.h"
#include "probes/capture/capture_reader.h"

namespace overseer {
namespace {

class Idle : public GenServer<int> {};

std::string TempPath(const char* name) {
  return std::string(::testing::TempDir()) + "/" + name;
}

TEST(RecorderTest, ARecordedRunOpensWithEverySampleAndItsEvents) {
  std::string path = TempPath("recorder_test.ovc");
  std::remove(path.c_str());
  Runtime rt(RuntimeOptions{.schedulers = 2});
  MemoryRecording memory(CaptureInfo{});
  {
    Recorder rec(rt, {.sampler = {.interval = absl::Milliseconds(10)},
                      .program = "recorder_test"});
    auto file = CaptureFileSink::Open(path);
    ASSERT_TRUE(file.ok()) << file.status();
    rec.AddSink(*std::move(file));
    rec.AddSink(std::make_unique<RecordingSink>(&memory));
    ASSERT_TRUE(rec.Start().ok());
    for (int i = 0; i < 5; ++i) (void)rt.Spawn<Idle>({});
    while (rec.samples() < 5) absl::SleepFor(absl::Milliseconds(5));
    ASSERT_TRUE(rec.Stop().ok());
  }
  absl::StatusOr<std::unique_ptr<Recording>> read = OpenCaptureFile(path);
  ASSERT_TRUE(read.ok()) << read.status();
  const Recording& r = **read;
  EXPECT_TRUE(r.status().ok()) << r.status();
  EXPECT_EQ(r.info().program, "recorder_test");
  ASSERT_EQ(r.sample_count(), memory.sample_count());
  size_t last = r.sample_count() - 1;
  EXPECT_EQ(*r.SnapshotAt(last), *memory.SnapshotAt(last));
  EXPECT_EQ(r.SnapshotAt(last)->processes.size(), 5u);
  EXPECT_EQ(r.EventsBetween(0, INT64_MAX).size(), 5u);  // five spawns
  std::remove(path.c_str());
}

}  // namespace
}  // namespace overseer
