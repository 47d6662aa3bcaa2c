// Exports a run as Chrome trace event JSON, the format Perfetto's UI
// (ui.perfetto.dev) and chrome://tracing open: one track per process with
// its memory and MsgQ as counters, the node's memory by category, MsgQ and
// process count on a "node" track, and events (call timeouts, exits,
// restarts, ...) as instant events on the process they concern.
//
// The writer streams: it reads one sample at a time and keeps only the last
// value written per process (a counter is written again only when it
// changes, which is lossless since counters are steps), so an hour-long
// capture never sits in memory whole. Timestamps are microseconds since
// the start of the run.
//
// Example:
//   absl::Status s = WriteChromeTraceFile(recording, "run.json");
//
// Thread safety: as Recording; one call per output.
#ifndef OVERSEER_PROBES_ANALYSIS_CHROME_TRACE_H_
#define OVERSEER_PROBES_ANALYSIS_CHROME_TRACE_H_

#include <cstdint>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "probes/model/recording.h"

namespace overseer {

struct ChromeTraceOptions {
  // Per-process counters only for processes whose memory reached this many
  // bytes at some sample (from then on); 0: every process. For a run of a
  // million processes, a threshold keeps the trace openable.
  uint64_t min_process_memory = 0;
  bool process_counters = true;
  bool node_counters = true;
  uint64_t node_pid = 0;  // the track of node-wide counters ("node")
};

// Writes the trace of `recording` to `out`. A sample that cannot be read is
// skipped and the rest written, and the JSON is always closed properly.
// Errors: the first failing Recording::SnapshotAt (e.g. DataLoss; the trace
// is complete otherwise), or Internal if writing to `out` fails.
absl::Status WriteChromeTrace(const Recording& recording, std::ostream& out,
                              const ChromeTraceOptions& options = {});

// Writes the trace to the file at `path` (replacing it only once complete).
// Errors as above, plus the failure to create the file (NotFound,
// PermissionDenied, ...); after a DataLoss the file is still written.
absl::Status WriteChromeTraceFile(const Recording& recording, const std::string& path,
                                  const ChromeTraceOptions& options = {});

}  // namespace overseer

#endif  // OVERSEER_PROBES_ANALYSIS_CHROME_TRACE_H_
