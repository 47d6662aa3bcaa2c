// Each demo workload, recorded in-process, gives the suspect it was built to
// show, ranked first; the healthy pool gives none; the fixed BufferedTask
// (mfa) gives no finding of state copied into messages. The workloads run
// through the registry with their command-line flags, as overseer-demo runs
// them; each test waits for the state it checks (a finding, or a number of
// samples), never for a fixed time.
#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "probes/analysis/suspects.h"
#include "probes/model/recording.h"
#include "probes/sampler/recorder.h"
#include "samples/workloads/registry.h"
#include "tests/samples/samples_test_util.h"

namespace overseer {
namespace {

using testing::Eventually;

// A workload running in a runtime, recorded every 100 ms into memory.
class RecordedDemo {
 public:
  RecordedDemo(const std::string& name, const std::vector<std::string>& flags)
      : rt_(testing::TestRuntime()), recording_(CaptureInfo{}) {
    absl::StatusOr<std::unique_ptr<Workload>> w = MakeWorkload(name, flags);
    EXPECT_TRUE(w.ok()) << w.status();
    if (!w.ok()) return;
    workload_ = *std::move(w);
    recorder_ = std::make_unique<Recorder>(
        rt_, RecorderOptions{.sampler = {.interval = absl::Milliseconds(100)},
                             .program = name});
    recorder_->AddSink(std::make_unique<RecordingSink>(&recording_));
    EXPECT_TRUE(recorder_->Start().ok());
    EXPECT_TRUE(workload_->Start(rt_).ok());
  }
  ~RecordedDemo() {
    if (workload_) (void)workload_->Stop();
    if (recorder_) (void)recorder_->Stop();
  }

  SuspectReport Suspects() const {
    absl::StatusOr<SuspectReport> r = FindSuspects(recording_);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : SuspectReport{};
  }
  size_t samples() const { return recording_.sample_count(); }
  const Recording& recording() const { return recording_; }
  bool ok() const { return workload_ != nullptr; }

 private:
  Runtime rt_;
  MemoryRecording recording_;
  std::unique_ptr<Workload> workload_;
  std::unique_ptr<Recorder> recorder_;
};

// Waits until the first suspect is of `kind` and returns the report.
SuspectReport FirstBecomes(const RecordedDemo& demo, SuspectKind kind) {
  SuspectReport last;
  bool found = Eventually(
      [&] {
        if (demo.samples() < 10) return false;
        last = demo.Suspects();
        return !last.suspects.empty() && last.suspects[0].kind == kind;
      },
      absl::Seconds(120));
  EXPECT_TRUE(found) << "the first suspect never became " << ToString(kind) << "; it is "
                     << (last.suspects.empty() ? "none"
                                               : ToString(last.suspects[0].kind));
  return last;
}

std::string Describe(const SuspectReport& r) {
  std::string out;
  for (const Suspect& s : r.suspects) out += std::string(ToString(s.kind)) + " " + s.name + "; ";
  return out;
}

TEST(DemoSuspectsTest, TheClosureRunNamesTheFetcherCopyingItsStateToTheTaskSupervisor) {
  RecordedDemo demo("buffered-task", {"--mode", "closure"});
  ASSERT_TRUE(demo.ok());
  SuspectReport r = FirstBecomes(demo, SuspectKind::kStateInMessages);
  ASSERT_FALSE(r.suspects.empty());
  const Suspect& s = r.suspects[0];
  EXPECT_EQ(s.name, "Indexer.InternalTransaction.Fetcher");
  EXPECT_NE(s.other_name.find("Indexer.InternalTransaction.TaskSupervisor"),
            std::string::npos)
      << s.other_name;
  EXPECT_GE(s.evidence[0].value, 256 * 1024) << "the copies are large";
}

TEST(DemoSuspectsTest, TheMfaRunHasNoStateCopiedIntoMessages) {
  RecordedDemo demo("buffered-task", {"--mode", "mfa"});
  ASSERT_TRUE(demo.ok());
  ASSERT_TRUE(Eventually([&] { return demo.samples() >= 60; }, absl::Seconds(120)));
  SuspectReport r = demo.Suspects();
  for (const Suspect& s : r.suspects) {
    EXPECT_NE(s.kind, SuspectKind::kStateInMessages) << s.explanation;
    EXPECT_NE(s.kind, SuspectKind::kHeldSpecs) << s.explanation;
  }
}

TEST(DemoSuspectsTest, TheMailboxFloodNamesTheConsumersBacklog) {
  RecordedDemo demo("mailbox-flood", {});
  ASSERT_TRUE(demo.ok());
  SuspectReport r = FirstBecomes(demo, SuspectKind::kMailboxBacklog);
  ASSERT_FALSE(r.suspects.empty());
  EXPECT_EQ(r.suspects[0].name, "Flood.Consumer") << Describe(r);
}

TEST(DemoSuspectsTest, TheBinaryHoarderNamesTheCachesGrowingBinaries) {
  RecordedDemo demo("binary-hoarder", {});
  ASSERT_TRUE(demo.ok());
  SuspectReport r = FirstBecomes(demo, SuspectKind::kBinaryGrowth);
  ASSERT_FALSE(r.suspects.empty());
  EXPECT_EQ(r.suspects[0].name, "Hoarder.Cache") << Describe(r);
}

TEST(DemoSuspectsTest, TheHeldSpecDemoNamesTheSupervisorPinningSpecs) {
  RecordedDemo demo("held-spec", {});
  ASSERT_TRUE(demo.ok());
  SuspectReport r = FirstBecomes(demo, SuspectKind::kHeldSpecs);
  ASSERT_FALSE(r.suspects.empty());
  EXPECT_EQ(r.suspects[0].name, "HeldSpec.Supervisor") << Describe(r);
}

TEST(DemoSuspectsTest, TheHealthyPoolHasNoSuspect) {
  RecordedDemo demo("healthy-pool", {});
  ASSERT_TRUE(demo.ok());
  ASSERT_TRUE(Eventually([&] { return demo.samples() >= 60; }, absl::Seconds(120)));
  SuspectReport r = demo.Suspects();
  EXPECT_TRUE(r.suspects.empty()) << Describe(r);
}

// A task's initial call is known when it is spawned: no sample may show a
// task without it, not even the first one after its start.
class TaskInitialCallTest : public ::testing::TestWithParam<const char*> {};

TEST_P(TaskInitialCallTest, EveryTaskSampleHasItsInitialCall) {
  RecordedDemo demo("buffered-task", {"--mode", GetParam()});
  ASSERT_TRUE(demo.ok());
  size_t tasks_seen = 0;
  size_t empty = 0;
  size_t next = 0;
  ASSERT_TRUE(Eventually(
      [&] {
        const size_t n = demo.samples();
        for (; next < n; ++next) {
          absl::StatusOr<Snapshot> s = demo.recording().SnapshotAt(next);
          if (!s.ok()) continue;
          for (const ProcessSample& p : s->processes) {
            if (p.kind != ProcessKind::kTask) continue;
            ++tasks_seen;
            if (p.initial_call.empty()) ++empty;
          }
        }
        return tasks_seen >= 100;
      },
      absl::Seconds(120)));
  EXPECT_EQ(empty, 0u) << "of " << tasks_seen << " task samples";
}

INSTANTIATE_TEST_SUITE_P(BothModes, TaskInitialCallTest, ::testing::Values("closure", "mfa"));

}  // namespace
}  // namespace overseer
