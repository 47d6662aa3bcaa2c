#include "probes/model/recording.h"

#include "gtest/gtest.h"

namespace overseer {
namespace {

Snapshot At(int64_t t, uint64_t processes) {
  Snapshot s;
  s.time_ns = t;
  s.system.process_count = processes;
  return s;
}

TEST(MemoryRecordingTest, IndexAtFindsTheSampleAtOrBeforeATime) {
  MemoryRecording r(CaptureInfo{});
  r.Append(At(0, 1));
  r.Append(At(1000, 2));
  r.Append(At(2000, 3));
  EXPECT_EQ(r.IndexAt(-5), 0u);
  EXPECT_EQ(r.IndexAt(0), 0u);
  EXPECT_EQ(r.IndexAt(999), 0u);
  EXPECT_EQ(r.IndexAt(1000), 1u);
  EXPECT_EQ(r.IndexAt(5000), 2u);
  EXPECT_EQ(r.system_at(2).process_count, 3u);
}

TEST(MemoryRecordingTest, SnapshotAtOutOfRangeIsAnError) {
  MemoryRecording r(CaptureInfo{});
  r.Append(At(0, 1));
  EXPECT_TRUE(r.SnapshotAt(0).ok());
  EXPECT_EQ(r.SnapshotAt(1).status().code(), absl::StatusCode::kOutOfRange);
}

TEST(MemoryRecordingTest, EventsBetweenIsHalfOpenAndSortedWhateverTheInsertOrder) {
  MemoryRecording r(CaptureInfo{});
  r.AddEvent(Event{.time_ns = 30, .text = "c"});
  r.AddEvent(Event{.time_ns = 10, .text = "a"});
  r.AddEvent(Event{.time_ns = 20, .text = "b"});
  std::vector<Event> got = r.EventsBetween(10, 30);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].text, "a");
  EXPECT_EQ(got[1].text, "b");
}

}  // namespace
}  // namespace overseer
