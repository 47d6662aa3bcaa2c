#include "probes/analysis/suspects.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/probes/analysis/run_builder.h"
#include "tests/probes/analysis/snapshot_builder.h"

namespace overseer {
namespace {

using ::overseer::testing::BuildRun;
using ::overseer::testing::HealthyPool;
using ::overseer::testing::kRunSecond;
using ::overseer::testing::Proc;
using ::overseer::testing::SnapshotBuilder;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

constexpr int64_t kSec = kRunSecond;
constexpr uint64_t kMB = 1'000'000;
constexpr int64_t kSamples = 21;  // 0..20 s

// A healthy node around every scenario: a root supervisor and a pool of
// small identical workers under it.
void Background(SnapshotBuilder& b, int64_t i, uint64_t workers = 20) {
  b.Add(Proc(1)
            .Name("app_sup")
            .Kind(ProcessKind::kSupervisor)
            .Memory(3'000)
            .Reductions(10 * static_cast<uint64_t>(i)));
  HealthyPool(b, i, 100, workers, 1);
}

SuspectReport Suspects(const Recording& r, TimeWindow window = {}) {
  absl::StatusOr<SuspectReport> report = FindSuspects(r, window);
  EXPECT_TRUE(report.ok()) << report.status();
  return report.ok() ? *std::move(report) : SuspectReport{};
}

const Evidence* FindEvidence(const Suspect& s, const std::string& what) {
  for (const Evidence& e : s.evidence) {
    if (e.what == what) return &e;
  }
  return nullptr;
}

// The evidence value called `what`; fails the test when it is missing.
double Figure(const Suspect& s, const std::string& what) {
  const Evidence* e = FindEvidence(s, what);
  EXPECT_NE(e, nullptr) << "no evidence '" << what << "' in " << s.explanation;
  return e ? e->value : -1;
}

std::vector<std::string> Kinds(const SuspectReport& r) {
  std::vector<std::string> out;
  for (const Suspect& s : r.suspects) out.push_back(ToString(s.kind));
  return out;
}

bool HasKind(const SuspectReport& r, SuspectKind kind) {
  return std::any_of(r.suspects.begin(), r.suspects.end(),
                     [&](const Suspect& s) { return s.kind == kind; });
}

// Every finding's figures are well formed and the ranking is by score.
void ExpectWellFormed(const SuspectReport& r) {
  for (size_t i = 0; i < r.suspects.size(); ++i) {
    const Suspect& s = r.suspects[i];
    EXPECT_FALSE(s.explanation.empty());
    EXPECT_FALSE(s.evidence.empty());
    EXPECT_GE(s.score, 0);
    if (i > 0) {
      EXPECT_GE(r.suspects[i - 1].score, s.score);
    }
    for (size_t j : s.explains) {
      EXPECT_LT(j, r.suspects.size());
      EXPECT_NE(j, i);
      EXPECT_GE(s.score, r.suspects[j].score) << "a root ranks above what it explains";
    }
    for (const Evidence& e : s.evidence) {
      EXPECT_FALSE(e.what.empty());
      EXPECT_FALSE(e.unit.empty());
      EXPECT_FALSE(e.text.empty()) << e.what;
    }
  }
}

// --- A healthy run -------------------------------------------------------

TEST(SuspectsTest, AHealthyPoolOfSmallWorkersHasNoSuspects) {
  std::unique_ptr<MemoryRecording> r =
      BuildRun(kSamples, [](int64_t i, SnapshotBuilder& b) { Background(b, i, 200); });
  SuspectReport report = Suspects(*r);
  EXPECT_THAT(Kinds(report), IsEmpty());
  EXPECT_EQ(report.sample_count, 21u);
  EXPECT_EQ(report.first_ns, 0);
  EXPECT_EQ(report.last_ns, 20 * kSec);
  EXPECT_EQ(report.process_count, 201u);
  EXPECT_TRUE(report.has_send_sizes);
  EXPECT_TRUE(report.status.ok());
}

TEST(SuspectsTest, AnEmptyWindowHasNoSuspects) {
  std::unique_ptr<MemoryRecording> r =
      BuildRun(kSamples, [](int64_t i, SnapshotBuilder& b) { Background(b, i); });
  SuspectReport report = Suspects(*r, {.from_ns = 30 * kSec});
  EXPECT_THAT(report.suspects, IsEmpty());
  EXPECT_EQ(report.sample_count, 0u);
  EXPECT_EQ(report.process_count, 0u);
}

TEST(SuspectsTest, NamesEveryKind) {
  const SuspectKind kinds[] = {SuspectKind::kStateInMessages, SuspectKind::kMemoryGrowth,
                               SuspectKind::kBinaryGrowth,    SuspectKind::kMailboxBacklog,
                               SuspectKind::kStuckMessages,   SuspectKind::kHeldSpecs,
                               SuspectKind::kSendCost,        SuspectKind::kCallTimeouts};
  static_assert(std::size(kinds) == kSuspectKindCount);
  const char* names[] = {"state_in_messages", "memory_growth",  "binary_growth",
                         "mailbox_backlog",   "stuck_messages", "held_specs",
                         "send_cost",         "call_timeouts"};
  for (size_t k = 0; k < kSuspectKindCount; ++k) {
    EXPECT_STREQ(ToString(kinds[k]), names[k]);
    EXPECT_STRNE(Describe(kinds[k]), "unknown");
  }
  EXPECT_STREQ(ToString(static_cast<SuspectKind>(200)), "unknown");
}

// --- State copied into messages -------------------------------------------

// <0.2.0> buffer: a state that cycles 2, 5, 8, 11 MB; every interval it sends
// one message of 0.9x its state (the larger of before and after the
// interval) to task_sup <0.3.0>, every fifth one to <0.4.0> instead.
uint64_t CopyState(uint64_t t) { return 2 * kMB + (t % 4) * 3 * kMB; }
uint64_t CopySize(uint64_t t) { return std::max(CopyState(t - 1), CopyState(t)) / 10 * 9; }

struct CopyOptions {
  uint64_t send_ns_per_s = 1'000'000;  // 0.1% of its time
  bool receiver_backs_up = false;
};

std::unique_ptr<MemoryRecording> CopyRun(CopyOptions o = {}) {
  return BuildRun(kSamples, [o](int64_t i, SnapshotBuilder& b) {
    const auto t = static_cast<uint64_t>(i);
    Background(b, i);
    uint64_t sent = 0;
    for (uint64_t k = 1; k <= t; ++k) sent += CopySize(k);
    Proc buffer = Proc(2)
                      .Parent(1)
                      .Name("buffer")
                      .Memory(CopyState(t))
                      .MessagesOut(t)
                      .BytesOut(sent)
                      .SendNs(o.send_ns_per_s * t)
                      .MessagesIn(10 * t);
    if (t > 0) buffer.LargestSend(CopySize(t), t % 5 == 0 ? 4 : 3);
    b.Add(buffer);
    Proc sup = Proc(3).Parent(1).Name("task_sup").Kind(ProcessKind::kTaskSupervisor);
    if (o.receiver_backs_up) {
      sup.Memory(2'000 + t * 10 * kMB).Msgq(t * 10).MailboxBytes(t * 10 * kMB);
    } else {
      sup.Memory(2'000).MessagesIn(t);
    }
    b.Add(sup);
    b.Add(Proc(4).Parent(1).Name("other").Memory(2'000));
    if (o.receiver_backs_up && t >= 2) {
      // The tasks the receiver started, each holding a copy.
      for (uint64_t k = 0; k < 3; ++k) {
        b.Add(Proc(1'000 + k).Parent(3).Kind(ProcessKind::kTask).Call("Task:run/1").Memory(
            10 * kMB + k * kMB));
      }
    }
  });
}

TEST(SuspectsTest, StateInMessagesFindsTheSenderItsReceiverAndTheRatio) {
  std::unique_ptr<MemoryRecording> r = CopyRun();
  SuspectReport report = Suspects(*r);
  ExpectWellFormed(report);
  ASSERT_EQ(Kinds(report), std::vector<std::string>{"state_in_messages"});
  const Suspect& s = report.suspects[0];
  EXPECT_EQ(s.pid, 2u);
  EXPECT_EQ(s.name, "buffer");
  EXPECT_EQ(s.other_pid, 3u);  // most of the bytes went there
  EXPECT_EQ(s.other_name, "task_sup");
  EXPECT_NEAR(Figure(s, "message / state, median"), 0.9, 1e-9);
  EXPECT_EQ(Figure(s, "intervals with such a message"), 20);
  EXPECT_EQ(Figure(s, "intervals with any message over the floor"), 20);
  // States 5, 8, 11, 11 MB five times over: the median is 11 MB.
  EXPECT_EQ(Figure(s, "sender's state when it sent them, median"), 11.0 * kMB);
  EXPECT_EQ(Figure(s, "largest message per interval, median"), 9.9 * kMB);
  EXPECT_EQ(Figure(s, "largest such message"), 9.9 * kMB);
  EXPECT_NEAR(Figure(s, "correlation of size and state (Pearson r)"), 1.0, 1e-9);
  EXPECT_EQ(Figure(s, "such messages, estimated"), 20);
  EXPECT_EQ(s.at_ns, 3 * kSec);  // the first largest one
  EXPECT_THAT(s.explanation, HasSubstr("buffer <0.2.0> copies its own state into the messages "
                                       "it sends to task_sup <0.3.0>"));
  EXPECT_THAT(s.explanation, HasSubstr("in 20 of 20 intervals"));
  EXPECT_THAT(s.explanation, HasSubstr("0.90x its state"));
  EXPECT_GT(s.score, 0);
}

TEST(SuspectsTest, StateInMessagesExplainsTheSendCostAndTheReceiversBacklog) {
  std::unique_ptr<MemoryRecording> r =
      CopyRun({.send_ns_per_s = 500'000'000, .receiver_backs_up = true});
  SuspectReport report = Suspects(*r);
  ExpectWellFormed(report);
  ASSERT_GE(report.suspects.size(), 3u);
  const Suspect& root = report.suspects[0];
  EXPECT_EQ(root.kind, SuspectKind::kStateInMessages);
  EXPECT_EQ(root.pid, 2u);
  EXPECT_EQ(root.other_pid, 3u);
  std::vector<std::string> explained;
  for (size_t j : root.explains) {
    explained.push_back(
        absl::StrCat(ToString(report.suspects[j].kind), " ", report.suspects[j].pid));
  }
  EXPECT_THAT(explained, UnorderedElementsAre("send_cost 2", "mailbox_backlog 3"));
  EXPECT_THAT(root.explanation, HasSubstr("task_sup's mailbox peaked at"));
  EXPECT_EQ(Figure(root, "receiver's mailbox bytes, peak"), 200.0 * kMB);
  EXPECT_EQ(Figure(root, "receiver's children, largest peak"), 12.0 * kMB);
  EXPECT_EQ(FindEvidence(root, "receiver's children, largest peak")->at_ns, 2 * kSec);
  EXPECT_THAT(root.explanation, HasSubstr("the 3 processes it started peaked at 12.0 MB"));
}

TEST(SuspectsTest, AMessageMuchSmallerThanTheSendersStateIsNotACopy) {
  std::unique_ptr<MemoryRecording> r = BuildRun(kSamples, [](int64_t i, SnapshotBuilder& b) {
    const auto t = static_cast<uint64_t>(i);
    Background(b, i);
    b.Add(Proc(2)
              .Parent(1)
              .Name("cache")
              .Memory(50 * kMB)
              .MessagesOut(t)
              .BytesOut(t * kMB)
              .LargestSend(t > 0 ? kMB : 0, 3));  // 2% of its state
    b.Add(Proc(3).Parent(1).Name("reader").Memory(2'000).MessagesIn(t));
  });
  SuspectReport report = Suspects(*r);
  EXPECT_THAT(Kinds(report), IsEmpty());
  EXPECT_TRUE(report.has_send_sizes);
}

TEST(SuspectsTest, OneLargeCopyIsNotAPattern) {
  std::unique_ptr<MemoryRecording> r = BuildRun(kSamples, [](int64_t i, SnapshotBuilder& b) {
    Background(b, i);
    b.Add(Proc(2).Parent(1).Memory(8 * kMB).LargestSend(i == 7 ? 8 * kMB : 0, 3));
    b.Add(Proc(3).Parent(1).Memory(2'000));
  });
  EXPECT_FALSE(HasKind(Suspects(*r), SuspectKind::kStateInMessages));
}

TEST(SuspectsTest, ACaptureWithoutMessageSizesCannotRunTheCopyRule) {
  std::unique_ptr<MemoryRecording> r = BuildRun(kSamples, [](int64_t, SnapshotBuilder& b) {
    b.Add(Proc(2).Memory(8 * kMB));
  });
  SuspectReport report = Suspects(*r);
  EXPECT_FALSE(report.has_send_sizes);
  EXPECT_THAT(report.suspects, IsEmpty());
}

// --- Memory growth ----------------------------------------------------------

TEST(SuspectsTest, MemoryGrowthFindsALinearLeakWithItsSlope) {
  std::unique_ptr<MemoryRecording> r = BuildRun(kSamples, [](int64_t i, SnapshotBuilder& b) {
    const auto t = static_cast<uint64_t>(i);
    Background(b, i);
    // State 1 MB + 250 KB/s; a steady mailbox of 10 KB is not state.
    b.Add(Proc(2).Parent(1).Name("history").Memory(kMB + t * 250'000 + 10'000).MailboxBytes(
        10'000));
  });
  SuspectReport report = Suspects(*r);
  ExpectWellFormed(report);
  ASSERT_EQ(Kinds(report), std::vector<std::string>{"memory_growth"});
  const Suspect& s = report.suspects[0];
  EXPECT_EQ(s.pid, 2u);
  EXPECT_EQ(s.name, "history");
  EXPECT_EQ(s.other_pid, 0u);
  EXPECT_NEAR(Figure(s, "slope (least squares)"), 250'000.0, 1e-3);
  EXPECT_EQ(Figure(s, "at its first sample"), 1.0 * kMB);
  EXPECT_EQ(Figure(s, "at its last sample"), 6.0 * kMB);
  EXPECT_EQ(Figure(s, "peak"), 6.0 * kMB);
  EXPECT_EQ(FindEvidence(s, "peak")->at_ns, 20 * kSec);
  EXPECT_EQ(Figure(s, "lowest value, first eighth of the window"), 1.0 * kMB);
  // The last eighth holds 18, 19 and 20 s.
  EXPECT_EQ(Figure(s, "lowest value, last eighth of the window"), 1.0 * kMB + 18 * 250'000);
  EXPECT_EQ(Figure(s, "segments whose lowest value did not fall"), 7);
  // To 1 GiB from 6 MB at 250 KB/s.
  EXPECT_NEAR(Figure(s, "time to the projected size"),
              (1024.0 * 1024 * 1024 - 6e6) / 250'000 * 1e9, 1e6);
  EXPECT_EQ(s.at_ns, 20 * kSec);
  EXPECT_THAT(s.explanation, HasSubstr("history <0.2.0>: its state grew from 1.0 MB to 6.0 MB"));
}

TEST(SuspectsTest, ASawtoothThatComesBackIsNotGrowth) {
  std::unique_ptr<MemoryRecording> r = BuildRun(kSamples, [](int64_t i, SnapshotBuilder& b) {
    const auto t = static_cast<uint64_t>(i);
    Background(b, i);
    // 1 MB up to 17 MB and back, every 4 s: it always comes back.
    b.Add(Proc(2).Parent(1).Name("batcher").Memory(kMB + (t % 4) * 4 * kMB));
    // Grows for most of the run, then frees it all at the end.
    b.Add(Proc(3).Parent(1).Name("freer").Memory(t < 19 ? kMB + t * kMB : kMB));
    // Steady and large.
    b.Add(Proc(4).Parent(1).Name("steady").Memory(200 * kMB));
  });
  SuspectReport report = Suspects(*r);
  EXPECT_THAT(Kinds(report), IsEmpty());
}

TEST(SuspectsTest, GrowthOfAProcessThatLivedBrieflyIsNotALeak) {
  std::unique_ptr<MemoryRecording> r = BuildRun(kSamples, [](int64_t i, SnapshotBuilder& b) {
    const auto t = static_cast<uint64_t>(i);
    Background(b, i);
    if (t >= 16) b.Add(Proc(2).Parent(1).Memory((t - 15) * 10 * kMB));  // 4 of 20 s
  });
  EXPECT_THAT(Kinds(Suspects(*r)), IsEmpty());
}

// State flat at 1 MB, growing 500 KB/s only after `from_s` (or only before).
std::unique_ptr<MemoryRecording> LeakRun(bool after) {
  return BuildRun(kSamples, [after](int64_t i, SnapshotBuilder& b) {
    const auto t = static_cast<uint64_t>(i);
    Background(b, i);
    const uint64_t grown = after ? (t > 10 ? t - 10 : 0) : std::min<uint64_t>(t, 10);
    b.Add(Proc(2).Parent(1).Name("leaky").Memory(kMB + grown * 500'000));
  });
}

TEST(SuspectsTest, ALeakAfterFromIsFoundInTheWindow) {
  std::unique_ptr<MemoryRecording> r = LeakRun(/*after=*/true);
  SuspectReport report = Suspects(*r, {.from_ns = 10 * kSec});
  ASSERT_EQ(Kinds(report), std::vector<std::string>{"memory_growth"});
  EXPECT_EQ(report.first_ns, 10 * kSec);
  EXPECT_EQ(report.sample_count, 11u);
  EXPECT_NEAR(Figure(report.suspects[0], "slope (least squares)"), 500'000.0, 1e-3);
  EXPECT_EQ(Figure(report.suspects[0], "at its first sample"), 1.0 * kMB);
  // Over a window before it, nothing.
  EXPECT_THAT(Kinds(Suspects(*r, {.to_ns = 10 * kSec})), IsEmpty());
}

TEST(SuspectsTest, ALeakBeforeFromIsNotFoundInTheWindow) {
  std::unique_ptr<MemoryRecording> r = LeakRun(/*after=*/false);
  EXPECT_THAT(Kinds(Suspects(*r, {.from_ns = 10 * kSec})), IsEmpty());
  // The whole run has it.
  SuspectReport whole = Suspects(*r);
  ASSERT_EQ(Kinds(whole), std::vector<std::string>{"memory_growth"});
  EXPECT_EQ(whole.suspects[0].pid, 2u);
}

// --- Binary growth ---------------------------------------------------------

TEST(SuspectsTest, BinaryGrowthFindsReferencesThatKeepGrowing) {
  std::unique_ptr<MemoryRecording> r = BuildRun(kSamples, [](int64_t i, SnapshotBuilder& b) {
    const auto t = static_cast<uint64_t>(i);
    Background(b, i);
    b.Add(Proc(2).Parent(1).Name("parser").Memory(50'000).Binary(t * kMB));
    // Binaries that come and go.
    b.Add(Proc(3).Parent(1).Name("relay").Memory(50'000).Binary(t % 2 == 0 ? 0 : 30 * kMB));
  });
  SuspectReport report = Suspects(*r);
  ExpectWellFormed(report);
  ASSERT_EQ(Kinds(report), std::vector<std::string>{"binary_growth"});
  const Suspect& s = report.suspects[0];
  EXPECT_EQ(s.pid, 2u);
  EXPECT_NEAR(Figure(s, "slope (least squares)"), 1.0 * kMB, 1e-3);
  EXPECT_EQ(Figure(s, "at its last sample"), 20.0 * kMB);
  EXPECT_EQ(Figure(s, "peak"), 20.0 * kMB);
  EXPECT_THAT(s.explanation, HasSubstr("the shared binaries it references grew"));
}

// --- Mailbox backlog -------------------------------------------------------

TEST(SuspectsTest, MailboxBacklogGivesTheArrivalAndDrainRates) {
  std::unique_ptr<MemoryRecording> r = BuildRun(kSamples, [](int64_t i, SnapshotBuilder& b) {
    const auto t = static_cast<uint64_t>(i);
    Background(b, i);
    // 50 messages/s arrive, 30/s are taken: MsgQ 20 t.
    b.Add(Proc(2)
              .Parent(1)
              .Name("fetcher")
              .Memory(10'000 + t * 20 * 1'000)
              .Msgq(20 * t)
              .MailboxBytes(t * 20 * 1'000)
              .MessagesIn(30 * t));
  });
  SuspectReport report = Suspects(*r);
  ExpectWellFormed(report);
  ASSERT_EQ(Kinds(report), std::vector<std::string>{"mailbox_backlog"});
  const Suspect& s = report.suspects[0];
  EXPECT_EQ(s.pid, 2u);
  EXPECT_EQ(s.name, "fetcher");
  EXPECT_NEAR(Figure(s, "arrival rate"), 50.0, 1e-9);
  EXPECT_NEAR(Figure(s, "drain rate"), 30.0, 1e-9);
  EXPECT_EQ(Figure(s, "MsgQ at its first sample"), 0);
  EXPECT_EQ(Figure(s, "MsgQ at its last sample"), 400);
  EXPECT_EQ(Figure(s, "MsgQ, peak"), 400);
  EXPECT_EQ(FindEvidence(s, "MsgQ, peak")->at_ns, 20 * kSec);
  EXPECT_EQ(Figure(s, "mailbox bytes, peak"), 400'000);
  EXPECT_EQ(Figure(s, "MsgQ in 10 minutes at this rate"), 400 + 20 * 600);
  EXPECT_EQ(s.at_ns, 20 * kSec);
  EXPECT_THAT(s.explanation, HasSubstr("50 messages/s arrive and 30/s are taken"));
}

TEST(SuspectsTest, AMailboxThatDrainsOrStaysLevelIsNoBacklog) {
  std::unique_ptr<MemoryRecording> r = BuildRun(kSamples, [](int64_t i, SnapshotBuilder& b) {
    const auto t = static_cast<uint64_t>(i);
    Background(b, i);
    // Up to 400 at 10 s, then drained back to 0 by 20 s.
    const uint64_t q = t <= 10 ? 40 * t : 40 * (20 - t);
    b.Add(Proc(2).Parent(1).Name("burst").Memory(10'000).Msgq(q).MessagesIn(100 * t));
    // Always about 500 waiting, handled as fast as they come.
    b.Add(Proc(3).Parent(1).Name("level").Memory(10'000).Msgq(500 + t % 2).MessagesIn(
        1'000 * t));
  });
  EXPECT_THAT(Kinds(Suspects(*r)), IsEmpty());
}

// --- Stuck messages ----------------------------------------------------------

std::unique_ptr<MemoryRecording> StuckRun(bool ages, uint64_t taken_per_s) {
  return BuildRun(kSamples, [=](int64_t i, SnapshotBuilder& b) {
    const auto t = static_cast<uint64_t>(i);
    Background(b, i);
    b.Add(Proc(2)
              .Parent(1)
              .Name("router")
              .Memory(60'000)
              .Msgq(5 + t % 2)
              .MailboxBytes(5'000)
              .MessagesIn(taken_per_s * t));
    ProcessDetail d;
    d.pid = 2;
    // Five messages nobody takes: the oldest has waited since before 0 s.
    d.mailbox_types.push_back(
        {.type = "Legacy",
         .count = 5,
         .bytes = 5'000,
         .oldest_age_ns = ages ? static_cast<uint64_t>(i * kSec + kSec) : 500'000'000});
    if (t % 2 == 1) d.mailbox_types.push_back({.type = "Work", .count = 1, .bytes = 100});
    b.Detail(d);
  });
}

TEST(SuspectsTest, StuckMessagesFindsATypeThatAgesAsFastAsTime) {
  std::unique_ptr<MemoryRecording> r = StuckRun(/*ages=*/true, /*taken_per_s=*/10);
  SuspectReport report = Suspects(*r);
  ExpectWellFormed(report);
  ASSERT_EQ(Kinds(report), std::vector<std::string>{"stuck_messages"});
  const Suspect& s = report.suspects[0];
  EXPECT_EQ(s.pid, 2u);
  EXPECT_EQ(s.name, "router");
  EXPECT_EQ(Figure(s, "messages that stay"), 5);
  EXPECT_EQ(Figure(s, "their bytes"), 5'000);
  EXPECT_EQ(Figure(s, "age of the oldest"), 21.0 * kSec);
  EXPECT_EQ(Figure(s, "other messages taken meanwhile"), 200);
  EXPECT_EQ(s.at_ns, 20 * kSec);
  EXPECT_THAT(s.explanation, HasSubstr("Legacy (5)"));
  EXPECT_THAT(s.explanation, Not(HasSubstr("Work")));
}

TEST(SuspectsTest, MessagesThatAreTakenOrAProcessThatTakesNothingAreNotStuck) {
  // The oldest Legacy message stays young: they are taken in turn.
  EXPECT_THAT(Kinds(Suspects(*StuckRun(/*ages=*/false, 10))), IsEmpty());
  // It takes nothing at all: blocked, not selective.
  EXPECT_THAT(Kinds(Suspects(*StuckRun(/*ages=*/true, 0))), IsEmpty());
}

// --- Held specs ------------------------------------------------------------

std::unique_ptr<MemoryRecording> HeldRun(bool transient) {
  return BuildRun(kSamples, [=](int64_t i, SnapshotBuilder& b) {
    const auto t = static_cast<uint64_t>(i);
    Background(b, i);
    const bool holds = !transient || t == 7 || t == 8;
    const uint64_t held = holds ? 8 * kMB : 0;
    b.Add(Proc(5)
              .Parent(1)
              .Name("indexer_sup")
              .Kind(ProcessKind::kSupervisor)
              .Memory(20'000 + held)
              .Held(held));
    b.Add(Proc(6).Parent(5).Name("indexer").Memory(9 * kMB));
    ProcessDetail d;
    d.pid = 5;
    d.held_specs.push_back({.child_id = "small", .child_pid = 7, .bytes = 2'000});
    if (holds) {
      d.held_specs.push_back({.child_id = "indexer",
                              .child_pid = 6,
                              .bytes = held,
                              .start_kind = "closure",
                              .restart = "permanent",
                              .captured = "Map"});
    }
    b.Detail(d);
  });
}

TEST(SuspectsTest, HeldSpecsFindsTheSupervisorAndItsLargestSpec) {
  std::unique_ptr<MemoryRecording> r = HeldRun(/*transient=*/false);
  SuspectReport report = Suspects(*r);
  ExpectWellFormed(report);
  ASSERT_EQ(Kinds(report), std::vector<std::string>{"held_specs"});
  const Suspect& s = report.suspects[0];
  EXPECT_EQ(s.pid, 5u);
  EXPECT_EQ(s.name, "indexer_sup");
  EXPECT_EQ(s.other_pid, 6u);
  EXPECT_EQ(s.other_name, "indexer");
  EXPECT_EQ(Figure(s, "held child-spec bytes, peak"), 8.0 * kMB);
  EXPECT_EQ(Figure(s, "held child-spec bytes, mean while held"), 8.0 * kMB);
  EXPECT_EQ(Figure(s, "samples in which it held specs"), 100);
  EXPECT_EQ(Figure(s, "largest spec: indexer"), 8.0 * kMB);
  EXPECT_THAT(s.explanation, HasSubstr("permanent, started by a closure that captured Map"));
}

TEST(SuspectsTest, ASpecHeldOnlyBrieflyIsNoFinding) {
  EXPECT_THAT(Kinds(Suspects(*HeldRun(/*transient=*/true))), IsEmpty());
}

// --- Send cost -------------------------------------------------------------

std::unique_ptr<MemoryRecording> SenderRun(uint64_t send_ns_per_s, uint64_t bytes_per_s) {
  return BuildRun(kSamples, [=](int64_t i, SnapshotBuilder& b) {
    const auto t = static_cast<uint64_t>(i);
    Background(b, i);
    b.Add(Proc(2)
              .Parent(1)
              .Name("broadcaster")
              .Memory(40'000)
              .MessagesOut(100 * t)
              .BytesOut(bytes_per_s * t)
              .SendNs(send_ns_per_s * t)
              .LargestSend(t > 0 ? 20'000 : 0, 100));
    b.Zone(2, "send/copy", 100 * t, send_ns_per_s * t);
    b.Zone(2, "handle_cast", 10 * t, send_ns_per_s * t / 4);
  });
}

TEST(SuspectsTest, SendCostFindsAProcessThatSpendsItsTimeCopying) {
  std::unique_ptr<MemoryRecording> r = SenderRun(400'000'000, 2 * kMB);
  SuspectReport report = Suspects(*r);
  ExpectWellFormed(report);
  ASSERT_EQ(Kinds(report), std::vector<std::string>{"send_cost"});
  const Suspect& s = report.suspects[0];
  EXPECT_EQ(s.pid, 2u);
  EXPECT_NEAR(Figure(s, "share of its time"), 40.0, 1e-9);
  EXPECT_EQ(Figure(s, "time spent sending"), 8.0 * kSec);
  EXPECT_EQ(Figure(s, "bytes sent"), 40.0 * kMB);
  EXPECT_EQ(Figure(s, "messages sent"), 2'000);
  EXPECT_EQ(Figure(s, "mean message"), 20'000);
  EXPECT_NEAR(Figure(s, "send/copy share of its profile"), 80.0, 1e-9);
  EXPECT_NEAR(s.score, 40.0, 1e-9);
  EXPECT_THAT(s.explanation, HasSubstr("spends 40% of its time copying messages"));
}

TEST(SuspectsTest, SendCostFindsAProcessThatMovesManyBytes) {
  std::unique_ptr<MemoryRecording> r = SenderRun(1'000'000, 100 * kMB);
  SuspectReport report = Suspects(*r);
  ASSERT_EQ(Kinds(report), std::vector<std::string>{"send_cost"});
  EXPECT_NEAR(Figure(report.suspects[0], "bytes sent per second"), 100.0 * kMB, 1e-3);
}

TEST(SuspectsTest, ModestSendingIsNoFinding) {
  EXPECT_THAT(Kinds(Suspects(*SenderRun(100'000'000, 10 * kMB))), IsEmpty());
  // Many bytes per second, but not many in all (a short run).
  std::unique_ptr<MemoryRecording> r = BuildRun(3, [](int64_t i, SnapshotBuilder& b) {
    const auto t = static_cast<uint64_t>(i);
    b.Add(Proc(2).Memory(40'000).BytesOut(100 * kMB * t).MessagesOut(t));
  });
  EXPECT_THAT(Kinds(Suspects(*r)), IsEmpty());
}

// --- Call timeouts -----------------------------------------------------------

void AddTimeouts(MemoryRecording& r) {
  for (int64_t s : {5, 6, 7}) {
    r.AddEvent({.time_ns = s * kSec + kSec / 2,
                .kind = EventKind::kCallTimeout,
                .pid = 100,
                .other_pid = 2,
                .text = "{:lookup, key}"});
  }
  r.AddEvent({.time_ns = 8 * kSec + kSec / 2,
              .kind = EventKind::kCallTimeout,
              .pid = 101,
              .other_pid = 2,
              .text = "{:lookup, other}"});
}

TEST(SuspectsTest, CallTimeoutsAreGroupedByCalleeWithTheMainCaller) {
  std::unique_ptr<MemoryRecording> r = BuildRun(kSamples, [](int64_t i, SnapshotBuilder& b) {
    Background(b, i);
    b.Add(Proc(2).Parent(1).Name("db").Memory(30'000).Msgq(i == 6 ? 7 : 1).Current(
        "Db:handle_call/3"));
  });
  AddTimeouts(*r);
  SuspectReport report = Suspects(*r);
  ExpectWellFormed(report);
  ASSERT_EQ(Kinds(report), std::vector<std::string>{"call_timeouts"});
  const Suspect& s = report.suspects[0];
  EXPECT_EQ(s.pid, 2u);
  EXPECT_EQ(s.name, "db");
  EXPECT_EQ(s.other_pid, 100u);
  EXPECT_EQ(Figure(s, "calls that timed out"), 4);
  EXPECT_EQ(Figure(s, "callers"), 2);
  EXPECT_EQ(Figure(s, "first"), 5.5 * kSec);
  EXPECT_EQ(Figure(s, "last"), 8.5 * kSec);
  EXPECT_EQ(Figure(s, "callee's MsgQ then, highest"), 7);
  EXPECT_EQ(FindEvidence(s, "callee's MsgQ then, highest")->at_ns, 6 * kSec);
  EXPECT_EQ(s.at_ns, 5 * kSec + kSec / 2);
  EXPECT_NEAR(s.score, 20 + 10 * std::log10(4.0), 1e-9);
  EXPECT_THAT(s.explanation, HasSubstr("4 calls to db <0.2.0> timed out"));
  EXPECT_THAT(s.explanation, HasSubstr("from 2 callers"));
  EXPECT_THAT(s.explanation, HasSubstr("it was mostly in Db:handle_call/3"));

  // A window that leaves the timeouts out.
  EXPECT_THAT(Kinds(Suspects(*r, {.from_ns = 10 * kSec})), IsEmpty());
  // A rule that wants more of them.
  absl::StatusOr<RunScan> scan = ScanRun(*r);
  ASSERT_TRUE(scan.ok());
  EXPECT_THAT(FindSuspects(*scan, {.timeout_min_count = 5}).suspects, IsEmpty());
}

TEST(SuspectsTest, TimeoutsOfAnUnknownCalleeSaySo) {
  std::unique_ptr<MemoryRecording> r =
      BuildRun(kSamples, [](int64_t i, SnapshotBuilder& b) { Background(b, i); });
  r->AddEvent({.time_ns = 3 * kSec, .kind = EventKind::kCallTimeout, .pid = 100});
  SuspectReport report = Suspects(*r);
  ASSERT_EQ(Kinds(report), std::vector<std::string>{"call_timeouts"});
  EXPECT_EQ(report.suspects[0].pid, 0u);
  EXPECT_EQ(report.suspects[0].name, "an unknown process");
  EXPECT_EQ(report.suspects[0].other_pid, 100u);
  EXPECT_THAT(report.suspects[0].explanation, HasSubstr("1 calls to an unknown process"));
  EXPECT_THAT(report.suspects[0].explanation, Not(HasSubstr("<0.0.0>")));
}

TEST(SuspectsTest, ACalleesBacklogRanksAboveTheTimeoutsItExplains) {
  std::unique_ptr<MemoryRecording> r = BuildRun(kSamples, [](int64_t i, SnapshotBuilder& b) {
    const auto t = static_cast<uint64_t>(i);
    Background(b, i);
    b.Add(Proc(2).Parent(1).Name("db").Memory(30'000).Msgq(30 * t).MessagesIn(10 * t));
  });
  AddTimeouts(*r);
  SuspectReport report = Suspects(*r);
  ExpectWellFormed(report);
  ASSERT_EQ(Kinds(report), (std::vector<std::string>{"mailbox_backlog", "call_timeouts"}));
  EXPECT_EQ(report.suspects[0].pid, 2u);
  EXPECT_EQ(report.suspects[0].explains, std::vector<size_t>{1});
  EXPECT_EQ(report.suspects[1].pid, 2u);
  EXPECT_THAT(report.suspects[1].explains, IsEmpty());
  EXPECT_GT(report.suspects[0].score, report.suspects[1].score);
}

TEST(SuspectsTest, IndependentFindingsAreRankedBySeverity) {
  std::unique_ptr<MemoryRecording> r = BuildRun(kSamples, [](int64_t i, SnapshotBuilder& b) {
    const auto t = static_cast<uint64_t>(i);
    Background(b, i);
    b.Add(Proc(2).Parent(1).Name("small_leak").Memory(kMB + t * 100'000));  // +2 MB
    b.Add(Proc(3).Parent(1).Name("big_leak").Memory(kMB + t * 10 * kMB));  // +200 MB
  });
  SuspectReport report = Suspects(*r);
  ExpectWellFormed(report);
  ASSERT_EQ(Kinds(report), (std::vector<std::string>{"memory_growth", "memory_growth"}));
  EXPECT_EQ(report.suspects[0].pid, 3u);
  EXPECT_EQ(report.suspects[1].pid, 2u);
}

TEST(SuspectsTest, ADamagedRecordingKeepsWhatWasReadAndSaysSo) {
  std::unique_ptr<MemoryRecording> r = LeakRun(/*after=*/false);
  r->SetStatus(absl::DataLossError("cut short"));
  SuspectReport report = Suspects(*r);
  EXPECT_EQ(report.status.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(Kinds(report), std::vector<std::string>{"memory_growth"});
}

}  // namespace
}  // namespace overseer
