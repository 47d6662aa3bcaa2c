#include "probes/analysis/summary.h"

#include "gtest/gtest.h"

namespace overseer {
namespace {

constexpr int64_t kSecond = 1'000'000'000;

SystemSample System(uint64_t processes, uint64_t accounts, uint64_t mailboxes,
                    uint64_t msgq) {
  SystemSample s;
  s.process_count = processes;
  s.process_memory = accounts;
  s.mailbox_bytes = mailboxes;
  s.held_spec_bytes = 1'000;
  s.binary_bytes = 500;
  s.total_mailbox_len = msgq;
  return s;
}

TEST(MemoryByCategoryTest, SplitsTheNodeIntoFourCategoriesThatSumToTheTotal) {
  MemoryByCategory m = MemoryByCategoryOf(System(3, 10'000, 2'000, 4));
  EXPECT_EQ(m.process_accounts, 10'000u);
  EXPECT_EQ(m.mailboxes, 2'000u);
  EXPECT_EQ(m.held_specs, 1'000u);
  EXPECT_EQ(m.binaries, 500u);
  EXPECT_EQ(m.total, 13'500u);
  auto values = m.values();
  EXPECT_EQ(values[1], 2'000u);
  EXPECT_STREQ(MemoryByCategory::CategoryName(2), "held child specs");
  EXPECT_STREQ(MemoryByCategory::CategoryName(9), "unknown");
}

TEST(SummarizeRunTest, FindsDurationProcessRangeAndPeaks) {
  MemoryRecording r(CaptureInfo{});
  uint64_t processes[] = {10, 250, 40, 12};
  uint64_t accounts[] = {1'000, 90'000, 400'000, 5'000};
  uint64_t msgq[] = {0, 1'830, 20, 0};
  for (int i = 0; i < 4; ++i) {
    Snapshot s;
    s.time_ns = (2 + i) * kSecond;
    s.system = System(processes[i], accounts[i], 0, msgq[i]);
    s.system.dropped_samples = static_cast<uint64_t>(i);
    r.Append(s);
  }
  r.AddEvent(Event{.time_ns = 1, .kind = EventKind::kSpawn, .pid = 2});
  r.AddEvent(Event{.time_ns = 3 * kSecond, .kind = EventKind::kCallTimeout});
  r.AddEvent(Event{.time_ns = 3 * kSecond, .kind = EventKind::kCallTimeout});
  r.AddEvent(Event{.time_ns = 9 * kSecond, .kind = EventKind::kExit});
  RunSummary run = SummarizeRun(r);
  EXPECT_EQ(run.sample_count, 4u);
  EXPECT_EQ(run.first_time_ns, 2 * kSecond);
  EXPECT_EQ(run.duration_ns, 3 * kSecond);
  EXPECT_EQ(run.min_processes, 10u);
  EXPECT_EQ(run.max_processes, 250u);
  EXPECT_EQ(run.peak_total_memory, 401'500u);
  EXPECT_EQ(run.peak_memory_time_ns, 4 * kSecond);
  EXPECT_EQ(run.peak_total_msgq, 1'830u);
  EXPECT_EQ(run.peak_msgq_time_ns, 3 * kSecond);
  EXPECT_EQ(run.dropped_samples, 3u);
  EXPECT_EQ(run.event_counts[static_cast<size_t>(EventKind::kSpawn)], 1u);
  EXPECT_EQ(run.event_counts[static_cast<size_t>(EventKind::kCallTimeout)], 2u);
  EXPECT_EQ(run.event_counts[static_cast<size_t>(EventKind::kExit)], 1u);
  EXPECT_TRUE(run.status.ok());
}

TEST(SummarizeRunTest, AnEmptyRunIsAllZeroAndKeepsTheStatus) {
  MemoryRecording r(CaptureInfo{});
  r.SetStatus(absl::DataLossError("truncated at byte 4096"));
  RunSummary run = SummarizeRun(r);
  EXPECT_EQ(run.sample_count, 0u);
  EXPECT_EQ(run.duration_ns, 0);
  EXPECT_EQ(run.max_processes, 0u);
  EXPECT_EQ(run.status.code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace overseer
