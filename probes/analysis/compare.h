// Compare two runs (a leaky one and its fix, before and after a change):
// processes matched by registered name, else by initial call without a
// trailing "(closure)"-like note (so every task of a task supervisor is one
// row, in both runs), with per row the peak memory, peak MsgQ,
// message and reduction rates and the calls that timed out on it in each
// run, the run-wide throughput figures, and the top of each run's profile.
// Ratios are B/A; a figure absent from A has no ratio.
//
// Example:
//   absl::StatusOr<Comparison> c = CompareRecordings(closure, mfa);
//   for (const ComparedProcess& p : c->processes)
//     std::cout << p.key << " " << Ratio(p.a.peak_memory, p.b.peak_memory);
//
// All functions are pure; thread-safe as Recording.
#ifndef OVERSEER_PROBES_ANALYSIS_COMPARE_H_
#define OVERSEER_PROBES_ANALYSIS_COMPARE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "probes/analysis/profile.h"
#include "probes/analysis/run_scan.h"
#include "probes/model/recording.h"

namespace overseer {

// One run's throughput and size.
struct RunFigures {
  std::string program;
  uint32_t absent = 0;  // the run's CaptureInfo::absent: figures read as 0
  int64_t duration_ns = 0;
  size_t samples = 0;
  uint64_t max_processes = 0;
  uint64_t processes_seen = 0;
  uint64_t peak_total_memory = 0;
  double messages_per_s = 0;    // node-wide messages sent
  double reductions_per_s = 0;  // summed over processes
  double spawns_per_s = 0;      // processes started
  uint64_t call_timeouts = 0;
  Profile profile;              // of the window (cumulative zones, last - first)
};

// The figures of the processes under one key, in one run.
struct MatchedFigures {
  size_t processes = 0;  // 0: the key is absent from this run
  uint64_t peak_memory = 0;
  uint64_t peak_msgq = 0;
  double messages_per_s = 0;    // messages taken, summed, over the run's duration
  double reductions_per_s = 0;
  uint64_t call_timeouts = 0;   // calls to these processes that timed out
};

struct ComparedProcess {
  std::string key;  // the registered name or the initial call
  MatchedFigures a;
  MatchedFigures b;
};

struct Comparison {
  RunFigures a;
  RunFigures b;
  // Every key of either run, the largest peak memory (of either run) first.
  std::vector<ComparedProcess> processes;
};

// B/A, or nullopt when A is 0 (and B is not).
std::optional<double> RatioOf(double a, double b);

// Compares two scans (each of a whole run or of a window).
Comparison CompareScans(const RunScan& a, const RunScan& b);

// Scans both recordings whole and compares them. Errors: those of ScanRun.
absl::StatusOr<Comparison> CompareRecordings(const Recording& a, const Recording& b);

}  // namespace overseer

#endif  // OVERSEER_PROBES_ANALYSIS_COMPARE_H_
