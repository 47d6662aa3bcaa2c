#include "probes/analysis/compare.h"

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/probes/analysis/compare_runs.h"

namespace overseer {
namespace {

using ::overseer::testing::BuildRun;
using ::overseer::testing::CompareRun;
using ::overseer::testing::kCompareMB;
using ::overseer::testing::kRunSecond;
using ::overseer::testing::Proc;
using ::overseer::testing::SnapshotBuilder;
using ::testing::ElementsAre;
using ::testing::Optional;

constexpr uint64_t kMB = kCompareMB;

Comparison Compare() {
  std::unique_ptr<MemoryRecording> a = CompareRun(false);
  std::unique_ptr<MemoryRecording> b = CompareRun(true);
  absl::StatusOr<Comparison> c = CompareRecordings(*a, *b);
  EXPECT_TRUE(c.ok()) << c.status();
  return c.ok() ? *std::move(c) : Comparison{};
}

const ComparedProcess* Row(const Comparison& c, const std::string& key) {
  for (const ComparedProcess& p : c.processes) {
    if (p.key == key) return &p;
  }
  return nullptr;
}

TEST(RatioOfTest, IsBOverAAndNoneWhenAIsZero) {
  EXPECT_THAT(RatioOf(2, 5), Optional(2.5));
  EXPECT_THAT(RatioOf(4, 0), Optional(0.0));
  EXPECT_THAT(RatioOf(0, 0), Optional(1.0));
  EXPECT_EQ(RatioOf(0, 5), std::nullopt);
}

TEST(CompareTest, MatchesProcessesByRegisteredNameAndByInitialCall) {
  Comparison c = Compare();
  std::vector<std::string> keys;
  for (const ComparedProcess& p : c.processes) keys.push_back(p.key);
  // The largest peak memory of either run first.
  EXPECT_THAT(keys, ElementsAre("Task:run/1", "task_sup", "new_cache", "old_cache", "fetcher",
                                "app_sup"));
  // Every task of one initial call is one row, whatever its pid.
  const ComparedProcess* tasks = Row(c, "Task:run/1");
  ASSERT_NE(tasks, nullptr);
  EXPECT_EQ(tasks->a.processes, 2u);
  EXPECT_EQ(tasks->b.processes, 3u);
  EXPECT_EQ(tasks->a.peak_memory, 2 * kMB);
  EXPECT_EQ(tasks->b.peak_memory, 8 * kMB);
  EXPECT_THAT(RatioOf(tasks->a.peak_memory, tasks->b.peak_memory), Optional(4.0));
  // Born in the run: all their messages count, summed over the tasks.
  EXPECT_DOUBLE_EQ(tasks->a.messages_per_s, 2.0);
  EXPECT_DOUBLE_EQ(tasks->b.messages_per_s, 3.0);
  EXPECT_DOUBLE_EQ(tasks->a.reductions_per_s, 100.0);
  EXPECT_DOUBLE_EQ(tasks->b.reductions_per_s, 150.0);

  // A registered name wins over the initial call, across different pids.
  const ComparedProcess* fetcher = Row(c, "fetcher");
  ASSERT_NE(fetcher, nullptr);
  EXPECT_EQ(Row(c, "Fetcher:init/1"), nullptr);
  EXPECT_EQ(fetcher->a.processes, 1u);
  EXPECT_EQ(fetcher->b.processes, 1u);
  EXPECT_DOUBLE_EQ(fetcher->a.messages_per_s, 20.0);
  EXPECT_DOUBLE_EQ(fetcher->b.messages_per_s, 40.0);
  EXPECT_THAT(RatioOf(fetcher->a.messages_per_s, fetcher->b.messages_per_s), Optional(2.0));
  EXPECT_DOUBLE_EQ(fetcher->a.reductions_per_s, 1'000.0);
  EXPECT_DOUBLE_EQ(fetcher->b.reductions_per_s, 3'000.0);
  EXPECT_EQ(fetcher->a.call_timeouts, 1u);
  EXPECT_EQ(fetcher->b.call_timeouts, 3u);

  const ComparedProcess* sup = Row(c, "task_sup");
  ASSERT_NE(sup, nullptr);
  EXPECT_EQ(sup->a.peak_msgq, 10u);
  EXPECT_EQ(sup->b.peak_msgq, 30u);
  EXPECT_EQ(sup->a.call_timeouts, 0u);
}

TEST(CompareTest, AKeyOfOneRunOnlyIsAbsentFromTheOther) {
  Comparison c = Compare();
  const ComparedProcess* gone = Row(c, "old_cache");
  ASSERT_NE(gone, nullptr);
  EXPECT_EQ(gone->a.processes, 1u);
  EXPECT_EQ(gone->b.processes, 0u);
  EXPECT_EQ(gone->b.peak_memory, 0u);
  const ComparedProcess* fresh = Row(c, "new_cache");
  ASSERT_NE(fresh, nullptr);
  EXPECT_EQ(fresh->a.processes, 0u);
  EXPECT_EQ(fresh->b.processes, 1u);
  EXPECT_EQ(fresh->b.peak_memory, 3 * kMB);
  EXPECT_EQ(RatioOf(fresh->a.peak_memory, fresh->b.peak_memory), std::nullopt);
}

TEST(CompareTest, GivesEachRunsThroughputAndSize) {
  Comparison c = Compare();
  EXPECT_EQ(c.a.program, "demo --mode closure");
  EXPECT_EQ(c.b.program, "demo --mode mfa");
  EXPECT_EQ(c.a.duration_ns, 10 * kRunSecond);
  EXPECT_EQ(c.b.duration_ns, 10 * kRunSecond);
  EXPECT_EQ(c.a.samples, 11u);
  EXPECT_EQ(c.a.max_processes, 6u);
  EXPECT_EQ(c.b.max_processes, 7u);
  EXPECT_EQ(c.a.processes_seen, 6u);
  EXPECT_EQ(c.b.processes_seen, 7u);
  EXPECT_EQ(c.a.peak_total_memory, 3'000 + 50'000 + 5 * kMB + 2 * 2 * kMB + kMB);
  EXPECT_EQ(c.b.peak_total_memory, 3'000 + 50'000 + 5 * kMB + 3 * 8 * kMB + 3 * kMB);
  EXPECT_DOUBLE_EQ(c.a.messages_per_s, 100.0);
  EXPECT_DOUBLE_EQ(c.b.messages_per_s, 200.0);
  EXPECT_THAT(RatioOf(c.a.messages_per_s, c.b.messages_per_s), Optional(2.0));
  EXPECT_DOUBLE_EQ(c.a.reductions_per_s, 10.0 + 1'000.0 + 100.0);
  EXPECT_DOUBLE_EQ(c.b.reductions_per_s, 10.0 + 3'000.0 + 150.0);
  // No spawn events: the processes that appeared after the first sample.
  EXPECT_DOUBLE_EQ(c.a.spawns_per_s, 0.2);
  EXPECT_DOUBLE_EQ(c.b.spawns_per_s, 0.3);
  EXPECT_EQ(c.a.call_timeouts, 1u);
  EXPECT_EQ(c.b.call_timeouts, 3u);
  // The profiles over each run.
  ASSERT_EQ(c.a.profile.rows.size(), 2u);
  EXPECT_DOUBLE_EQ(c.a.profile.rows[0].percent, 50.0);
  ASSERT_EQ(c.b.profile.rows.size(), 2u);
  EXPECT_EQ(c.b.profile.rows[0].zone, "send/copy");
  EXPECT_EQ(c.b.profile.rows[0].total_ns, 20'000'000u);
  EXPECT_NEAR(c.b.profile.rows[0].percent, 200.0 / 3, 1e-9);
}

TEST(CompareTest, SpawnEventsCountTheProcessesStarted) {
  std::unique_ptr<MemoryRecording> a = CompareRun(false);
  for (int k = 0; k < 5; ++k) {
    a->AddEvent({.time_ns = k * kRunSecond, .kind = EventKind::kSpawn, .pid = 900u + k});
  }
  absl::StatusOr<RunScan> sa = ScanRun(*a);
  ASSERT_TRUE(sa.ok());
  Comparison c = CompareScans(*sa, *sa);
  EXPECT_DOUBLE_EQ(c.a.spawns_per_s, 0.5);
  EXPECT_TRUE(c.a.program.empty());  // scans carry no program
  // A run against itself: every ratio is 1.
  for (const ComparedProcess& p : c.processes) {
    EXPECT_EQ(p.a.peak_memory, p.b.peak_memory) << p.key;
    EXPECT_EQ(p.a.processes, p.b.processes) << p.key;
  }
}

TEST(CompareTest, AWindowOfARunComparesOnlyThatWindow) {
  std::unique_ptr<MemoryRecording> a = CompareRun(false);
  std::unique_ptr<MemoryRecording> b = CompareRun(true);
  absl::StatusOr<RunScan> sa = ScanRun(*a, {.to_ns = 0});
  absl::StatusOr<RunScan> sb = ScanRun(*b, {.to_ns = 0});
  ASSERT_TRUE(sa.ok() && sb.ok());
  Comparison c = CompareScans(*sa, *sb);
  EXPECT_EQ(Row(c, "Task:run/1"), nullptr);  // none before 1 s
  EXPECT_EQ(c.a.duration_ns, 0);
  EXPECT_EQ(c.a.messages_per_s, 0.0);  // no time, no rate
}

TEST(CompareTest, EmptyRunsGiveAnEmptyComparison) {
  MemoryRecording a(CaptureInfo{});
  MemoryRecording b(CaptureInfo{});
  absl::StatusOr<Comparison> c = CompareRecordings(a, b);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->processes.empty());
  EXPECT_EQ(c->a.samples, 0u);
}

TEST(CompareTest, AProcessWithoutANameOrCallIsKeyedByItsPid) {
  auto run = [] {
    return BuildRun(3, [](int64_t, SnapshotBuilder& b) { b.Add(Proc(7).Memory(1'000)); });
  };
  std::unique_ptr<MemoryRecording> a = run();
  std::unique_ptr<MemoryRecording> b = run();
  absl::StatusOr<Comparison> c = CompareRecordings(*a, *b);
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->processes.size(), 1u);
  EXPECT_EQ(c->processes[0].key, "<0.7.0>");
}

}  // namespace
}  // namespace overseer
