// One pass over a whole recording (or a window of it) that keeps, per
// process, what the analysis of a run needs and a single instant cannot
// give: the peaks of memory, MsgQ and mailbox bytes with the instant each
// was seen, the counters at the first and last sighting (for rates), the
// troughs of state memory, MsgQ and binary bytes per segment of the window
// (memory that does not come back raises its troughs), the largest messages
// it sent beside its own state at the time, the message types that stayed
// in its mailbox, the child specs it held, and what it was doing when calls
// to it timed out.
//
// The suspects (suspects.h), the compare view (compare.h) and the peak
// columns of the process table read a RunScan; nothing else walks a whole
// recording. The scan reads every sample of the window once, in order, and
// keeps O(processes) state (plus the large sends, which are rare), so an
// hour of 10k processes costs a few seconds and little memory.
//
// Example:
//   absl::StatusOr<RunScan> scan = ScanRun(recording, {.from_ns = 10 * kSec});
//   const ProcessTrack* t = scan->Find(pid);
//   std::cout << t->memory.value << " at " << t->memory.time_ns;
//
// Thread safety: ScanRun is safe from any thread (as Recording); results are
// values.
#ifndef OVERSEER_PROBES_ANALYSIS_RUN_SCAN_H_
#define OVERSEER_PROBES_ANALYSIS_RUN_SCAN_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "probes/model/model.h"
#include "probes/model/recording.h"

namespace overseer {

// [from_ns, to_ns] of run time; the defaults cover the whole run.
struct TimeWindow {
  int64_t from_ns = std::numeric_limits<int64_t>::min();
  int64_t to_ns = std::numeric_limits<int64_t>::max();
};

// A figure's highest reading and the time of the sample it was first seen
// at (a gauge's peak lies between that sample and the one before).
struct PeakAt {
  uint64_t value = 0;
  int64_t time_ns = 0;
};

// The cumulative counters of a process at one sample.
struct CounterReading {
  int64_t time_ns = 0;
  uint64_t reductions = 0;
  uint64_t messages_in = 0;
  uint64_t messages_out = 0;
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
  uint64_t send_ns = 0;
  uint64_t mailbox_len = 0;
};

// The window cut into this many equal spans of time, for troughs.
inline constexpr size_t kScanSegments = 8;

// A figure over the window: its least-squares slope, and its lowest value
// in each segment of the window (kNoTrough where the process was absent).
struct Trend {
  static constexpr uint64_t kNoTrough = std::numeric_limits<uint64_t>::max();

  std::array<uint64_t, kScanSegments> trough;
  uint64_t first = 0;
  uint64_t last = 0;
  uint64_t max = 0;
  // Sums for the regression, time in seconds from the window's start.
  double n = 0, sum_t = 0, sum_v = 0, sum_tt = 0, sum_tv = 0;

  Trend() { trough.fill(kNoTrough); }
  void Add(double t_s, uint64_t value, size_t segment);
  // Units per second; 0 with fewer than two distinct times.
  double SlopePerS() const;
  // The troughs of the segments the process was present in, in time order.
  std::vector<uint64_t> PresentTroughs() const;
};

// A sample at which the process's largest message since the sample before
// was at least ScanOptions::large_send_floor bytes.
struct LargeSend {
  int64_t time_ns = 0;
  uint64_t bytes = 0;         // the largest single message of the interval
  uint64_t to = 0;            // where it went
  uint64_t sender_state = 0;  // the sender's state memory then (see below)
  uint64_t messages = 0;      // messages it sent in the interval
  uint64_t interval_bytes = 0;  // bytes it sent in the interval
};

// A message type seen in a process's mailbox (from the details samples).
struct MailboxTypeTrack {
  std::string type;
  uint32_t samples = 0;      // details samples that listed it
  uint64_t first_count = 0;
  uint64_t last_count = 0;
  uint64_t last_bytes = 0;
  int64_t first_ns = 0;
  int64_t last_ns = 0;
  uint64_t first_age_ns = 0;  // the oldest message's age at the first listing
  uint64_t last_age_ns = 0;
  bool fell = false;  // its count went down between two listings
  // The process's messages_in (messages it took from its mailbox) and MsgQ
  // at the first and last listing.
  uint64_t in_at_first = 0, msgq_at_first = 0;
  uint64_t in_at_last = 0, msgq_at_last = 0;
};

// What a callee looked like at the samples that closed intervals in which
// calls to it timed out.
struct TimeoutContext {
  uint32_t samples = 0;
  uint64_t max_msgq = 0;
  int64_t max_msgq_ns = 0;
  std::string current_function;  // the most frequent one
  uint32_t current_function_samples = 0;
};

// Everything the scan keeps about one process over the window.
struct ProcessTrack {
  uint64_t pid = 0;
  uint64_t parent = 0;
  std::string name;  // as DisplayName: registered name, else initial call
  bool registered = false;
  std::string initial_call;
  std::string current_function;  // at the last sighting
  ProcessKind kind = ProcessKind::kWorker;

  size_t samples = 0;  // samples of the window that listed it
  int64_t first_ns = 0;
  int64_t last_ns = 0;
  bool alive_at_end = false;  // listed in the window's last sample

  PeakAt memory;
  PeakAt msgq;
  PeakAt mailbox_bytes;
  PeakAt held_spec_bytes;
  PeakAt binary_bytes;
  PeakAt state;  // memory - mailbox bytes - held spec bytes (current values)

  CounterReading first;
  CounterReading last;
  uint64_t last_memory = 0;  // current value at the last sighting

  Trend state_trend;   // memory - mailbox bytes - held spec bytes
  Trend msgq_trend;
  Trend binary_trend;

  // Samples with held spec bytes > 0, and their sum (for a mean).
  size_t held_samples = 0;
  double held_sum = 0;
  HeldSpec largest_spec;  // the largest spec any details sample listed
  int64_t largest_spec_ns = 0;

  std::vector<LargeSend> large_sends;  // in time order
  std::vector<MailboxTypeTrack> mailbox_types;
  size_t detail_samples = 0;

  // Zones at the first and last sighting (cumulative; sorted by zone).
  std::vector<ZoneStat> first_zones;
  std::vector<ZoneStat> last_zones;

  TimeoutContext at_timeouts;  // only for callees of timed-out calls
};

struct ScanOptions {
  // A largest-message reading at least this big is kept as a LargeSend.
  uint64_t large_send_floor = 64 * 1024;
  // At most this many LargeSends per process (the first ones, then every
  // other one is dropped in turn so the kept ones span the window).
  size_t max_large_sends = 4096;
  // Polled between samples; a true value ends the scan with Cancelled.
  const std::atomic<bool>* cancel = nullptr;
};

struct RunScan {
  TimeWindow window;          // as asked
  size_t first_index = 0;     // the window's samples: [first_index, last_index]
  size_t last_index = 0;
  size_t sample_count = 0;    // 0: the window holds no sample
  int64_t first_ns = 0;       // the first and last sample times read
  int64_t last_ns = 0;
  int64_t interval_ns = 0;    // the capture's sampling interval
  std::vector<ProcessTrack> processes;  // sorted by pid
  std::vector<Event> events;            // of the window, in time order
  uint64_t peak_total_memory = 0;       // of the node, by MemoryByCategory
  uint64_t max_processes = 0;           // the most processes in one sample
  // Whether any sample carried a largest-message size (captures written
  // before that field existed do not).
  bool has_send_sizes = false;
  // OK, or why reading stopped early (the samples before it were used).
  absl::Status status;

  const ProcessTrack* Find(uint64_t pid) const;
  int64_t span_ns() const { return last_ns - first_ns; }
};

// Scans the samples of `recording` inside `window` (and its events). A
// sample that cannot be read ends the scan: what was read is kept and the
// error goes to RunScan::status; so does the recording's own status() when
// the window reaches the end of a recording cut short by damage. Errors:
// Cancelled (options.cancel).
absl::StatusOr<RunScan> ScanRun(const Recording& recording, TimeWindow window = {},
                                const ScanOptions& options = {});

}  // namespace overseer

#endif  // OVERSEER_PROBES_ANALYSIS_RUN_SCAN_H_
