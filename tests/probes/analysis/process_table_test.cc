#include "probes/analysis/process_table.h"

#include <algorithm>
#include <memory>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "probes/analysis/row_query.h"
#include "tests/probes/analysis/snapshot_builder.h"

namespace overseer {
namespace {

using ::overseer::testing::Proc;
using ::overseer::testing::SnapshotBuilder;
using ::testing::HasSubstr;

constexpr int64_t kSecond = 1'000'000'000;

const ProcessRow& RowOf(const ProcessTable& table, uint64_t pid) {
  auto it = std::find_if(table.rows.begin(), table.rows.end(),
                         [&](const ProcessRow& r) { return r.pid == pid; });
  EXPECT_NE(it, table.rows.end()) << "no row for pid " << pid;
  return *it;
}

TEST(ProcessTableTest, AFiveMegabyteProcessAmongSmallOnesIsTopAndFlagged) {
  Snapshot s = SnapshotBuilder(10 * kSecond)
                   .Pool(1, 100, 0)
                   .Add(Proc(500).Name("Indexer.TaskSupervisor").Memory(5'000'000))
                   .Build();
  ProcessTable table = BuildProcessTable(s, nullptr);
  ASSERT_EQ(table.rows.size(), 101u);
  std::vector<uint32_t> top = SelectRows(table.rows, {.limit = 3});
  ASSERT_EQ(top.size(), 3u);
  const ProcessRow& first = table.rows[top[0]];
  EXPECT_EQ(first.pid, 500u);
  EXPECT_EQ(first.memory, 5'000'000u);
  EXPECT_TRUE(first.outlier & kOutlierMemory);
  EXPECT_THAT(first.outlier_reason, HasSubstr("the median"));
  EXPECT_EQ(table.outlier_count, 1u);
}

TEST(ProcessTableTest, RowsCarryEveryFigureOfTheSample) {
  Snapshot s = SnapshotBuilder(kSecond)
                   .Add(Proc(7)
                            .Parent(3)
                            .Name("fetcher")
                            .Current("handle_call/3")
                            .Kind(ProcessKind::kWorker)
                            .Memory(10'000)
                            .MemoryPeak(12'000)
                            .Msgq(4)
                            .MailboxBytes(800)
                            .Held(300)
                            .Binary(64)
                            .Reductions(99))
                   .Build();
  ProcessRow row = BuildProcessTable(s, nullptr).rows.at(0);
  EXPECT_EQ(row.pid, 7u);
  EXPECT_EQ(row.parent, 3u);
  EXPECT_EQ(row.name, "fetcher");
  EXPECT_TRUE(row.registered);
  EXPECT_EQ(row.current_function, "handle_call/3");
  EXPECT_EQ(row.memory, 10'000u);
  EXPECT_EQ(row.memory_peak, 12'000u);
  EXPECT_EQ(row.msgq, 4u);
  EXPECT_EQ(row.mailbox_bytes, 800u);
  EXPECT_EQ(row.held_spec_bytes, 300u);
  EXPECT_EQ(row.binary_bytes, 64u);
  EXPECT_EQ(row.reductions, 99u);
  EXPECT_FALSE(row.has_rate);
  EXPECT_EQ(row.memory_growth_per_s, 0.0);
}

TEST(ProcessTableTest, GrowthOfOneToThreeMegabytesInTwoSecondsIsOneMegabytePerSecond) {
  Snapshot before = SnapshotBuilder(4 * kSecond)
                        .Pool(1, 50, 0)
                        .Add(Proc(99).Memory(1'000'000).Reductions(1'000))
                        .Build();
  Snapshot now = SnapshotBuilder(6 * kSecond)
                     .Pool(1, 50, 0)
                     .Add(Proc(99).Memory(3'000'000).Reductions(5'000))
                     .Build();
  ProcessTable table = BuildProcessTable(now, &before);
  EXPECT_TRUE(table.has_base);
  EXPECT_EQ(table.base_time_ns, 4 * kSecond);
  const ProcessRow& row = RowOf(table, 99);
  EXPECT_TRUE(row.has_rate);
  EXPECT_DOUBLE_EQ(row.memory_growth_per_s, 1'000'000.0);
  EXPECT_EQ(row.reductions_delta, 4'000u);
  EXPECT_DOUBLE_EQ(row.reductions_per_s, 2'000.0);
  EXPECT_TRUE(row.outlier & kOutlierGrowth);
  EXPECT_THAT(row.outlier_reason, HasSubstr("growing 1.0 MB/s"));
}

TEST(ProcessTableTest, ShrinkingMemoryHasANegativeRate) {
  Snapshot before = SnapshotBuilder(0).Add(Proc(1).Memory(5'000)).Build();
  Snapshot now = SnapshotBuilder(kSecond).Add(Proc(1).Memory(3'000)).Build();
  EXPECT_DOUBLE_EQ(BuildProcessTable(now, &before).rows[0].memory_growth_per_s, -2'000.0);
}

TEST(ProcessTableTest, AProcessTheBaseDidNotHaveGetsNoRate) {
  Snapshot before = SnapshotBuilder(0).Add(Proc(1).Memory(10)).Build();
  Snapshot now = SnapshotBuilder(kSecond)
                     .Add(Proc(1).Memory(10))
                     .Add(Proc(2).Memory(9'000'000).Reductions(40))
                     .Build();
  ProcessTable table = BuildProcessTable(now, &before);
  EXPECT_TRUE(RowOf(table, 1).has_rate);
  const ProcessRow& fresh = RowOf(table, 2);
  EXPECT_FALSE(fresh.has_rate);
  EXPECT_EQ(fresh.memory_growth_per_s, 0.0);
  EXPECT_EQ(fresh.reductions_delta, 40u);
}

TEST(ProcessTableTest, ABaseThatIsNotOlderIsIgnored) {
  Snapshot same = SnapshotBuilder(kSecond).Add(Proc(1).Memory(10)).Build();
  ProcessTable table = BuildProcessTable(same, &same);
  EXPECT_FALSE(table.has_base);
  EXPECT_FALSE(table.rows[0].has_rate);
}

TEST(ProcessTableTest, RatesMatchPidsEvenWhenADamagedSnapshotIsUnsorted) {
  Snapshot before;
  before.time_ns = 0;
  before.processes = {Proc(3).Memory(100), Proc(1).Memory(100)};
  Snapshot now;
  now.time_ns = kSecond;
  now.processes = {Proc(1).Memory(600), Proc(3).Memory(300)};
  ProcessTable table = BuildProcessTable(now, &before);
  EXPECT_DOUBLE_EQ(RowOf(table, 1).memory_growth_per_s, 500.0);
  EXPECT_DOUBLE_EQ(RowOf(table, 3).memory_growth_per_s, 200.0);
}

TEST(ProcessTableTest, AResetCounterCountsFromZero) {
  Snapshot before = SnapshotBuilder(0).Add(Proc(1).Reductions(500)).Build();
  Snapshot now = SnapshotBuilder(kSecond).Add(Proc(1).Reductions(20)).Build();
  EXPECT_EQ(BuildProcessTable(now, &before).rows[0].reductions_delta, 20u);
}

TEST(DisplayNameTest, PrefersNameThenInitialCallThenPid) {
  EXPECT_EQ(DisplayName(Proc(1).Name("logger").Call("Logger:init/1")), "logger");
  EXPECT_EQ(DisplayName(Proc(1).Call("Logger:init/1")), "Logger:init/1");
  EXPECT_EQ(DisplayName(Proc(42)), "<0.42.0>");
}

std::unique_ptr<MemoryRecording> EverySecond(int seconds) {
  auto r = std::make_unique<MemoryRecording>(CaptureInfo{});
  for (int i = 0; i <= seconds; ++i) {
    r->Append(SnapshotBuilder(i * kSecond)
                  .Add(Proc(1).Memory(1'000'000 + 500'000 * static_cast<uint64_t>(i)))
                  .Build());
  }
  return r;
}

TEST(BaseIndexForTest, PicksTheLastSampleAtLeastTheSpanEarlier) {
  std::unique_ptr<MemoryRecording> r = EverySecond(10);
  EXPECT_EQ(BaseIndexFor(*r, 10, 5 * kSecond), 5u);
  EXPECT_EQ(BaseIndexFor(*r, 10, 0), 9u);
  EXPECT_EQ(BaseIndexFor(*r, 3, 5 * kSecond), 0u);  // the run is younger
  EXPECT_EQ(BaseIndexFor(*r, 0, 5 * kSecond), 0u);  // nothing earlier
}

TEST(ProcessTableAtTest, MeasuresRatesOverTheConfiguredSpan) {
  std::unique_ptr<MemoryRecording> r = EverySecond(10);
  absl::StatusOr<ProcessTable> table = ProcessTableAt(*r, 10);
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->time_ns, 10 * kSecond);
  EXPECT_EQ(table->base_time_ns, 5 * kSecond);
  EXPECT_DOUBLE_EQ(table->rows[0].memory_growth_per_s, 500'000.0);

  absl::StatusOr<ProcessTable> first = ProcessTableAt(*r, 0);
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first->has_base);
}

TEST(ProcessTableAtTest, ABadIndexIsOutOfRange) {
  std::unique_ptr<MemoryRecording> r = EverySecond(2);
  EXPECT_EQ(ProcessTableAt(*r, 7).status().code(), absl::StatusCode::kOutOfRange);
}

}  // namespace
}  // namespace overseer
