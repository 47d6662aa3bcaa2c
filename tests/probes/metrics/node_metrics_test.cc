#include "probes/metrics/node_metrics.h"

#include <algorithm>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace overseer {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

ProcessSample Process(uint64_t pid, const std::string& name, uint64_t memory,
                      uint64_t msgq, uint64_t memory_peak = 0, uint64_t msgq_peak = 0) {
  ProcessSample p;
  p.pid = pid;
  p.name = name;
  p.memory = {memory, std::max(memory, memory_peak)};
  p.mailbox_len = {msgq, std::max(msgq, msgq_peak)};
  p.mailbox_bytes = {msgq * 100, std::max(msgq, msgq_peak) * 100};
  return p;
}

Snapshot Sample(int64_t t_s, std::vector<ProcessSample> processes) {
  Snapshot s;
  s.time_ns = t_s * 1'000'000'000;
  for (const ProcessSample& p : processes) {
    s.system.process_memory += p.memory.value;
    s.system.total_mailbox_len += p.mailbox_len.value;
  }
  s.system.process_count = processes.size();
  s.processes = std::move(processes);
  return s;
}

const MetricFamily* Find(const std::vector<MetricFamily>& families, const std::string& name) {
  for (const MetricFamily& f : families) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

// name label -> value, of one family.
std::vector<std::pair<std::string, double>> ByName(const std::vector<MetricFamily>& families,
                                                   const std::string& family) {
  std::vector<std::pair<std::string, double>> out;
  const MetricFamily* f = Find(families, family);
  if (f == nullptr) return out;
  for (const MetricPoint& p : f->points) {
    for (const auto& [k, v] : p.labels) {
      if (k == "name") out.emplace_back(v, p.value);
    }
  }
  return out;
}

double Value(const std::vector<MetricFamily>& families, const std::string& family,
             const std::string& label = "", const std::string& value = "") {
  const MetricFamily* f = Find(families, family);
  if (f == nullptr) return -1;
  for (const MetricPoint& p : f->points) {
    if (label.empty()) return p.value;
    for (const auto& [k, v] : p.labels) {
      if (k == label && v == value) return p.value;
    }
  }
  return -1;
}

TEST(NodeMetricsTest, EveryFamilyHasAValidNameHelpAndUnitSuffix) {
  NodeMetrics m;
  m.SetSuspectSource([] { return std::vector<SuspectCount>{{"memory_growth", 1}}; });
  m.Observe(Sample(1, {Process(1, "a", 10, 1)}), {});
  for (const MetricFamily& f : m.Scrape()) {
    SCOPED_TRACE(f.name);
    EXPECT_TRUE(IsValidMetricName(f.name));
    EXPECT_FALSE(f.help.empty());
    if (!f.unit.empty()) {
      EXPECT_TRUE(f.name.ends_with("_" + f.unit));
    }
    EXPECT_FALSE(f.name.ends_with("_total"));
    for (const MetricPoint& p : f.points) {
      for (const auto& [k, v] : p.labels) EXPECT_TRUE(IsValidLabelName(k)) << k;
    }
  }
}

TEST(NodeMetricsTest, ListsTheTopNByPeakMemoryAndByPeakMsgQOnce) {
  NodeMetrics m({.top = 2});
  // Memory ranks c, b, a, d; MsgQ ranks d, b, a, c.
  m.Observe(Sample(1, {Process(1, "a", 300, 2), Process(2, "b", 500, 5),
                       Process(3, "c", 900, 0), Process(4, "d", 100, 50)}),
            {});
  const std::vector<MetricFamily> f = m.Scrape();
  // c and b by memory, then d (b is listed already) by MsgQ; a is in neither.
  EXPECT_THAT(ByName(f, "overseer_process_memory_bytes"),
              ElementsAre(Pair("c", 900), Pair("b", 500), Pair("d", 100)));
  EXPECT_THAT(ByName(f, "overseer_process_mailbox_messages"),
              ElementsAre(Pair("c", 0), Pair("b", 5), Pair("d", 50)));
  EXPECT_THAT(ByName(f, "overseer_process_mailbox_bytes"),
              ElementsAre(Pair("c", 0), Pair("b", 500), Pair("d", 5000)));
  const MetricFamily* mem = Find(f, "overseer_process_memory_bytes");
  ASSERT_NE(mem, nullptr);
  EXPECT_THAT(mem->points[0].labels, ElementsAre(Pair("pid", "<0.3.0>"), Pair("name", "c")));
}

TEST(NodeMetricsTest, SeriesStayBoundedWhateverTheNumberOfProcesses) {
  NodeMetrics m({.top = 20});
  std::vector<ProcessSample> many;
  for (uint64_t pid = 1; pid <= 5000; ++pid) {
    many.push_back(Process(pid, "p" + std::to_string(pid), pid * 10, pid % 97));
  }
  m.Observe(Sample(1, many), {});
  const std::vector<MetricFamily> f = m.Scrape();
  EXPECT_LE(Find(f, "overseer_process_memory_bytes")->points.size(), 40u);
  EXPECT_GE(Find(f, "overseer_process_memory_bytes")->points.size(), 20u);
  // The largest by memory is first.
  EXPECT_THAT(ByName(f, "overseer_process_memory_bytes")[0], Pair("p5000", 50000));
}

TEST(NodeMetricsTest, APeakBetweenScrapesShowsOnceAndTheNextWindowStartsFromTheLastSample) {
  NodeMetrics m({.top = 5});
  // The worker spikes to 8 MB between samples 1 and 2 (the runtime's own
  // peak says so), and is back at 1 KB at both samples.
  m.Observe(Sample(1, {Process(1, "worker", 1000, 0)}), {});
  m.Observe(Sample(2, {Process(1, "worker", 1000, 0, 8'000'000, 40)}), {});
  m.Observe(Sample(3, {Process(1, "worker", 1200, 1)}), {});
  std::vector<MetricFamily> f = m.Scrape();
  EXPECT_THAT(ByName(f, "overseer_process_memory_bytes"), ElementsAre(Pair("worker", 1200)));
  EXPECT_THAT(ByName(f, "overseer_process_memory_peak_bytes"),
              ElementsAre(Pair("worker", 8'000'000)));
  EXPECT_THAT(ByName(f, "overseer_process_mailbox_peak_messages"),
              ElementsAre(Pair("worker", 40)));
  // Read: no sample since, so the peak is the last value.
  f = m.Scrape();
  EXPECT_THAT(ByName(f, "overseer_process_memory_peak_bytes"),
              ElementsAre(Pair("worker", 1200)));
  EXPECT_THAT(ByName(f, "overseer_process_mailbox_peak_messages"),
              ElementsAre(Pair("worker", 1)));
}

TEST(NodeMetricsTest, NodePeaksAreTheHighestSampleOfTheWindow) {
  NodeMetrics m;
  m.Observe(Sample(1, {Process(1, "a", 100, 1)}), {});
  m.Observe(Sample(2, {Process(1, "a", 900, 30), Process(2, "b", 100, 0)}), {});
  m.Observe(Sample(3, {Process(1, "a", 200, 2)}), {});
  std::vector<MetricFamily> f = m.Scrape();
  EXPECT_EQ(Value(f, "overseer_memory_bytes", "category", "processes"), 200);
  EXPECT_EQ(Value(f, "overseer_memory_peak_bytes", "category", "processes"), 1000);
  EXPECT_EQ(Value(f, "overseer_processes"), 1);
  EXPECT_EQ(Value(f, "overseer_processes_peak"), 2);
  EXPECT_EQ(Value(f, "overseer_mailbox_messages"), 2);
  EXPECT_EQ(Value(f, "overseer_mailbox_peak_messages"), 30);
  f = m.Scrape();
  EXPECT_EQ(Value(f, "overseer_memory_peak_bytes", "category", "processes"), 200);
  EXPECT_EQ(Value(f, "overseer_processes_peak"), 1);
  EXPECT_EQ(Value(f, "overseer_mailbox_peak_messages"), 2);
}

TEST(NodeMetricsTest, AProcessThatEndedShowsItsPeakOnceAndNoCurrentValue) {
  NodeMetrics m({.top = 5});
  m.Observe(Sample(1, {Process(1, "stays", 100, 0), Process(2, "task", 5'000'000, 0)}), {});
  m.Observe(Sample(2, {Process(1, "stays", 100, 0)}), {});
  std::vector<MetricFamily> f = m.Scrape();
  EXPECT_THAT(ByName(f, "overseer_process_memory_peak_bytes"),
              ElementsAre(Pair("task", 5'000'000), Pair("stays", 100)));
  EXPECT_THAT(ByName(f, "overseer_process_memory_bytes"), ElementsAre(Pair("stays", 100)));
  f = m.Scrape();
  EXPECT_THAT(ByName(f, "overseer_process_memory_peak_bytes"), ElementsAre(Pair("stays", 100)));
}

TEST(NodeMetricsTest, ProcessesWithNothingToRankAreLeftOut) {
  NodeMetrics m({.top = 5});
  m.Observe(Sample(1, {Process(1, "idle", 0, 0)}), {});
  EXPECT_THAT(ByName(m.Scrape(), "overseer_process_memory_bytes"), IsEmpty());
}

TEST(NodeMetricsTest, CountsEventsAndCarriesTheCumulativeCounters) {
  NodeMetrics m;
  Snapshot s = Sample(1, {});
  s.system.messages_sent = 5343;
  s.system.dropped_samples = 2;
  s.system.scheduler_utilization = {0.5, 0.25};
  const std::vector<Event> events = {
      {.time_ns = 1, .kind = EventKind::kSpawn, .pid = 5, .other_pid = 0, .text = ""},
      {.time_ns = 2, .kind = EventKind::kSpawn, .pid = 6, .other_pid = 0, .text = ""},
      {.time_ns = 3, .kind = EventKind::kExit, .pid = 5, .other_pid = 0, .text = "normal"},
      {.time_ns = 4, .kind = EventKind::kRestart, .pid = 7, .other_pid = 1, .text = ""},
      {.time_ns = 5, .kind = EventKind::kCallTimeout, .pid = 6, .other_pid = 2, .text = ""},
      {.time_ns = 6, .kind = EventKind::kLog, .pid = 6, .other_pid = 0, .text = "x"}};
  m.Observe(s, events);
  m.Observe(Sample(2, {}), {{.time_ns = 7, .kind = EventKind::kCallTimeout, .pid = 6,
                             .other_pid = 2, .text = ""}});
  const std::vector<MetricFamily> f = m.Scrape();
  EXPECT_EQ(Value(f, "overseer_process_spawns"), 2);
  EXPECT_EQ(Value(f, "overseer_process_exits"), 1);
  EXPECT_EQ(Value(f, "overseer_process_restarts"), 1);
  EXPECT_EQ(Value(f, "overseer_call_timeouts"), 2);
  EXPECT_EQ(Value(f, "overseer_samples"), 2);
  EXPECT_EQ(Find(f, "overseer_messages_sent")->type, MetricType::kCounter);
  // The last sample's system figures (the second sample has none).
  EXPECT_EQ(Value(f, "overseer_messages_sent"), 0);
  EXPECT_EQ(m.samples(), 2u);
}

TEST(NodeMetricsTest, SchedulersAndInfoAreLabelled) {
  NodeMetrics m;
  m.Begin({.program = "demo", .source = "attach"});
  Snapshot s = Sample(1, {});
  s.system.scheduler_utilization = {0.5, 0.25};
  m.Observe(s, {});
  const std::vector<MetricFamily> f = m.Scrape();
  EXPECT_EQ(Value(f, "overseer_scheduler_utilization_ratio", "scheduler", "0"), 0.5);
  EXPECT_EQ(Value(f, "overseer_scheduler_utilization_ratio", "scheduler", "1"), 0.25);
  const MetricFamily* info = Find(f, "overseer");
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->type, MetricType::kInfo);
  EXPECT_THAT(info->points[0].labels,
              ElementsAre(Pair("program", "demo"), Pair("source", "attach")));
}

TEST(NodeMetricsTest, WhatTheSourceCannotGiveIsLeftOutAndANodesOwnCategoriesAreUsed) {
  NodeMetrics m({.top = 5});
  CaptureInfo info{.program = "BEAM node shop@web1", .source = "beam"};
  info.absent = static_cast<uint32_t>(Figure::kMailboxBytes) |
                static_cast<uint32_t>(Figure::kHeldSpecBytes) |
                static_cast<uint32_t>(Figure::kMessagesSent) |
                static_cast<uint32_t>(Figure::kCallTimeouts);
  m.Begin(info);
  Snapshot a = Sample(1, {Process(1, "holder", 5000, 2)});
  a.system.memory_categories = {{"total", 40'000'000}, {"processes", 22'000'000},
                                {"binary", 7'500'000}};
  m.Observe(a, {});
  Snapshot b = Sample(2, {Process(1, "holder", 5000, 2)});
  b.system.memory_categories = {{"total", 30'000'000}, {"processes", 21'000'000},
                                {"binary", 7'600'000}};
  m.Observe(b, {});
  const std::vector<MetricFamily> f = m.Scrape();
  // The node's categories, now and at their highest; none of the runtime's.
  EXPECT_EQ(Value(f, "overseer_memory_bytes", "category", "total"), 30'000'000);
  EXPECT_EQ(Value(f, "overseer_memory_peak_bytes", "category", "total"), 40'000'000);
  EXPECT_EQ(Value(f, "overseer_memory_peak_bytes", "category", "binary"), 7'600'000);
  EXPECT_EQ(Value(f, "overseer_memory_bytes", "category", "mailboxes"), -1);
  EXPECT_EQ(Value(f, "overseer_memory_bytes", "category", "held_specs"), -1);
  EXPECT_EQ(Find(f, "overseer_memory_bytes")->points.size(), 3u);
  // Not served as 0: absent.
  EXPECT_EQ(Find(f, "overseer_messages_sent"), nullptr);
  EXPECT_EQ(Find(f, "overseer_call_timeouts"), nullptr);
  EXPECT_EQ(Find(f, "overseer_process_mailbox_bytes"), nullptr);
  EXPECT_EQ(Find(f, "overseer_process_mailbox_peak_bytes"), nullptr);
  // What it gives stays.
  EXPECT_THAT(ByName(f, "overseer_process_mailbox_messages"), ElementsAre(Pair("holder", 2)));
  EXPECT_EQ(Value(f, "overseer_processes"), 1);
  // The next window starts from the last sample's categories.
  const std::vector<MetricFamily> next = m.Scrape();
  EXPECT_EQ(Value(next, "overseer_memory_peak_bytes", "category", "total"), 30'000'000);
}

TEST(NodeMetricsTest, TheRuntimesOwnRunServesAllFourCategories) {
  NodeMetrics m;
  m.Begin({.program = "demo", .source = "attach"});
  m.Observe(Sample(1, {Process(1, "a", 100, 1)}), {});
  const std::vector<MetricFamily> f = m.Scrape();
  EXPECT_EQ(Find(f, "overseer_memory_bytes")->points.size(), 4u);
  EXPECT_NE(Find(f, "overseer_messages_sent"), nullptr);
  EXPECT_NE(Find(f, "overseer_call_timeouts"), nullptr);
}

TEST(NodeMetricsTest, SuspectsAppearOnlyWithASource) {
  NodeMetrics m;
  m.Observe(Sample(1, {}), {});
  EXPECT_EQ(Find(m.Scrape(), "overseer_suspects"), nullptr);
  m.SetSuspectSource([] {
    return std::vector<SuspectCount>{{"state_in_messages", 1}, {"memory_growth", 0}};
  });
  const std::vector<MetricFamily> f = m.Scrape();
  EXPECT_EQ(Value(f, "overseer_suspects", "kind", "state_in_messages"), 1);
  EXPECT_EQ(Value(f, "overseer_suspects", "kind", "memory_growth"), 0);
}

}  // namespace
}  // namespace overseer
