// Two synthetic runs of one program, before (A) and after (B) a change, whose
// ratios tests know exactly. Pids differ between the runs; names and initial
// calls do not. Samples every second from 0 to 10 s.
//
//   key            A                              B
//   fetcher        <0.2.0>, takes 20 msgs/s       <0.20.0>, takes 40 msgs/s (2x)
//   task_sup       <0.3.0>, 5 MB, MsgQ 10         <0.30.0>, 5 MB, MsgQ 30 (3x)
//   Task:run/1     two tasks of 2 MB (from 1 s)   three tasks of 8 MB (4x), from 1 s
//   old_cache      <0.4.0>, 1 MB                  -
//   new_cache      -                              <0.40.0>, 3 MB
//   timeouts       1 call to fetcher              3 calls to fetcher
//   messages sent  100/s (by fetcher)             200/s
#ifndef OVERSEER_TESTS_PROBES_ANALYSIS_COMPARE_RUNS_H_
#define OVERSEER_TESTS_PROBES_ANALYSIS_COMPARE_RUNS_H_

#include <cstdint>
#include <memory>

#include "probes/model/recording.h"
#include "tests/probes/analysis/run_builder.h"
#include "tests/probes/analysis/snapshot_builder.h"

namespace overseer::testing {

inline constexpr uint64_t kCompareMB = 1'000'000;

inline std::unique_ptr<MemoryRecording> CompareRun(bool b_side) {
  const uint64_t base = b_side ? 10 : 1;  // B's pids are ten times A's
  auto r = BuildRun(
      11,
      [=](int64_t i, SnapshotBuilder& b) {
        const auto t = static_cast<uint64_t>(i);
        b.Add(Proc(1).Name("app_sup").Kind(ProcessKind::kSupervisor).Memory(3'000).Reductions(
            10 * t));
        b.Add(Proc(2 * base)
                  .Parent(1)
                  .Name("fetcher")
                  .Call("Fetcher:init/1")
                  .Memory(50'000)
                  .MessagesIn((b_side ? 40 : 20) * t)
                  .MessagesOut((b_side ? 200 : 100) * t)
                  .Reductions((b_side ? 3'000 : 1'000) * t));
        b.Zone(2 * base, "send/copy", 10 * t, (b_side ? 2'000'000 : 1'000'000) * t);
        b.Zone(2 * base, "handle_call", 10 * t, 1'000'000 * t);
        b.Add(Proc(3 * base)
                  .Parent(1)
                  .Name("task_sup")
                  .Kind(ProcessKind::kTaskSupervisor)
                  .Memory(5 * kCompareMB)
                  .Msgq(b_side ? 30 : 10));
        if (t >= 1) {
          const uint64_t tasks = b_side ? 3 : 2;
          for (uint64_t k = 0; k < tasks; ++k) {
            b.Add(Proc(1'000 * base + k)
                      .Parent(3 * base)
                      .Kind(ProcessKind::kTask)
                      .Call("Task:run/1")
                      .Memory((b_side ? 8 : 2) * kCompareMB)
                      .MessagesIn(t)
                      .Reductions(50 * t));
          }
        }
        if (b_side) {
          b.Add(Proc(40).Parent(1).Name("new_cache").Memory(3 * kCompareMB));
        } else {
          b.Add(Proc(4).Parent(1).Name("old_cache").Memory(kCompareMB));
        }
      },
      kRunSecond, RunInfo(b_side ? "demo --mode mfa" : "demo --mode closure"));
  const int b_timeouts = b_side ? 3 : 1;
  for (int k = 0; k < b_timeouts; ++k) {
    r->AddEvent({.time_ns = (2 + k) * kRunSecond + 1,
                 .kind = EventKind::kCallTimeout,
                 .pid = 1,
                 .other_pid = 2 * base,
                 .text = "{:fetch}"});
  }
  return r;
}

}  // namespace overseer::testing

#endif  // OVERSEER_TESTS_PROBES_ANALYSIS_COMPARE_RUNS_H_
