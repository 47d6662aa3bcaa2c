// Instant: everything the views show for one chosen sample of a run, built
// off the GUI thread from the analysis layer's values (the process table with
// its rates and outliers, the supervision tree with its rollups, memory by
// category, the overall profile). Views receive one immutable Instant and
// only format it; nothing here is computed twice.
//
// Example:
//   absl::StatusOr<Instant> now = ComputeInstant(session.recording(), 41, {});
//   if (now.ok()) model.SetTable(now->table);
//
// Thread safety: ComputeInstant is safe from any thread (as Recording); an
// Instant is immutable once built and shared between threads by pointer.
#ifndef OVERSEER_GUI_MODELS_INSTANT_H_
#define OVERSEER_GUI_MODELS_INSTANT_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "probes/analysis/process_table.h"
#include "probes/analysis/profile.h"
#include "probes/analysis/summary.h"
#include "probes/analysis/supervision_tree.h"
#include "probes/model/model.h"
#include "probes/model/recording.h"

namespace overseer {

struct Instant {
  size_t index = 0;    // sample index in the recording
  int64_t time_ns = 0;
  SystemSample system;
  MemoryByCategory memory;
  std::shared_ptr<const Snapshot> snapshot;
  std::shared_ptr<const ProcessTable> table;     // rows in snapshot order
  std::shared_ptr<const SupervisionTree> tree;   // nodes in snapshot order
  std::shared_ptr<const Profile> profile;        // overall, cumulative
};

// Reads sample `index` of `recording` and builds every view's values.
// Errors: those of ProcessTableAt (OutOfRange, DataLoss). Thread-safe.
absl::StatusOr<Instant> ComputeInstant(const Recording& recording, size_t index,
                                       const TableOptions& options);

// The ProcessDetail of `pid` in `snapshot`, or null when that sample has
// none for it.
const ProcessDetail* FindDetail(const Snapshot& snapshot, uint64_t pid);

// The ProcessSample of `pid` in `snapshot`, or null.
const ProcessSample* FindProcess(const Snapshot& snapshot, uint64_t pid);

}  // namespace overseer

#endif  // OVERSEER_GUI_MODELS_INSTANT_H_
