// A deterministic, synthetic run for the capture tests, fuzz seeds and
// benchmarks: a process table that grows, changes and shrinks sample after
// sample, with details, zones and events, all derived from a seed.
//
// Example:
//   SyntheticRun run({.processes = 10'000, .change_fraction = 0.01});
//   Snapshot s = run.Next();          // sample 0
//   std::vector<Event> e = run.TakeEvents();
#ifndef OVERSEER_TESTS_PROBES_CAPTURE_SYNTHETIC_RUN_H_
#define OVERSEER_TESTS_PROBES_CAPTURE_SYNTHETIC_RUN_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "probes/model/model.h"

namespace overseer::testing {

struct SyntheticOptions {
  size_t processes = 100;        // table size at the start
  double change_fraction = 0.1;  // processes whose figures move per sample
                                 // (1 or more: every process moves)
  double churn_fraction = 0.02;  // processes that exit (and as many spawn)
  int64_t interval_ns = 1'000'000;
  uint64_t seed = 1;
};

class SyntheticRun {
 public:
  explicit SyntheticRun(SyntheticOptions options);

  CaptureInfo info() const;

  // The next sample (the first call gives the initial table).
  Snapshot Next();

  // Spawn and exit events since the previous call.
  std::vector<Event> TakeEvents();

 private:
  uint64_t Random();
  ProcessSample MakeProcess(uint64_t pid);
  void Touch(ProcessSample& p);
  void Rebuild();

  SyntheticOptions options_;
  uint64_t state_;
  uint64_t next_pid_ = 1;
  int64_t time_ns_ = 0;
  bool started_ = false;
  Snapshot snapshot_;
  std::vector<Event> events_;
};

// One snapshot with every field of every type set to a distinct, unusual
// value (large numbers, empty and non-UTF-8 strings), for round trips.
Snapshot EveryFieldSnapshot();
CaptureInfo EveryFieldInfo();
std::vector<Event> EveryKindOfEvent();

}  // namespace overseer::testing

#endif  // OVERSEER_TESTS_PROBES_CAPTURE_SYNTHETIC_RUN_H_
