// The outlier rules: which processes a view highlights, and why, in words a
// person can act on ("memory 2,400x the median, growing 1.2 MB/s").
//
// A row is flagged when any rule holds (thresholds in OutlierRules):
//  - memory: memory >= memory_absolute (100 MB); or memory >= memory_floor
//    (1 MB) and memory >= memory_median_ratio (50) x the median process.
//    A pool of similar workers sits near the median and is never flagged;
//    the floor keeps a 40 KB process among 500 B ones quiet.
//  - MsgQ: mailbox_len >= msgq_floor (100) and >= msgq_median_ratio (10) x
//    the median MsgQ. A mailbox that drains stays short; one that grows
//    without bound is the symptom of a stuck or flooded receiver.
//  - held specs: held_spec_bytes >= held_spec_floor (1 MB): a supervisor
//    keeps a permanent or transient child's spec for the child's whole
//    life, so a megabyte there is a closure pinning memory.
//  - growth: memory grew at >= growth_floor_per_s (100 KB/s) and by >=
//    growth_min_bytes (1 MB) in all, over a base span of >= growth_min_span_ns
//    (1 s). Requiring both a rate and a total over a span, measured between
//    current values (not peaks), keeps one large message passing through a
//    mailbox from looking like a leak.
// Medians are lower medians over all rows (growth: over rows with a rate).
//
// Example:
//   TableMedians m = ComputeMedians(table.rows);
//   size_t n = FlagOutliers(table, OutlierRules{});
//
// All functions are pure over their arguments; thread-compatible.
#ifndef OVERSEER_PROBES_ANALYSIS_OUTLIERS_H_
#define OVERSEER_PROBES_ANALYSIS_OUTLIERS_H_

#include <cstddef>
#include <string>
#include <vector>

#include "probes/analysis/process_table.h"

namespace overseer {

// The lower medians of memory, MsgQ and growth over `rows`. O(n).
TableMedians ComputeMedians(const std::vector<ProcessRow>& rows);

// Sets `outlier` and `outlier_reason` of every row of `table` from the rules
// and table.medians (clearing earlier verdicts). Returns how many rows are
// flagged.
size_t FlagOutliers(ProcessTable& table, const OutlierRules& rules);

// The verdict for one row against `medians`; `span_ns` is the base span
// (0 without a base). Writes the reason to `*reason` when flagged.
uint32_t ClassifyRow(const ProcessRow& row, const TableMedians& medians, int64_t span_ns,
                     const OutlierRules& rules, std::string* reason);

}  // namespace overseer

#endif  // OVERSEER_PROBES_ANALYSIS_OUTLIERS_H_
