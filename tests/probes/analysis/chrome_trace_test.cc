#include "probes/analysis/chrome_trace.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/probes/analysis/json_value.h"
#include "tests/probes/analysis/snapshot_builder.h"

namespace overseer {
namespace {

using ::overseer::testing::JsonValue;
using ::overseer::testing::ParseJson;
using ::overseer::testing::Proc;
using ::overseer::testing::SnapshotBuilder;

constexpr int64_t kSecond = 1'000'000'000;

// Three samples: pid 5 grows, then exits before the third; pid 6 is steady.
void Fill(MemoryRecording& r) {
  uint64_t memory_of_5[] = {1'000, 4'000'000};
  for (int i = 0; i < 3; ++i) {
    SnapshotBuilder b(i * kSecond + 500);
    if (i < 2) b.Add(Proc(5).Name("fetcher").Memory(memory_of_5[i]).Msgq(i * 10));
    b.Add(Proc(6).Call("Task:run/1").Memory(2'000));
    SystemSample system;
    system.process_count = i < 2 ? 2 : 1;
    system.process_memory = 3'000;
    system.total_mailbox_len = static_cast<uint64_t>(i) * 10;
    b.System(system);
    r.Append(b.Build());
  }
  r.AddEvent(Event{.time_ns = kSecond + 250,
                   .kind = EventKind::kCallTimeout,
                   .pid = 6,
                   .other_pid = 5,
                   .text = "{:buffer, [...]}"});
  r.AddEvent(Event{
      .time_ns = 2 * kSecond, .kind = EventKind::kExit, .pid = 5, .text = "normal"});
  r.AddEvent(Event{.time_ns = 3 * kSecond, .kind = EventKind::kLog, .text = "done"});
}

std::vector<const JsonValue*> Select(const JsonValue& trace, const char* ph, uint64_t pid,
                                     const char* name = nullptr) {
  std::vector<const JsonValue*> out;
  for (const JsonValue& e : trace["traceEvents"].array) {
    if (e["ph"].string == ph && e["pid"].number == static_cast<double>(pid) &&
        (name == nullptr || e["name"].string == name)) {
      out.push_back(&e);
    }
  }
  return out;
}

JsonValue Export(const ChromeTraceOptions& options = {}) {
  MemoryRecording r(CaptureInfo{});
  Fill(r);
  std::ostringstream out;
  absl::Status status = WriteChromeTrace(r, out, options);
  EXPECT_TRUE(status.ok()) << status;
  std::optional<JsonValue> v = ParseJson(out.str());
  EXPECT_TRUE(v.has_value()) << out.str();
  return v.value_or(JsonValue{});
}

TEST(ChromeTraceTest, NamesEveryProcessOnce) {
  JsonValue trace = Export();
  std::vector<const JsonValue*> names = Select(trace, "M", 5);
  ASSERT_EQ(names.size(), 1u);
  EXPECT_EQ((*names[0])["name"].string, "process_name");
  EXPECT_EQ((*names[0])["args"]["name"].string, "fetcher <0.5.0>");
  ASSERT_EQ(Select(trace, "M", 6).size(), 1u);
  EXPECT_EQ((*Select(trace, "M", 6)[0])["args"]["name"].string, "Task:run/1 <0.6.0>");
  EXPECT_EQ((*Select(trace, "M", 0)[0])["args"]["name"].string, "node");
}

TEST(ChromeTraceTest, WritesCountersInMicrosecondsOnlyWhenTheyChange) {
  JsonValue trace = Export();
  std::vector<const JsonValue*> memory = Select(trace, "C", 5, "Memory");
  ASSERT_EQ(memory.size(), 3u);  // 1 KB, 4 MB, then 0 once it is gone
  EXPECT_DOUBLE_EQ((*memory[0])["ts"].number, 0.5);
  EXPECT_EQ((*memory[0])["args"]["bytes"].number, 1'000);
  EXPECT_DOUBLE_EQ((*memory[1])["ts"].number, 1'000'000.5);
  EXPECT_EQ((*memory[1])["args"]["bytes"].number, 4'000'000);
  EXPECT_EQ((*memory[2])["args"]["bytes"].number, 0);
  EXPECT_EQ(Select(trace, "C", 5, "MsgQ").size(), 3u);
  // Steady at 2 KB: one counter event, and MsgQ 0 once.
  EXPECT_EQ(Select(trace, "C", 6, "Memory").size(), 1u);
  EXPECT_EQ(Select(trace, "C", 6, "MsgQ").size(), 1u);
}

TEST(ChromeTraceTest, NodeCountersCoverEverySample) {
  JsonValue trace = Export();
  std::vector<const JsonValue*> memory = Select(trace, "C", 0, "Memory");
  ASSERT_EQ(memory.size(), 3u);
  EXPECT_EQ((*memory[0])["args"]["process_accounts"].number, 3'000);
  EXPECT_EQ((*Select(trace, "C", 0, "MsgQ")[2])["args"]["total"].number, 20);
  EXPECT_EQ(Select(trace, "C", 0, "Processes").size(), 3u);
}

TEST(ChromeTraceTest, EventsBecomeInstantEventsOnTheirProcess) {
  JsonValue trace = Export();
  std::vector<const JsonValue*> timeouts = Select(trace, "i", 6);
  ASSERT_EQ(timeouts.size(), 1u);
  const JsonValue& t = *timeouts[0];
  EXPECT_EQ(t["name"].string, "call timeout");
  EXPECT_EQ(t["s"].string, "p");
  EXPECT_DOUBLE_EQ(t["ts"].number, 1'000'000.25);
  EXPECT_EQ(t["args"]["other_pid"].string, "<0.5.0>");
  EXPECT_EQ(t["args"]["text"].string, "{:buffer, [...]}");
  EXPECT_EQ(Select(trace, "i", 5, "exit").size(), 1u);
  std::vector<const JsonValue*> global = Select(trace, "i", 0, "log");
  ASSERT_EQ(global.size(), 1u);  // after the last sample, still exported
  EXPECT_EQ((*global[0])["s"].string, "g");
}

TEST(ChromeTraceTest, AMemoryThresholdLeavesSmallProcessesOut) {
  ChromeTraceOptions options;
  options.min_process_memory = 1'000'000;
  JsonValue trace = Export(options);
  EXPECT_TRUE(Select(trace, "C", 6).empty());
  std::vector<const JsonValue*> memory = Select(trace, "C", 5, "Memory");
  ASSERT_EQ(memory.size(), 2u);  // from when it crossed the threshold
  EXPECT_EQ((*memory[0])["args"]["bytes"].number, 4'000'000);
}

TEST(ChromeTraceTest, AnEmptyRecordingIsAValidEmptyTrace) {
  MemoryRecording r(CaptureInfo{});
  std::ostringstream out;
  ASSERT_TRUE(WriteChromeTrace(r, out, {.node_counters = false}).ok());
  std::optional<JsonValue> v = ParseJson(out.str());
  ASSERT_TRUE(v.has_value()) << out.str();
  EXPECT_TRUE((*v)["traceEvents"].array.empty());
}

TEST(ChromeTraceFileTest, WritesTheFileAndReportsAnUnwritablePath) {
  MemoryRecording r(CaptureInfo{});
  Fill(r);
  std::string path = ::testing::TempDir() + "/chrome_trace_test.json";
  ASSERT_TRUE(WriteChromeTraceFile(r, path).ok());
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_TRUE(ParseJson(text.str()).has_value());
  std::remove(path.c_str());

  absl::Status bad = WriteChromeTraceFile(r, "/nonexistent-dir/x/trace.json");
  EXPECT_EQ(bad.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(bad.message()),
              ::testing::HasSubstr("/nonexistent-dir/x/trace.json"));
}

}  // namespace
}  // namespace overseer
