#include "probes/analysis/run_scan.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/probes/analysis/run_builder.h"
#include "tests/probes/analysis/snapshot_builder.h"

namespace overseer {
namespace {

using ::overseer::testing::BuildRun;
using ::overseer::testing::DamagedRecording;
using ::overseer::testing::kRunSecond;
using ::overseer::testing::Proc;
using ::overseer::testing::SnapshotBuilder;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

constexpr int64_t kSec = kRunSecond;
constexpr uint64_t kMB = 1'000'000;

// Samples at 0..10 s:
//   <0.1.0> root: a supervisor of 3 KB
//   <0.2.0> grower: memory (t + 1) MB, MsgQ 2 except a spike of 500 between
//           3 s and 4 s seen only as the gauge's peak at 4 s
//   <0.3.0> spiky: 100 KB, except 30 MB between 5 s and 6 s (peak at 6 s)
std::unique_ptr<MemoryRecording> PeakRun() {
  return BuildRun(11, [](int64_t i, SnapshotBuilder& b) {
    const auto t = static_cast<uint64_t>(i);
    b.Add(Proc(1).Name("root").Kind(ProcessKind::kSupervisor).Memory(3'000));
    Proc grower = Proc(2).Parent(1).Name("grower").Memory((t + 1) * kMB).Msgq(2);
    if (t == 4) grower.MsgqPeak(500);
    grower.MailboxBytes(t == 7 ? 400'000 : 1'000);
    b.Add(grower);
    Proc spiky = Proc(3).Parent(1).Call("Spiky:init/1").Memory(100'000);
    if (t == 6) spiky.MemoryPeak(30 * kMB);
    b.Add(spiky);
  });
}

TEST(ScanRunTest, KeepsEachPeakWithTheInstantItWasSeenAt) {
  std::unique_ptr<MemoryRecording> r = PeakRun();
  absl::StatusOr<RunScan> scan = ScanRun(*r);
  ASSERT_TRUE(scan.ok()) << scan.status();
  EXPECT_TRUE(scan->status.ok());
  EXPECT_EQ(scan->sample_count, 11u);
  EXPECT_EQ(scan->first_index, 0u);
  EXPECT_EQ(scan->last_index, 10u);
  EXPECT_EQ(scan->first_ns, 0);
  EXPECT_EQ(scan->last_ns, 10 * kSec);
  EXPECT_EQ(scan->span_ns(), 10 * kSec);
  EXPECT_EQ(scan->interval_ns, kSec);
  EXPECT_EQ(scan->max_processes, 3u);
  ASSERT_EQ(scan->processes.size(), 3u);
  EXPECT_EQ(scan->processes[0].pid, 1u);
  EXPECT_EQ(scan->processes[2].pid, 3u);

  const ProcessTrack* grower = scan->Find(2);
  ASSERT_NE(grower, nullptr);
  EXPECT_EQ(grower->memory.value, 11 * kMB);
  EXPECT_EQ(grower->memory.time_ns, 10 * kSec);
  // The MsgQ spike lay between two samples: only the gauge's peak held it.
  EXPECT_EQ(grower->msgq.value, 500u);
  EXPECT_EQ(grower->msgq.time_ns, 4 * kSec);
  EXPECT_EQ(grower->mailbox_bytes.value, 400'000u);
  EXPECT_EQ(grower->mailbox_bytes.time_ns, 7 * kSec);
  EXPECT_EQ(grower->msgq_trend.max, 2u);  // the trend reads current values only

  const ProcessTrack* spiky = scan->Find(3);
  ASSERT_NE(spiky, nullptr);
  EXPECT_EQ(spiky->memory.value, 30 * kMB);
  EXPECT_EQ(spiky->memory.time_ns, 6 * kSec);
  EXPECT_EQ(spiky->last_memory, 100'000u);
  // State reads current values: the spike is not part of it.
  EXPECT_EQ(spiky->state.value, 100'000u);
  EXPECT_EQ(spiky->state.time_ns, 0);  // first seen at its first sample
  EXPECT_EQ(spiky->name, "Spiky:init/1");
  EXPECT_FALSE(spiky->registered);

  EXPECT_EQ(scan->Find(4), nullptr);
  EXPECT_EQ(scan->Find(0), nullptr);
}

TEST(ScanRunTest, APeakReachedTwiceKeepsTheFirstInstant) {
  std::unique_ptr<MemoryRecording> r = BuildRun(6, [](int64_t i, SnapshotBuilder& b) {
    b.Add(Proc(7).Memory(i == 1 || i == 4 ? 9 * kMB : kMB));
  });
  absl::StatusOr<RunScan> scan = ScanRun(*r);
  ASSERT_TRUE(scan.ok());
  EXPECT_EQ(scan->Find(7)->memory.value, 9 * kMB);
  EXPECT_EQ(scan->Find(7)->memory.time_ns, 1 * kSec);
}

TEST(ScanRunTest, StateIsMemoryLessMailboxAndHeldSpecs) {
  std::unique_ptr<MemoryRecording> r = BuildRun(3, [](int64_t i, SnapshotBuilder& b) {
    const auto t = static_cast<uint64_t>(i);
    b.Add(Proc(1)
              .Kind(ProcessKind::kSupervisor)
              .Memory(10 * kMB + t * kMB)
              .MailboxBytes(2 * kMB)
              .Held(3 * kMB + t * kMB));
    // Mailbox bytes over memory (a racy sample) give 0, not a wrap-around.
    b.Add(Proc(2).Memory(1'000).MailboxBytes(5'000));
  });
  absl::StatusOr<RunScan> scan = ScanRun(*r);
  ASSERT_TRUE(scan.ok());
  const ProcessTrack* sup = scan->Find(1);
  EXPECT_EQ(sup->state.value, 5 * kMB);
  EXPECT_EQ(sup->state_trend.first, 5 * kMB);
  EXPECT_EQ(sup->state_trend.last, 5 * kMB);
  EXPECT_EQ(sup->held_spec_bytes.value, 5 * kMB);
  EXPECT_EQ(sup->held_spec_bytes.time_ns, 2 * kSec);
  EXPECT_EQ(sup->held_samples, 3u);
  EXPECT_DOUBLE_EQ(sup->held_sum, 12.0 * kMB);
  EXPECT_EQ(scan->Find(2)->state.value, 0u);
  // The node's peak total is the largest MemoryByCategory total.
  EXPECT_EQ(scan->peak_total_memory, 12 * kMB + 5'000);
}

// <0.5.0> spawns between 2 s and 3 s; <0.6.0> ends between 6 s and 7 s.
std::unique_ptr<MemoryRecording> ComingAndGoingRun() {
  return BuildRun(11, [](int64_t i, SnapshotBuilder& b) {
    const auto t = static_cast<uint64_t>(i);
    b.Add(Proc(1).Name("root").Memory(3'000).Reductions(10 * t));
    if (t >= 3) {
      b.Add(Proc(5)
                .Parent(1)
                .Call("Task:run/1")
                .Kind(ProcessKind::kTask)
                .Memory(t * kMB)
                .Reductions(100 * t)
                .MessagesIn(2 * t)
                .MessagesOut(3 * t)
                .BytesIn(20 * t)
                .BytesOut(30 * t)
                .SendNs(7 * t)
                .Msgq(t));
    }
    if (t <= 6) {
      b.Add(Proc(6).Parent(1).Call("Task:run/1").Memory(2 * kMB).Current(
          t == 6 ? "Task:finish/1" : "Task:work/1"));
    }
  });
}

TEST(ScanRunTest, AProcessThatSpawnsBetweenSamplesStartsAtItsFirstSighting) {
  std::unique_ptr<MemoryRecording> r = ComingAndGoingRun();
  absl::StatusOr<RunScan> scan = ScanRun(*r);
  ASSERT_TRUE(scan.ok());
  const ProcessTrack* t = scan->Find(5);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->first_ns, 3 * kSec);
  EXPECT_EQ(t->last_ns, 10 * kSec);
  EXPECT_EQ(t->samples, 8u);
  EXPECT_TRUE(t->alive_at_end);
  EXPECT_EQ(t->parent, 1u);
  EXPECT_EQ(t->kind, ProcessKind::kTask);
  // The counters at the first and at the last sighting.
  EXPECT_EQ(t->first.time_ns, 3 * kSec);
  EXPECT_EQ(t->first.reductions, 300u);
  EXPECT_EQ(t->first.messages_in, 6u);
  EXPECT_EQ(t->first.messages_out, 9u);
  EXPECT_EQ(t->first.bytes_in, 60u);
  EXPECT_EQ(t->first.bytes_out, 90u);
  EXPECT_EQ(t->first.send_ns, 21u);
  EXPECT_EQ(t->first.mailbox_len, 3u);
  EXPECT_EQ(t->last.time_ns, 10 * kSec);
  EXPECT_EQ(t->last.reductions, 1'000u);
  EXPECT_EQ(t->last.messages_in, 20u);
  EXPECT_EQ(t->last.messages_out, 30u);
  EXPECT_EQ(t->last.bytes_out, 300u);
  EXPECT_EQ(t->last.send_ns, 70u);
  EXPECT_EQ(t->last.mailbox_len, 10u);
  EXPECT_EQ(t->last_memory, 10 * kMB);
  // Its troughs: absent from the first segments.
  EXPECT_EQ(t->state_trend.trough[0], Trend::kNoTrough);
  EXPECT_NE(t->state_trend.trough[7], Trend::kNoTrough);
}

TEST(ScanRunTest, AProcessThatEndsBetweenSamplesIsKeptAsLastSeen) {
  std::unique_ptr<MemoryRecording> r = ComingAndGoingRun();
  absl::StatusOr<RunScan> scan = ScanRun(*r);
  ASSERT_TRUE(scan.ok());
  const ProcessTrack* t = scan->Find(6);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->first_ns, 0);
  EXPECT_EQ(t->last_ns, 6 * kSec);
  EXPECT_EQ(t->samples, 7u);
  EXPECT_FALSE(t->alive_at_end);
  EXPECT_EQ(t->current_function, "Task:finish/1");
  EXPECT_EQ(t->memory.value, 2 * kMB);
  EXPECT_TRUE(scan->Find(1)->alive_at_end);
  EXPECT_EQ(scan->max_processes, 3u);  // 3 s to 6 s
}

TEST(ScanRunTest, TheWindowLimitsTheSamplesThePeaksAndTheEvents) {
  std::unique_ptr<MemoryRecording> r = PeakRun();
  r->AddEvent({.time_ns = 2 * kSec, .kind = EventKind::kLog, .pid = 1, .text = "before"});
  r->AddEvent({.time_ns = 3 * kSec, .kind = EventKind::kLog, .pid = 1, .text = "at from"});
  r->AddEvent({.time_ns = 5 * kSec, .kind = EventKind::kLog, .pid = 1, .text = "inside"});
  r->AddEvent({.time_ns = 7 * kSec, .kind = EventKind::kLog, .pid = 1, .text = "at to"});
  r->AddEvent({.time_ns = 7 * kSec + 1, .kind = EventKind::kLog, .pid = 1, .text = "after"});
  absl::StatusOr<RunScan> scan = ScanRun(*r, {.from_ns = 3 * kSec, .to_ns = 7 * kSec});
  ASSERT_TRUE(scan.ok());
  EXPECT_EQ(scan->window.from_ns, 3 * kSec);
  EXPECT_EQ(scan->window.to_ns, 7 * kSec);
  EXPECT_EQ(scan->first_index, 3u);
  EXPECT_EQ(scan->last_index, 7u);
  EXPECT_EQ(scan->sample_count, 5u);
  EXPECT_EQ(scan->first_ns, 3 * kSec);
  EXPECT_EQ(scan->last_ns, 7 * kSec);
  std::vector<std::string> texts;
  for (const Event& e : scan->events) texts.push_back(e.text);
  EXPECT_THAT(texts, ElementsAre("at from", "inside", "at to"));

  const ProcessTrack* grower = scan->Find(2);
  EXPECT_EQ(grower->memory.value, 8 * kMB);  // at 7 s, not 11 MB at 10 s
  EXPECT_EQ(grower->memory.time_ns, 7 * kSec);
  EXPECT_EQ(grower->first_ns, 3 * kSec);
  EXPECT_EQ(grower->samples, 5u);
  EXPECT_TRUE(grower->alive_at_end);  // alive at the window's end
  EXPECT_EQ(grower->state_trend.first, 4 * kMB - 1'000);

  // Window limits between samples take the samples inside.
  absl::StatusOr<RunScan> between =
      ScanRun(*r, {.from_ns = 2 * kSec + kSec / 2, .to_ns = 7 * kSec + kSec / 2});
  ASSERT_TRUE(between.ok());
  EXPECT_EQ(between->first_index, 3u);
  EXPECT_EQ(between->last_index, 7u);
  // Only --from: to the end of the run; the spike at 6 s is in it.
  absl::StatusOr<RunScan> from = ScanRun(*r, {.from_ns = 5 * kSec});
  ASSERT_TRUE(from.ok());
  EXPECT_EQ(from->sample_count, 6u);
  EXPECT_EQ(from->Find(3)->memory.value, 30 * kMB);
  // Only --to: from the start; the spike at 6 s is not in it.
  absl::StatusOr<RunScan> to = ScanRun(*r, {.to_ns = 5 * kSec});
  ASSERT_TRUE(to.ok());
  EXPECT_EQ(to->sample_count, 6u);
  EXPECT_EQ(to->Find(3)->memory.value, 100'000u);
  EXPECT_EQ(to->Find(2)->msgq.value, 500u);
}

TEST(ScanRunTest, AWindowWithoutASampleIsEmpty) {
  std::unique_ptr<MemoryRecording> r = PeakRun();
  const TimeWindow empty_windows[] = {
      {.from_ns = 3 * kSec + 1, .to_ns = 4 * kSec - 1},  // between two samples
      {.from_ns = 20 * kSec},                            // past the end
      {.from_ns = 5 * kSec, .to_ns = 4 * kSec},          // from after to
      {.to_ns = -1},                                     // before the start
  };
  for (const TimeWindow& w : empty_windows) {
    absl::StatusOr<RunScan> scan = ScanRun(*r, w);
    ASSERT_TRUE(scan.ok());
    EXPECT_EQ(scan->sample_count, 0u) << w.from_ns << " " << w.to_ns;
    EXPECT_THAT(scan->processes, IsEmpty());
    EXPECT_TRUE(scan->status.ok());
  }
  MemoryRecording none(CaptureInfo{});
  absl::StatusOr<RunScan> scan = ScanRun(none);
  ASSERT_TRUE(scan.ok());
  EXPECT_EQ(scan->sample_count, 0u);
}

TEST(ScanRunTest, AOneSampleWindowHasNoSlope) {
  std::unique_ptr<MemoryRecording> r = PeakRun();
  absl::StatusOr<RunScan> scan = ScanRun(*r, {.from_ns = 4 * kSec, .to_ns = 4 * kSec});
  ASSERT_TRUE(scan.ok());
  EXPECT_EQ(scan->sample_count, 1u);
  EXPECT_EQ(scan->span_ns(), 0);
  const ProcessTrack* t = scan->Find(2);
  EXPECT_EQ(t->state_trend.SlopePerS(), 0.0);
  EXPECT_EQ(t->state_trend.PresentTroughs().size(), 1u);
}

TEST(ScanRunTest, ARegisteredNameWinsAndTheLatestOneIsKept) {
  std::unique_ptr<MemoryRecording> r = BuildRun(8, [](int64_t i, SnapshotBuilder& b) {
    Proc p = Proc(9).Call(i == 0 ? "" : "Worker:init/1").Memory(1'000);
    if (i >= 2 && i < 4) p.Name("worker_a");
    if (i >= 4 && i < 6) p.Name("worker_b");
    b.Add(p);  // unregistered again from 6 s: the last registered name stays
    b.Add(Proc(10).Call(i < 3 ? "Task:run/1" : "Task:other/1").Memory(1'000));
  });
  absl::StatusOr<RunScan> scan = ScanRun(*r);
  ASSERT_TRUE(scan.ok());
  const ProcessTrack* t = scan->Find(9);
  EXPECT_EQ(t->name, "worker_b");
  EXPECT_TRUE(t->registered);
  EXPECT_EQ(t->initial_call, "Worker:init/1");  // the first one known
  // An unregistered process is known by its (latest) initial call.
  EXPECT_EQ(scan->Find(10)->name, "Task:other/1");
  EXPECT_FALSE(scan->Find(10)->registered);
  EXPECT_EQ(scan->Find(10)->initial_call, "Task:run/1");

  // Over a window before the name: the initial call.
  absl::StatusOr<RunScan> early = ScanRun(*r, {.to_ns = 1 * kSec});
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(early->Find(9)->name, "Worker:init/1");
  EXPECT_FALSE(early->Find(9)->registered);
  // A window in which it was registered as worker_a only.
  absl::StatusOr<RunScan> mid = ScanRun(*r, {.from_ns = 1 * kSec, .to_ns = 3 * kSec});
  ASSERT_TRUE(mid.ok());
  EXPECT_EQ(mid->Find(9)->name, "worker_a");
}

TEST(ScanRunTest, TroughsArePerEighthOfTheWindowAndTheSlopeIsLeastSquares) {
  // 17 samples at 0..16 s: segment k holds 2k s and 2k+1 s (16 s joins the
  // last one). A sawtooth with period 2 s: troughs stay at 1 MB.
  std::unique_ptr<MemoryRecording> r = BuildRun(17, [](int64_t i, SnapshotBuilder& b) {
    const auto t = static_cast<uint64_t>(i);
    b.Add(Proc(1).Memory(kMB + t * 250'000));                    // a line
    b.Add(Proc(2).Memory(t % 2 == 0 ? kMB : 9 * kMB));           // a sawtooth
    b.Add(Proc(3).Memory(kMB).Msgq(10 * t).Binary(t >= 8 ? kMB * t : 0));
  });
  absl::StatusOr<RunScan> scan = ScanRun(*r);
  ASSERT_TRUE(scan.ok());
  const Trend& line = scan->Find(1)->state_trend;
  EXPECT_NEAR(line.SlopePerS(), 250'000.0, 1e-3);
  EXPECT_EQ(line.first, kMB);
  EXPECT_EQ(line.last, kMB + 16 * 250'000);
  EXPECT_EQ(line.max, kMB + 16 * 250'000);
  EXPECT_EQ(line.n, 17);
  std::vector<uint64_t> rising;
  for (uint64_t k = 0; k < kScanSegments; ++k) rising.push_back(kMB + 2 * k * 250'000);
  EXPECT_THAT(line.PresentTroughs(), ElementsAreArray(rising));

  const Trend& saw = scan->Find(2)->state_trend;
  EXPECT_THAT(saw.PresentTroughs(), ElementsAreArray(std::vector<uint64_t>(8, kMB)));
  EXPECT_EQ(saw.max, 9 * kMB);

  const Trend& msgq = scan->Find(3)->msgq_trend;
  EXPECT_NEAR(msgq.SlopePerS(), 10.0, 1e-9);
  EXPECT_EQ(msgq.trough[0], 0u);
  EXPECT_EQ(msgq.trough[7], 140u);
  const Trend& binary = scan->Find(3)->binary_trend;
  EXPECT_EQ(binary.trough[3], 0u);
  EXPECT_EQ(binary.trough[4], 8 * kMB);
  EXPECT_EQ(scan->Find(3)->binary_bytes.value, 16 * kMB);
  EXPECT_EQ(scan->Find(3)->binary_bytes.time_ns, 16 * kSec);
}

TEST(TrendTest, AnEmptyTrendHasNoSlopeAndNoTroughs) {
  Trend t;
  EXPECT_EQ(t.SlopePerS(), 0.0);
  EXPECT_THAT(t.PresentTroughs(), IsEmpty());
  t.Add(1.0, 5, 3);
  t.Add(1.0, 7, 3);  // two readings at one time: still no slope
  EXPECT_EQ(t.SlopePerS(), 0.0);
  EXPECT_THAT(t.PresentTroughs(), ElementsAre(5u));
  t.Add(2.0, 9, 99);  // a segment past the end joins the last one
  EXPECT_EQ(t.trough[kScanSegments - 1], 9u);
  EXPECT_EQ(t.first, 5u);
  EXPECT_EQ(t.last, 9u);
  EXPECT_EQ(t.max, 9u);
}

TEST(ScanRunTest, LargeSendsKeepTheSenderStateAndTheInterval) {
  std::unique_ptr<MemoryRecording> r = BuildRun(6, [](int64_t i, SnapshotBuilder& b) {
    const auto t = static_cast<uint64_t>(i);
    // State 4 MB at 0-2 s, 6 MB from 3 s; a 5 MB message at 3 s (sent while
    // the state went from 4 to 6 MB), a small one at 4 s, a 1 MB one at 5 s.
    Proc p = Proc(2).Memory(t < 3 ? 4 * kMB : 6 * kMB).MessagesOut(10 * t).BytesOut(
        t < 3 ? 0 : 6 * kMB + (t - 3) * kMB);
    if (t == 3) p.LargestSend(5 * kMB, 3);
    if (t == 4) p.LargestSend(1'000, 3);
    if (t == 5) p.LargestSend(kMB, 4);
    b.Add(p);
    b.Add(Proc(3).Memory(1'000));
    // Born with a large message sent since its start.
    if (t >= 4) b.Add(Proc(4).Memory(2 * kMB).LargestSend(t == 4 ? kMB : 0, 3));
  });
  absl::StatusOr<RunScan> scan = ScanRun(*r);
  ASSERT_TRUE(scan.ok());
  EXPECT_TRUE(scan->has_send_sizes);
  const ProcessTrack* t = scan->Find(2);
  ASSERT_EQ(t->large_sends.size(), 2u);  // 1,000 B is under the floor
  const LargeSend& first = t->large_sends[0];
  EXPECT_EQ(first.time_ns, 3 * kSec);
  EXPECT_EQ(first.bytes, 5 * kMB);
  EXPECT_EQ(first.to, 3u);
  EXPECT_EQ(first.sender_state, 6 * kMB);  // the larger of before and after
  EXPECT_EQ(first.messages, 10u);
  EXPECT_EQ(first.interval_bytes, 6 * kMB);
  EXPECT_EQ(t->large_sends[1].to, 4u);
  EXPECT_EQ(t->large_sends[1].interval_bytes, kMB);
  const ProcessTrack* born = scan->Find(4);
  ASSERT_EQ(born->large_sends.size(), 1u);
  EXPECT_EQ(born->large_sends[0].sender_state, 2 * kMB);
  EXPECT_EQ(born->large_sends[0].messages, 0u);

  // A custom floor.
  absl::StatusOr<RunScan> low = ScanRun(*r, {}, {.large_send_floor = 1'000});
  ASSERT_TRUE(low.ok());
  EXPECT_EQ(low->Find(2)->large_sends.size(), 3u);
}

TEST(ScanRunTest, ACaptureWithoutMessageSizesSaysSo) {
  std::unique_ptr<MemoryRecording> r = PeakRun();
  absl::StatusOr<RunScan> scan = ScanRun(*r);
  ASSERT_TRUE(scan.ok());
  EXPECT_FALSE(scan->has_send_sizes);
  EXPECT_THAT(scan->Find(2)->large_sends, IsEmpty());
}

TEST(ScanRunTest, KeptLargeSendsAreCappedAndSpreadEvenlyOverTheWindow) {
  // One large send per sample, 64 of them, at most 8 kept.
  std::unique_ptr<MemoryRecording> r = BuildRun(64, [](int64_t i, SnapshotBuilder& b) {
    b.Add(Proc(2).Memory(kMB).LargestSend(100'000 + static_cast<uint64_t>(i), 3));
  });
  absl::StatusOr<RunScan> scan = ScanRun(*r, {}, {.max_large_sends = 8});
  ASSERT_TRUE(scan.ok());
  const std::vector<LargeSend>& kept = scan->Find(2)->large_sends;
  ASSERT_GE(kept.size(), 4u);
  ASSERT_LE(kept.size(), 8u);
  EXPECT_EQ(kept.front().time_ns, 0);
  // Evenly spaced, in time order, reaching the last part of the window.
  const int64_t step = kept[1].time_ns - kept[0].time_ns;
  ASSERT_GT(step, 0);
  for (size_t k = 1; k < kept.size(); ++k) {
    EXPECT_EQ(kept[k].time_ns - kept[k - 1].time_ns, step) << k;
  }
  EXPECT_GE(kept.back().time_ns + step, 63 * kSec);
}

TEST(ScanRunTest, MailboxTypesKeepTheirCountsAgesAndWhetherTheyFell) {
  std::unique_ptr<MemoryRecording> r = BuildRun(5, [](int64_t i, SnapshotBuilder& b) {
    const auto t = static_cast<uint64_t>(i);
    b.Add(Proc(2).Memory(kMB).Msgq(3 + t).MessagesIn(100 * t));
    ProcessDetail d;
    d.pid = 2;
    d.mailbox_types.push_back({.type = "Stale",
                               .count = 3,
                               .bytes = 300,
                               .oldest_age_ns = static_cast<uint64_t>(i * kSec + 500)});
    if (t != 2) {  // missing from the listing at 2 s: it fell
      d.mailbox_types.push_back({.type = "Busy", .count = t + 1, .bytes = 10 * (t + 1)});
    }
    if (t == 1 || t == 3) d.mailbox_types.push_back({.type = "Down", .count = 5 - t});
    b.Detail(d);
    // A detail of a process the sample does not list is ignored.
    b.Detail(ProcessDetail{.pid = 77, .mailbox_types = {{.type = "Ghost", .count = 1}}});
  });
  absl::StatusOr<RunScan> scan = ScanRun(*r);
  ASSERT_TRUE(scan.ok());
  EXPECT_EQ(scan->Find(77), nullptr);
  const ProcessTrack* t = scan->Find(2);
  EXPECT_EQ(t->detail_samples, 5u);
  ASSERT_EQ(t->mailbox_types.size(), 3u);
  const MailboxTypeTrack& stale = t->mailbox_types[0];
  EXPECT_EQ(stale.type, "Stale");
  EXPECT_EQ(stale.samples, 5u);
  EXPECT_EQ(stale.first_count, 3u);
  EXPECT_EQ(stale.last_count, 3u);
  EXPECT_EQ(stale.last_bytes, 300u);
  EXPECT_EQ(stale.first_ns, 0);
  EXPECT_EQ(stale.last_ns, 4 * kSec);
  EXPECT_EQ(stale.first_age_ns, 500u);
  EXPECT_EQ(stale.last_age_ns, static_cast<uint64_t>(4 * kSec + 500));
  EXPECT_FALSE(stale.fell);
  EXPECT_EQ(stale.in_at_first, 0u);
  EXPECT_EQ(stale.in_at_last, 400u);
  EXPECT_EQ(stale.msgq_at_first, 3u);
  EXPECT_EQ(stale.msgq_at_last, 7u);
  const MailboxTypeTrack& busy = t->mailbox_types[1];
  EXPECT_EQ(busy.type, "Busy");
  EXPECT_EQ(busy.samples, 4u);
  EXPECT_TRUE(busy.fell);  // absent from one listing
  EXPECT_EQ(busy.last_count, 5u);
  const MailboxTypeTrack& down = t->mailbox_types[2];
  EXPECT_EQ(down.first_ns, 1 * kSec);
  EXPECT_EQ(down.first_count, 4u);
  EXPECT_EQ(down.last_count, 2u);
  EXPECT_TRUE(down.fell);
}

TEST(ScanRunTest, KeepsTheLargestHeldSpecAndWhenItWasSeen) {
  std::unique_ptr<MemoryRecording> r = BuildRun(4, [](int64_t i, SnapshotBuilder& b) {
    const auto t = static_cast<uint64_t>(i);
    b.Add(Proc(1).Kind(ProcessKind::kSupervisor).Memory(10 * kMB).Held((t + 1) * kMB));
    ProcessDetail d;
    d.pid = 1;
    d.held_specs.push_back({.child_id = "small", .child_pid = 5, .bytes = 1'000});
    d.held_specs.push_back({.child_id = "big",
                            .child_pid = 6,
                            .bytes = (t + 1) * kMB,
                            .start_kind = "closure",
                            .restart = "permanent",
                            .captured = "Map"});
    if (t != 2) b.Detail(d);
  });
  absl::StatusOr<RunScan> scan = ScanRun(*r);
  ASSERT_TRUE(scan.ok());
  const ProcessTrack* t = scan->Find(1);
  EXPECT_EQ(t->largest_spec.child_id, "big");
  EXPECT_EQ(t->largest_spec.bytes, 4 * kMB);
  EXPECT_EQ(t->largest_spec.captured, "Map");
  EXPECT_EQ(t->largest_spec_ns, 3 * kSec);
  EXPECT_EQ(t->detail_samples, 3u);
}

TEST(ScanRunTest, KeepsWhatACalleeWasDoingWhenCallsToItTimedOut) {
  std::unique_ptr<MemoryRecording> r = BuildRun(8, [](int64_t i, SnapshotBuilder& b) {
    const auto t = static_cast<uint64_t>(i);
    b.Add(Proc(2).Name("callee").Memory(kMB).Msgq(t * t).Current(
        t == 5 ? "Callee:flush/1" : "Callee:handle_call/3"));
    b.Add(Proc(10).Memory(2'000));
  });
  // Timeouts in the intervals closed by the samples at 3 s and 5 s (twice),
  // one exactly at 6 s, and one to a process no sample lists.
  for (int64_t at : {2 * kSec + kSec / 2, 4 * kSec + 1, 5 * kSec - 1, 6 * kSec}) {
    r->AddEvent({.time_ns = at, .kind = EventKind::kCallTimeout, .pid = 10, .other_pid = 2});
  }
  r->AddEvent({.time_ns = 3 * kSec, .kind = EventKind::kCallTimeout, .pid = 10, .other_pid = 99});
  absl::StatusOr<RunScan> scan = ScanRun(*r);
  ASSERT_TRUE(scan.ok());
  const TimeoutContext& c = scan->Find(2)->at_timeouts;
  EXPECT_EQ(c.samples, 3u);  // 3 s, 5 s, 6 s
  EXPECT_EQ(c.max_msgq, 36u);
  EXPECT_EQ(c.max_msgq_ns, 6 * kSec);
  EXPECT_EQ(c.current_function, "Callee:handle_call/3");
  EXPECT_EQ(c.current_function_samples, 2u);
  EXPECT_EQ(scan->Find(10)->at_timeouts.samples, 0u);

  // A window that leaves out the later timeouts.
  absl::StatusOr<RunScan> early = ScanRun(*r, {.to_ns = 4 * kSec});
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(early->Find(2)->at_timeouts.samples, 1u);
  EXPECT_EQ(early->Find(2)->at_timeouts.max_msgq, 9u);
  EXPECT_EQ(early->Find(2)->at_timeouts.max_msgq_ns, 3 * kSec);
}

TEST(ScanRunTest, KeepsTheZonesAtTheFirstAndLastSighting) {
  std::unique_ptr<MemoryRecording> r = BuildRun(4, [](int64_t i, SnapshotBuilder& b) {
    const auto t = static_cast<uint64_t>(i);
    b.Add(Proc(1).Memory(1'000));
    b.Add(Proc(2).Memory(1'000));
    b.Add(Proc(3).Memory(1'000));
    b.Zone(2, "send/copy", 10 * (t + 1), 1'000 * (t + 1));
    b.Zone(2, "handle_call", t + 1, 100 * (t + 1));
    if (t >= 2) b.Zone(3, "spawn", t, 50 * t);
  });
  absl::StatusOr<RunScan> scan = ScanRun(*r);
  ASSERT_TRUE(scan.ok());
  const ProcessTrack* t = scan->Find(2);
  ASSERT_EQ(t->first_zones.size(), 2u);
  EXPECT_EQ(t->first_zones[0].zone, "handle_call");
  EXPECT_EQ(t->first_zones[1].total_ns, 1'000u);
  ASSERT_EQ(t->last_zones.size(), 2u);
  EXPECT_EQ(t->last_zones[1].zone, "send/copy");
  EXPECT_EQ(t->last_zones[1].calls, 40u);
  EXPECT_EQ(t->last_zones[1].total_ns, 4'000u);
  EXPECT_THAT(scan->Find(1)->last_zones, IsEmpty());
  // Zones that first appear later: none at the first sighting.
  EXPECT_THAT(scan->Find(3)->first_zones, IsEmpty());
  ASSERT_EQ(scan->Find(3)->last_zones.size(), 1u);
  EXPECT_EQ(scan->Find(3)->last_zones[0].total_ns, 150u);
}

TEST(ScanRunTest, ASampleThatCannotBeReadEndsTheScanAndKeepsWhatWasRead) {
  DamagedRecording r(PeakRun(), /*bad_from=*/6);
  absl::StatusOr<RunScan> scan = ScanRun(r);
  ASSERT_TRUE(scan.ok());
  EXPECT_EQ(scan->status.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(scan->sample_count, 6u);
  EXPECT_EQ(scan->last_ns, 5 * kSec);
  const ProcessTrack* grower = scan->Find(2);
  ASSERT_NE(grower, nullptr);
  EXPECT_EQ(grower->memory.value, 6 * kMB);
  EXPECT_EQ(grower->last_ns, 5 * kSec);
  EXPECT_TRUE(grower->alive_at_end);  // in the last sample read
  // The spike at 6 s was past the damage.
  EXPECT_EQ(scan->Find(3)->memory.value, 100'000u);
}

TEST(ScanRunTest, ARecordingCutShortByDamageGivesItsStatusWhenTheWindowReachesIt) {
  std::unique_ptr<MemoryRecording> r = PeakRun();
  r->SetStatus(absl::DataLossError("chunk at byte 4096 is cut short"));
  absl::StatusOr<RunScan> scan = ScanRun(*r);
  ASSERT_TRUE(scan.ok());
  EXPECT_EQ(scan->sample_count, 11u);
  EXPECT_EQ(scan->Find(2)->memory.value, 11 * kMB);
  EXPECT_EQ(scan->status.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(scan->status.message(), "chunk at byte 4096 is cut short");
  // A window that ends before the damage is whole.
  absl::StatusOr<RunScan> early = ScanRun(*r, {.to_ns = 5 * kSec});
  ASSERT_TRUE(early.ok());
  EXPECT_TRUE(early->status.ok());
}

TEST(ScanRunTest, ACancelledScanSaysSo) {
  std::unique_ptr<MemoryRecording> r = PeakRun();
  std::atomic<bool> cancel{true};
  absl::StatusOr<RunScan> scan = ScanRun(*r, {}, {.cancel = &cancel});
  EXPECT_EQ(scan.status().code(), absl::StatusCode::kCancelled);
  cancel = false;
  EXPECT_TRUE(ScanRun(*r, {}, {.cancel = &cancel}).ok());
}

}  // namespace
}  // namespace overseer
