// The System view as values: memory by category at one instant, and the
// figures that sum up a whole run (how long, how many processes, the peak).
//
// Example:
//   MemoryByCategory m = MemoryByCategoryOf(recording.system_at(i));
//   RunSummary run = SummarizeRun(recording);
//   std::cout << FormatDuration(run.duration_ns) << " " << run.max_processes;
#ifndef OVERSEER_PROBES_ANALYSIS_SUMMARY_H_
#define OVERSEER_PROBES_ANALYSIS_SUMMARY_H_

#include <array>
#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "probes/model/model.h"
#include "probes/model/recording.h"

namespace overseer {

// Where the node's memory sits. Process accounts exclude mailboxes and held
// specs (they are their own categories); binaries are shared, counted once.
struct MemoryByCategory {
  uint64_t process_accounts = 0;
  uint64_t mailboxes = 0;
  uint64_t held_specs = 0;
  uint64_t binaries = 0;
  uint64_t total = 0;  // the sum of the four

  static constexpr size_t kCategoryCount = 4;
  // The categories in display order, with their names ("process accounts",
  // "mailboxes", "held child specs", "binaries").
  std::array<uint64_t, kCategoryCount> values() const {
    return {process_accounts, mailboxes, held_specs, binaries};
  }
  static const char* CategoryName(size_t category);
};

// The categories of one system sample. Pure; thread-safe.
MemoryByCategory MemoryByCategoryOf(const SystemSample& system);

// A whole run at a glance. Reads only the cheap system figures of each
// sample, so summing an hour-long capture does not decode process tables.
struct RunSummary {
  size_t sample_count = 0;
  int64_t first_time_ns = 0;
  int64_t last_time_ns = 0;
  int64_t duration_ns = 0;  // last sample time - first sample time
  uint64_t min_processes = 0;
  uint64_t max_processes = 0;
  uint64_t peak_total_memory = 0;   // the largest MemoryByCategory::total
  int64_t peak_memory_time_ns = 0;  // when it was reached (first time)
  uint64_t peak_total_msgq = 0;
  int64_t peak_msgq_time_ns = 0;
  uint64_t dropped_samples = 0;            // the last cumulative count
  std::array<uint64_t, 7> event_counts{};  // indexed by EventKind
  absl::Status status;                     // Recording::status(): why the run ended early
};

// Sums up `recording` as it is now (a live one keeps growing). With no
// samples, every figure is 0. Thread-safe as Recording.
RunSummary SummarizeRun(const Recording& recording);

}  // namespace overseer

#endif  // OVERSEER_PROBES_ANALYSIS_SUMMARY_H_
