// Run-wide peaks in the process table: each row gets the highest memory,
// MsgQ and mailbox bytes its process reached over a window of the run (from
// a RunScan), beside the instant's values, so that sorting by a peak finds
// a spike no single sample's current value holds. RunRows also gives rows
// for the processes that lived in the window but ended before the instant
// (the short-lived task that held 27 MB for a second).
//
// Example:
//   absl::StatusOr<RunScan> scan = ScanRun(recording, {.to_ns = at});
//   ApplyRunPeaks(*scan, table);
//   AppendEndedRows(*scan, table);  // for a run-wide sort
//
// All functions are pure; thread-safe.
#ifndef OVERSEER_PROBES_ANALYSIS_RUN_PEAKS_H_
#define OVERSEER_PROBES_ANALYSIS_RUN_PEAKS_H_

#include "probes/analysis/process_table.h"
#include "probes/analysis/run_scan.h"

namespace overseer {

// Sets the run_peak_* fields of every row of `table` whose process `scan`
// saw; a row the scan did not see keeps its instant's peaks as run peaks.
void ApplyRunPeaks(const RunScan& scan, ProcessTable& table);

// Appends a row (ended = true, values at its last sighting, run peaks set)
// for every process of `scan` that `table` does not have and that was seen
// at or before the table's instant (one that started after it has not
// ended). Rows stay in pid order. Returns how many it appended.
size_t AppendEndedRows(const RunScan& scan, ProcessTable& table);

}  // namespace overseer

#endif  // OVERSEER_PROBES_ANALYSIS_RUN_PEAKS_H_
