// The Processes view as values: one row per process at one instant, with the
// rates (reductions, memory growth) measured against an earlier snapshot and
// the outlier verdict of outliers.h. The GUI's process table, the report tool
// and the exporters all print these rows and compute nothing themselves.
//
// Rows keep the order of Snapshot::processes (by pid), so row i of a table
// and node i of the SupervisionTree built from the same snapshot describe the
// same process. Sorting and filtering (row_query.h) produce index lists and
// never move rows.
//
// Example:
//   absl::StatusOr<ProcessTable> table = ProcessTableAt(recording, index);
//   for (uint32_t i : SelectRows(table->rows, {.sort = SortKey::kMemory,
//                                              .limit = 10}))
//     std::cout << table->rows[i].name << " " << table->rows[i].memory;
#ifndef OVERSEER_PROBES_ANALYSIS_PROCESS_TABLE_H_
#define OVERSEER_PROBES_ANALYSIS_PROCESS_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "probes/model/model.h"
#include "probes/model/recording.h"

namespace overseer {

// Why a row is an outlier; a row can have several reasons (bitwise or).
enum OutlierFlag : uint32_t {
  kOutlierNone = 0,
  kOutlierMemory = 1u << 0,     // far above the median process, or huge
  kOutlierMsgq = 1u << 1,       // mailbox far longer than the median's
  kOutlierHeldSpecs = 1u << 2,  // a supervisor pinning child specs
  kOutlierGrowth = 1u << 3,     // memory growing steadily
};

// Thresholds of the outlier rules; see outliers.h for the rules themselves.
// The defaults leave a healthy node (pools of similar workers, small
// mailboxes, small specs) without a single flag.
struct OutlierRules {
  uint64_t memory_floor = 1'000'000;           // never flag below 1 MB
  double memory_median_ratio = 50.0;           // ... and below 50x the median
  uint64_t memory_absolute = 100'000'000;      // always flag from 100 MB
  uint64_t msgq_floor = 100;                   // never flag a MsgQ below 100
  double msgq_median_ratio = 10.0;             // ... or below 10x the median
  uint64_t held_spec_floor = 1'000'000;        // flag specs holding 1 MB
  double growth_floor_per_s = 100'000.0;       // flag growth from 100 KB/s
  uint64_t growth_min_bytes = 1'000'000;       // ... of at least 1 MB in all
  int64_t growth_min_span_ns = 1'000'000'000;  // ... over at least 1 s
};

// One process at one instant, with everything the Processes view shows.
struct ProcessRow {
  uint64_t pid = 0;
  uint64_t parent = 0;
  std::string name;         // registered name, else the initial call
  bool registered = false;  // whether `name` is a registered name
  std::string current_function;
  ProcessKind kind = ProcessKind::kWorker;
  ProcessStatus status = ProcessStatus::kWaiting;

  uint64_t reductions = 0;        // cumulative
  uint64_t reductions_delta = 0;  // since the base snapshot (all, if new)
  uint64_t memory = 0;            // bytes, current value
  uint64_t memory_peak = 0;       // highest since the previous sample
  uint64_t msgq = 0;              // messages waiting (mailbox_len)
  uint64_t msgq_peak = 0;
  uint64_t mailbox_bytes = 0;
  uint64_t held_spec_bytes = 0;
  uint64_t binary_bytes = 0;

  // Bytes per second between the base snapshot and this one; 0 without a
  // base or for a process the base did not have (see has_rate).
  double memory_growth_per_s = 0.0;
  double reductions_per_s = 0.0;
  bool has_rate = false;

  // Peaks over a window of the run (run_peaks.h), with the sample time each
  // was seen at; has_run_peaks is false until ApplyRunPeaks sets them.
  bool has_run_peaks = false;
  bool ended = false;  // a row of a process the shown instant no longer has
  uint64_t run_peak_memory = 0;
  int64_t run_peak_memory_ns = 0;
  uint64_t run_peak_msgq = 0;
  int64_t run_peak_msgq_ns = 0;
  uint64_t run_peak_mailbox_bytes = 0;
  int64_t run_peak_mailbox_bytes_ns = 0;

  uint32_t outlier = kOutlierNone;  // OutlierFlag bits
  std::string outlier_reason;       // e.g. "MsgQ 1,830 (median 0)"

  bool is_outlier() const { return outlier != kOutlierNone; }
};

// Medians the outlier rules compare against (lower median; 0 when empty).
struct TableMedians {
  uint64_t memory = 0;
  uint64_t msgq = 0;
  double memory_growth_per_s = 0.0;
};

struct ProcessTable {
  int64_t time_ns = 0;
  int64_t base_time_ns = 0;  // time of the base snapshot; == time_ns if none
  bool has_base = false;
  std::vector<ProcessRow> rows;  // in pid order, as in the snapshot
  TableMedians medians;
  size_t outlier_count = 0;
};

// How ProcessTableAt picks its base snapshot.
struct TableOptions {
  OutlierRules rules;
  // Rates are measured against the last sample at least this long before
  // the shown one (or the first sample, if the run is younger). 0: the
  // sample just before, as Observer's reductions column does. A span of a
  // few seconds keeps one noisy interval from flagging growth.
  int64_t rate_span_ns = 5'000'000'000;
};

// The name a view shows for a process: its registered name, else its
// initial call, else its pid as "<0.N.0>".
std::string DisplayName(const ProcessSample& process);

// Builds the table of `now`, measuring rates against `base` (may be null;
// ignored unless it is strictly older than `now`), and flags outliers with
// `rules`. Processes missing from `base` get no rate. Pure; thread-safe.
// Handles a million processes in a fraction of a second.
ProcessTable BuildProcessTable(const Snapshot& now, const Snapshot* base,
                               const OutlierRules& rules = {});

// The index of the base sample for sample `index` under `rate_span_ns`, or
// `index` itself when there is no earlier sample. Thread-safe as Recording.
size_t BaseIndexFor(const Recording& recording, size_t index, int64_t rate_span_ns);

// Reads sample `index` and its base from `recording` and builds the table.
// Errors: those of Recording::SnapshotAt (OutOfRange, DataLoss); a base that
// cannot be read only drops the rates. Thread-safe as Recording.
absl::StatusOr<ProcessTable> ProcessTableAt(const Recording& recording, size_t index,
                                            const TableOptions& options = {});

}  // namespace overseer

#endif  // OVERSEER_PROBES_ANALYSIS_PROCESS_TABLE_H_
