#include "probes/metrics/recording_feed.h"

#include <memory>

#include "gtest/gtest.h"

namespace overseer {
namespace {

double Counter(const std::vector<MetricFamily>& families, const std::string& name) {
  for (const MetricFamily& f : families) {
    if (f.name == name && !f.points.empty()) return f.points[0].value;
  }
  return -1;
}

Snapshot At(int64_t time_ns, uint64_t processes) {
  Snapshot s;
  s.time_ns = time_ns;
  s.system.process_count = processes;
  return s;
}

TEST(RecordingFeedTest, ShowsEachSampleOnceWithTheEventsSinceTheOneBefore) {
  auto recording = std::make_shared<MemoryRecording>(
      CaptureInfo{.program = "feed-test", .source = "attach"});
  NodeMetrics metrics;
  RecordingFeed feed(recording, metrics);
  EXPECT_EQ(feed.Pump(), 0u);  // nothing yet

  recording->AddEvent({.time_ns = 5, .kind = EventKind::kSpawn, .pid = 2, .other_pid = 0,
                       .text = ""});
  recording->Append(At(10, 1));
  recording->AddEvent({.time_ns = 15, .kind = EventKind::kSpawn, .pid = 3, .other_pid = 0,
                       .text = ""});
  recording->AddEvent({.time_ns = 18, .kind = EventKind::kExit, .pid = 2, .other_pid = 0,
                       .text = "normal"});
  recording->Append(At(20, 2));
  EXPECT_EQ(feed.Pump(), 2u);
  EXPECT_EQ(feed.Pump(), 0u);  // no sample is shown twice
  EXPECT_EQ(metrics.samples(), 2u);

  recording->AddEvent({.time_ns = 25, .kind = EventKind::kSpawn, .pid = 4, .other_pid = 0,
                       .text = ""});
  recording->Append(At(30, 3));
  EXPECT_EQ(feed.Pump(), 1u);
  const std::vector<MetricFamily> f = metrics.Scrape();
  // Every event counted once: three spawns, one exit.
  EXPECT_EQ(Counter(f, "overseer_process_spawns"), 3);
  EXPECT_EQ(Counter(f, "overseer_process_exits"), 1);
  EXPECT_EQ(Counter(f, "overseer_samples"), 3);
  EXPECT_EQ(Counter(f, "overseer_processes"), 3);
  // The run's description came before the first sample.
  for (const MetricFamily& fam : f) {
    if (fam.name == "overseer") {
      EXPECT_EQ(fam.points[0].labels[0].second, "feed-test");
    }
  }
}

}  // namespace
}  // namespace overseer
