// Figures over time, for charts: one process's memory and MsgQ (the process
// window), and the node's memory, MsgQ, message rate and scheduler use (the
// load charts), read from a Recording at most `max_points` evenly spaced
// samples apart so a chart of an hour-long capture stays cheap.
//
// Example:
//   absl::StatusOr<ProcessHistory> h = ProcessHistoryOf(recording, pid, 400);
//   for (const ProcessPoint& p : h->points) chart.add(p.time_ns, p.memory);
//
// Thread safety: as Recording (safe from any thread); results are values.
#ifndef OVERSEER_PROBES_ANALYSIS_HISTORY_H_
#define OVERSEER_PROBES_ANALYSIS_HISTORY_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "probes/model/recording.h"

namespace overseer {

// The indices of at most `max_points` samples among `count`, evenly spread,
// always including the first and the last. All of them when count <=
// max_points; none when max_points == 0.
std::vector<size_t> EvenSampleIndices(size_t count, size_t max_points);

struct ProcessPoint {
  int64_t time_ns = 0;
  uint64_t memory = 0;
  uint64_t memory_peak = 0;
  uint64_t msgq = 0;
  uint64_t msgq_peak = 0;
  uint64_t mailbox_bytes = 0;
  uint64_t held_spec_bytes = 0;
  uint64_t reductions = 0;
};

struct ProcessHistory {
  uint64_t pid = 0;
  // Only samples where the process was alive; a gap between two points
  // means it was not.
  std::vector<ProcessPoint> points;
};

// The history of `pid` over samples [first, last] of `recording` (default:
// the whole run), at most `max_points` samples read. Errors: the first
// failing Recording::SnapshotAt (e.g. DataLoss); InvalidArgument when
// first > last.
absl::StatusOr<ProcessHistory> ProcessHistoryOf(const Recording& recording, uint64_t pid,
                                                size_t max_points, size_t first = 0,
                                                size_t last = SIZE_MAX);

struct SystemPoint {
  int64_t time_ns = 0;
  uint64_t total_memory = 0;  // MemoryByCategory::total
  uint64_t mailbox_bytes = 0;
  uint64_t total_msgq = 0;
  uint64_t process_count = 0;
  double messages_per_s = 0.0;         // since the sample before; 0 for the first
  double scheduler_utilization = 0.0;  // mean over schedulers, 0..1
};

// Node-wide figures of at most `max_points` samples of the whole run. Reads
// only the cheap system figures.
std::vector<SystemPoint> SystemHistoryOf(const Recording& recording, size_t max_points);

}  // namespace overseer

#endif  // OVERSEER_PROBES_ANALYSIS_HISTORY_H_
