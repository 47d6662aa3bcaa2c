#include "probes/analysis/outliers.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/probes/analysis/snapshot_builder.h"

namespace overseer {
namespace {

using ::overseer::testing::Proc;
using ::overseer::testing::SnapshotBuilder;
using ::testing::HasSubstr;

constexpr int64_t kSecond = 1'000'000'000;

// A node with nothing wrong: an application supervisor, a dynamic
// supervisor holding a hundred small specs, and two pools of workers with
// short mailboxes.
SnapshotBuilder Healthy(int64_t time_ns) {
  SnapshotBuilder b(time_ns);
  b.Add(Proc(1).Name("app_sup").Kind(ProcessKind::kSupervisor).Memory(3'000));
  b.Add(Proc(2)
            .Parent(1)
            .Name("pool_sup")
            .Kind(ProcessKind::kDynamicSupervisor)
            .Memory(210'000)
            .Held(200'000)
            .Msgq(3));
  b.Pool(100, 100, 2);
  b.Pool(300, 200, 1, 40'000);
  return b;
}

TEST(OutliersTest, AHealthyNodeHasNoOutliers) {
  Snapshot before = Healthy(0).Build();
  Snapshot now = Healthy(5 * kSecond).Build();
  ProcessTable table = BuildProcessTable(now, &before);
  EXPECT_EQ(table.outlier_count, 0u);
  for (const ProcessRow& row : table.rows) {
    EXPECT_FALSE(row.is_outlier()) << row.pid << ": " << row.outlier_reason;
  }
}

TEST(OutliersTest, APoolOfLargeButSimilarWorkersIsNotFlagged) {
  Snapshot s = SnapshotBuilder(0).Pool(1, 300, 0, 2'000'000).Build();
  EXPECT_EQ(BuildProcessTable(s, nullptr).outlier_count, 0u);
}

TEST(OutliersTest, ALongMailboxAmongEmptyOnesIsFlaggedWithItsLength) {
  Snapshot s = Healthy(0).Add(Proc(900).Name("fetcher").Msgq(1'830)).Build();
  ProcessTable table = BuildProcessTable(s, nullptr);
  EXPECT_EQ(table.outlier_count, 1u);
  const ProcessRow& row = table.rows.back();
  ASSERT_EQ(row.pid, 900u);
  EXPECT_EQ(row.outlier, kOutlierMsgq);
  EXPECT_EQ(row.outlier_reason, "MsgQ 1,830 (median 1)");
}

TEST(OutliersTest, MsgqReasonNamesAZeroMedian) {
  Snapshot s =
      SnapshotBuilder(0).Add(Proc(1)).Add(Proc(2)).Add(Proc(3).Msgq(1'830)).Build();
  EXPECT_EQ(BuildProcessTable(s, nullptr).rows[2].outlier_reason,
            "MsgQ 1,830 (median 0)");
}

TEST(OutliersTest, ASupervisorHoldingMegabytesOfSpecsIsFlagged) {
  Snapshot s = SnapshotBuilder(0)
                   .Pool(1, 400, 0, 3'200'000)  // the held bytes count in memory
                   .Add(Proc(500).Held(3'100'000).Memory(3'200'000))
                   .Build();
  ProcessTable table = BuildProcessTable(s, nullptr);
  const ProcessRow& row = table.rows.back();
  EXPECT_EQ(row.outlier, kOutlierHeldSpecs);
  EXPECT_EQ(row.outlier_reason, "holds 3.1 MB of child specs");
}

TEST(OutliersTest, HugeMemoryIsFlaggedEvenNearTheMedian) {
  Snapshot s = SnapshotBuilder(0).Pool(1, 3, 0, 120'000'000).Build();
  ProcessTable table = BuildProcessTable(s, nullptr);
  EXPECT_EQ(table.outlier_count, 3u);
  EXPECT_EQ(table.rows[0].outlier_reason, "memory 120.0 MB");
}

TEST(OutliersTest, MemoryAgainstAZeroMedianSaysSo) {
  Snapshot s =
      SnapshotBuilder(0).Add(Proc(1)).Add(Proc(2)).Add(Proc(3).Memory(5'000'000)).Build();
  EXPECT_EQ(BuildProcessTable(s, nullptr).rows[2].outlier_reason,
            "memory 5.0 MB (median 0 B)");
}

TEST(OutliersTest, AMessagePassingBetweenSamplesIsNotALeak) {
  // The peak caught a 5 MB request in the mailbox; the value is back down.
  Snapshot before = Healthy(0).Add(Proc(900).Memory(2'000)).Build();
  Snapshot now =
      Healthy(5 * kSecond).Add(Proc(900).Memory(2'000).MemoryPeak(5'002'000)).Build();
  ProcessTable table = BuildProcessTable(now, &before);
  EXPECT_EQ(table.outlier_count, 0u);
  EXPECT_EQ(table.rows.back().memory_peak, 5'002'000u);
}

TEST(OutliersTest, GrowthOverTooShortASpanIsNotFlagged) {
  Snapshot before = Healthy(0).Add(Proc(900).Memory(20'000)).Build();
  Snapshot now = Healthy(30'000'000).Add(Proc(900).Memory(900'000)).Build();
  ProcessTable table = BuildProcessTable(now, &before);
  EXPECT_GT(table.rows.back().memory_growth_per_s, 1e7);
  EXPECT_EQ(table.rows.back().outlier, kOutlierNone);
}

TEST(OutliersTest, SteadyGrowthBelowTheMemoryRuleIsFlaggedAsGrowth) {
  // 40 KB workers put the median high enough that 1.5 MB is only 37x it.
  Snapshot before =
      SnapshotBuilder(0).Pool(1, 200, 0, 40'000).Add(Proc(900).Memory(100'000)).Build();
  Snapshot now = SnapshotBuilder(5 * kSecond)
                     .Pool(1, 200, 0, 40'000)
                     .Add(Proc(900).Memory(1'500'000))
                     .Build();
  ProcessTable table = BuildProcessTable(now, &before);
  const ProcessRow& row = table.rows.back();
  EXPECT_EQ(row.outlier, kOutlierGrowth);
  EXPECT_EQ(row.outlier_reason, "growing 280.0 KB/s");
}

TEST(OutliersTest, SeveralReasonsAreJoined) {
  Snapshot before = Healthy(0).Add(Proc(900).Memory(1'000'000)).Build();
  Snapshot now = Healthy(2 * kSecond)
                     .Add(Proc(900).Memory(4'800'000).Msgq(500).Held(1'200'000))
                     .Build();
  ProcessTable table = BuildProcessTable(now, &before);
  const ProcessRow& row = table.rows.back();
  EXPECT_EQ(row.outlier,
            kOutlierMemory | kOutlierGrowth | kOutlierMsgq | kOutlierHeldSpecs);
  EXPECT_THAT(row.outlier_reason, HasSubstr("the median, growing 1.9 MB/s"));
  EXPECT_THAT(row.outlier_reason, HasSubstr("MsgQ 500 (median 1)"));
  EXPECT_THAT(row.outlier_reason, HasSubstr("holds 1.2 MB of child specs"));
}

TEST(ComputeMediansTest, TakesTheLowerMedian) {
  std::vector<ProcessRow> rows(4);
  rows[0].memory = 10, rows[1].memory = 40, rows[2].memory = 20, rows[3].memory = 30;
  EXPECT_EQ(ComputeMedians(rows).memory, 20u);
  EXPECT_EQ(ComputeMedians({}).memory, 0u);
}

TEST(FlagOutliersTest, StricterRulesFlagMore) {
  Snapshot s = Healthy(0).Build();
  ProcessTable table = BuildProcessTable(s, nullptr);
  OutlierRules strict;
  strict.held_spec_floor = 100'000;
  EXPECT_EQ(FlagOutliers(table, strict), 1u);
  EXPECT_EQ(table.rows[1].outlier, kOutlierHeldSpecs);
  EXPECT_EQ(FlagOutliers(table, OutlierRules{}), 0u);
  EXPECT_TRUE(table.rows[1].outlier_reason.empty());
}

}  // namespace
}  // namespace overseer
