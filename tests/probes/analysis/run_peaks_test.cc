#include "probes/analysis/run_peaks.h"

#include <memory>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "probes/analysis/row_query.h"
#include "tests/probes/analysis/run_builder.h"
#include "tests/probes/analysis/snapshot_builder.h"

namespace overseer {
namespace {

using ::overseer::testing::BuildRun;
using ::overseer::testing::kRunSecond;
using ::overseer::testing::Proc;
using ::overseer::testing::SnapshotBuilder;
using ::testing::ElementsAre;

constexpr int64_t kSec = kRunSecond;
constexpr uint64_t kMB = 1'000'000;

// Samples at 0..10 s:
//   <0.1.0> root, 3 KB throughout
//   <0.2.0> steady, 1 MB, with a MsgQ spike of 900 at 4 s (gauge peak) and
//           mailbox bytes of 2 MB at 5 s
//   <0.5.0> a task of 27 MB that lived from 2 s to 4 s
//   <0.8.0> a worker started at 8 s
std::unique_ptr<MemoryRecording> PeaksRun() {
  return BuildRun(11, [](int64_t i, SnapshotBuilder& b) {
    b.Add(Proc(1).Name("root").Memory(3'000).Reductions(10 * static_cast<uint64_t>(i)));
    Proc steady = Proc(2).Name("steady").Memory(kMB).Msgq(1);
    if (i == 4) steady.MsgqPeak(900);
    if (i == 5) steady.Memory(3 * kMB).MailboxBytes(2 * kMB);
    b.Add(steady);
    if (i >= 2 && i <= 4) {
      b.Add(Proc(5)
                .Parent(1)
                .Call("Task:run/1")
                .Kind(ProcessKind::kTask)
                .Current("Task:work/1")
                .Memory(27 * kMB)
                .Msgq(3)
                .Reductions(500));
    }
    if (i >= 8) b.Add(Proc(8).Call("Worker:init/1").Memory(2'000));
  });
}

ProcessTable TableAt(const Recording& r, size_t index) {
  absl::StatusOr<ProcessTable> t = ProcessTableAt(r, index);
  EXPECT_TRUE(t.ok()) << t.status();
  return t.ok() ? *std::move(t) : ProcessTable{};
}

const ProcessRow* RowOf(const ProcessTable& t, uint64_t pid) {
  for (const ProcessRow& r : t.rows) {
    if (r.pid == pid) return &r;
  }
  return nullptr;
}

TEST(ApplyRunPeaksTest, EveryRowGetsItsPeakOverTheWindowWithItsInstant) {
  std::unique_ptr<MemoryRecording> r = PeaksRun();
  absl::StatusOr<RunScan> scan = ScanRun(*r);
  ASSERT_TRUE(scan.ok());
  ProcessTable table = TableAt(*r, 10);
  ApplyRunPeaks(*scan, table);
  const ProcessRow* steady = RowOf(table, 2);
  ASSERT_NE(steady, nullptr);
  EXPECT_TRUE(steady->has_run_peaks);
  EXPECT_EQ(steady->memory, kMB);  // the instant's value stays
  EXPECT_EQ(steady->run_peak_memory, 3 * kMB);
  EXPECT_EQ(steady->run_peak_memory_ns, 5 * kSec);
  EXPECT_EQ(steady->run_peak_msgq, 900u);
  EXPECT_EQ(steady->run_peak_msgq_ns, 4 * kSec);
  EXPECT_EQ(steady->run_peak_mailbox_bytes, 2 * kMB);
  EXPECT_EQ(steady->run_peak_mailbox_bytes_ns, 5 * kSec);
  EXPECT_FALSE(steady->ended);
  // The ended task has no row at 10 s until AppendEndedRows.
  EXPECT_EQ(RowOf(table, 5), nullptr);
}

TEST(ApplyRunPeaksTest, ARowTheScanDidNotSeeKeepsItsInstantsPeaks) {
  std::unique_ptr<MemoryRecording> r = PeaksRun();
  absl::StatusOr<RunScan> scan = ScanRun(*r, {.to_ns = 6 * kSec});
  ASSERT_TRUE(scan.ok());
  ProcessTable table = TableAt(*r, 10);
  ApplyRunPeaks(*scan, table);
  const ProcessRow* late = RowOf(table, 8);
  ASSERT_NE(late, nullptr);
  EXPECT_TRUE(late->has_run_peaks);
  EXPECT_EQ(late->run_peak_memory, 2'000u);
  EXPECT_EQ(late->run_peak_memory_ns, 10 * kSec);
}

TEST(ApplyRunPeaksTest, AnInstantOutsideTheWindowDoesNotRaiseThePeaks) {
  std::unique_ptr<MemoryRecording> r = BuildRun(11, [](int64_t i, SnapshotBuilder& b) {
    Proc p = Proc(2).Memory(kMB);
    if (i == 1 || i == 9) p.MemoryPeak(50 * kMB);
    b.Add(p);
  });
  absl::StatusOr<RunScan> scan = ScanRun(*r, {.from_ns = 3 * kSec, .to_ns = 7 * kSec});
  ASSERT_TRUE(scan.ok());
  for (size_t at : {size_t{1}, size_t{9}}) {
    ProcessTable table = TableAt(*r, at);
    ASSERT_EQ(table.rows[0].memory_peak, 50 * kMB);
    ApplyRunPeaks(*scan, table);
    EXPECT_EQ(table.rows[0].run_peak_memory, kMB) << "instant " << at;
    EXPECT_EQ(table.rows[0].run_peak_memory_ns, 3 * kSec) << "instant " << at;
  }
}

TEST(AppendEndedRowsTest, AddsTheProcessesThatEndedBeforeTheInstantInPidOrder) {
  std::unique_ptr<MemoryRecording> r = PeaksRun();
  absl::StatusOr<RunScan> scan = ScanRun(*r);
  ASSERT_TRUE(scan.ok());
  ProcessTable table = TableAt(*r, 10);
  ApplyRunPeaks(*scan, table);
  EXPECT_EQ(AppendEndedRows(*scan, table), 1u);
  std::vector<uint64_t> pids;
  for (const ProcessRow& row : table.rows) pids.push_back(row.pid);
  EXPECT_THAT(pids, ElementsAre(1u, 2u, 5u, 8u));
  const ProcessRow* task = RowOf(table, 5);
  ASSERT_NE(task, nullptr);
  EXPECT_TRUE(task->ended);
  EXPECT_TRUE(task->has_run_peaks);
  EXPECT_EQ(task->status, ProcessStatus::kExiting);
  EXPECT_EQ(task->name, "Task:run/1");
  EXPECT_EQ(task->parent, 1u);
  EXPECT_EQ(task->kind, ProcessKind::kTask);
  EXPECT_EQ(task->current_function, "Task:work/1");
  EXPECT_EQ(task->memory, 27 * kMB);  // at its last sighting
  EXPECT_EQ(task->msgq, 3u);
  EXPECT_EQ(task->reductions, 500u);
  EXPECT_EQ(task->run_peak_memory, 27 * kMB);
  EXPECT_EQ(task->run_peak_memory_ns, 2 * kSec);

  // Sorted by the run's peak memory, the task that ended leads.
  RowQuery q;
  q.sort = SortKey::kPeakMemory;
  std::vector<uint32_t> order = SelectRows(table.rows, q);
  ASSERT_FALSE(order.empty());
  EXPECT_EQ(table.rows[order[0]].pid, 5u);

  // Again: nothing more to add.
  EXPECT_EQ(AppendEndedRows(*scan, table), 0u);
}

TEST(AppendEndedRowsTest, AProcessStartedAfterTheInstantHasNotEnded) {
  std::unique_ptr<MemoryRecording> r = PeaksRun();
  absl::StatusOr<RunScan> scan = ScanRun(*r);  // to 10 s, past the instant
  ASSERT_TRUE(scan.ok());
  ProcessTable table = TableAt(*r, 6);
  EXPECT_EQ(AppendEndedRows(*scan, table), 1u);  // the task, not <0.8.0>
  EXPECT_NE(RowOf(table, 5), nullptr);
  EXPECT_EQ(RowOf(table, 8), nullptr);
}

}  // namespace
}  // namespace overseer
