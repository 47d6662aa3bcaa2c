#include "probes/analysis/history.h"

#include <memory>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/probes/analysis/snapshot_builder.h"

namespace overseer {
namespace {

using ::overseer::testing::Proc;
using ::overseer::testing::SnapshotBuilder;
using ::testing::ElementsAre;

constexpr int64_t kSecond = 1'000'000'000;

TEST(EvenSampleIndicesTest, SpreadsPointsAndKeepsBothEnds) {
  EXPECT_THAT(EvenSampleIndices(5, 10), ElementsAre(0, 1, 2, 3, 4));
  EXPECT_THAT(EvenSampleIndices(11, 3), ElementsAre(0, 5, 10));
  EXPECT_THAT(EvenSampleIndices(100, 4), ElementsAre(0, 33, 66, 99));
  EXPECT_THAT(EvenSampleIndices(7, 1), ElementsAre(6));
  EXPECT_TRUE(EvenSampleIndices(7, 0).empty());
  EXPECT_TRUE(EvenSampleIndices(0, 5).empty());
}

// Process 9 lives from 2 s to 6 s, growing 1 MB a second; sample i at i s.
std::unique_ptr<MemoryRecording> GrowingRun() {
  auto r = std::make_unique<MemoryRecording>(CaptureInfo{});
  for (uint64_t i = 0; i <= 10; ++i) {
    SnapshotBuilder b(static_cast<int64_t>(i) * kSecond);
    b.Add(Proc(1).Memory(1'000));
    if (i >= 2 && i <= 6) b.Add(Proc(9).Memory(i * 1'000'000).Msgq(i));
    SystemSample system;
    system.process_count = i >= 2 && i <= 6 ? 2 : 1;
    system.process_memory = 1'000 * i;
    system.messages_sent = 100 * i * i;
    system.scheduler_utilization = {0.5, 1.0};
    b.System(system);
    r->Append(b.Build());
  }
  return r;
}

TEST(ProcessHistoryTest, FollowsOneProcessWhileItLives) {
  std::unique_ptr<MemoryRecording> r = GrowingRun();
  absl::StatusOr<ProcessHistory> h = ProcessHistoryOf(*r, 9, 100);
  ASSERT_TRUE(h.ok()) << h.status();
  ASSERT_EQ(h->points.size(), 5u);
  EXPECT_EQ(h->points[0].time_ns, 2 * kSecond);
  EXPECT_EQ(h->points[0].memory, 2'000'000u);
  EXPECT_EQ(h->points[4].time_ns, 6 * kSecond);
  EXPECT_EQ(h->points[4].memory, 6'000'000u);
  EXPECT_EQ(h->points[4].msgq, 6u);
}

TEST(ProcessHistoryTest, ReadsAtMostTheAskedNumberOfSamples) {
  std::unique_ptr<MemoryRecording> r = GrowingRun();
  absl::StatusOr<ProcessHistory> h = ProcessHistoryOf(*r, 1, 3);
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->points.size(), 3u);
  EXPECT_EQ(h->points[1].time_ns, 5 * kSecond);
  absl::StatusOr<ProcessHistory> window = ProcessHistoryOf(*r, 9, 100, 4, 5);
  ASSERT_TRUE(window.ok());
  EXPECT_EQ(window->points.size(), 2u);
}

TEST(ProcessHistoryTest, RejectsAnInvertedWindowAndToleratesAnEmptyRun) {
  std::unique_ptr<MemoryRecording> r = GrowingRun();
  EXPECT_EQ(ProcessHistoryOf(*r, 9, 10, 5, 4).status().code(),
            absl::StatusCode::kInvalidArgument);
  MemoryRecording empty(CaptureInfo{});
  absl::StatusOr<ProcessHistory> h = ProcessHistoryOf(empty, 9, 10);
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->points.empty());
}

TEST(SystemHistoryTest, GivesMessageRateAndSchedulerUse) {
  std::unique_ptr<MemoryRecording> r = GrowingRun();
  std::vector<SystemPoint> points = SystemHistoryOf(*r, 100);
  ASSERT_EQ(points.size(), 11u);
  EXPECT_EQ(points[0].messages_per_s, 0.0);
  // messages_sent = 100 i^2: from 4 s to 5 s, 2,500 - 1,600 = 900 per second.
  EXPECT_DOUBLE_EQ(points[5].messages_per_s, 900.0);
  EXPECT_DOUBLE_EQ(points[5].scheduler_utilization, 0.75);
  EXPECT_EQ(points[3].process_count, 2u);
  EXPECT_EQ(points[3].total_memory, 3'000u);
  EXPECT_EQ(SystemHistoryOf(*r, 2).size(), 2u);
}

}  // namespace
}  // namespace overseer
