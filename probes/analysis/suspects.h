// Suspects: the findings of a whole run (or a window of it), ranked, each
// with one sentence a user can act on and the figures behind it, with the
// instants they were seen at. Every rule is a small pure function of a
// RunScan (run_scan.h) and reads only figures (sizes, rates, ratios,
// troughs, correlations), never a process's name:
//
//  - state in messages: a process whose largest messages are a large part
//    of its own state (memory less mailbox and held specs; from a quarter
//    to twice it) at the time it sent them, in most of the intervals in
//    which it sent a large one and, when its state varies, tracking it
//    (Pearson r >= 0.5). The receiver is the
//    process most of those bytes went to. This is the closure that captured
//    its creator's state.
//  - memory growth / binary growth: state memory (or shared binary bytes)
//    whose lowest value in each eighth of the window keeps rising: memory
//    that does not come back, with the slope and a projection.
//  - mailbox backlog: a MsgQ whose troughs keep rising, with the arrival
//    and drain rates.
//  - stuck messages: message types whose oldest message ages as fast as time
//    passes while the process takes other messages (a selective receive
//    that never matches them).
//  - held specs: child-spec bytes a supervisor holds in most of its samples.
//  - send cost: a process that spends a large share of its time copying
//    messages, or moves many bytes.
//  - call timeouts: calls that timed out, grouped by callee, with what the
//    callee was doing then.
// A finding that accounts for others (the copy that makes its sender slow,
// the busy callee behind the timeouts) ranks above them and lists them in
// `explains`, so the proximate cause points at the root cause.
//
// Example:
//   absl::StatusOr<RunScan> scan = ScanRun(recording);
//   SuspectReport report = FindSuspects(*scan);
//   for (const Suspect& s : report.suspects) std::cout << s.explanation;
//
// All functions are pure; thread-safe.
#ifndef OVERSEER_PROBES_ANALYSIS_SUSPECTS_H_
#define OVERSEER_PROBES_ANALYSIS_SUSPECTS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "probes/analysis/run_scan.h"
#include "probes/model/recording.h"

namespace overseer {

enum class SuspectKind : uint8_t {
  kStateInMessages = 0,
  kMemoryGrowth,
  kBinaryGrowth,
  kMailboxBacklog,
  kStuckMessages,
  kHeldSpecs,
  kSendCost,
  kCallTimeouts,
};
inline constexpr size_t kSuspectKindCount = 8;

// "state_in_messages", "memory_growth", "binary_growth", "mailbox_backlog",
// "stuck_messages", "held_specs", "send_cost", "call_timeouts".
const char* ToString(SuspectKind kind);
// A few words for people: "state copied into messages", ...
const char* Describe(SuspectKind kind);

// One figure behind a finding.
struct Evidence {
  std::string what;  // e.g. "largest message, median"
  double value = 0;
  std::string unit;  // "bytes", "bytes/s", "messages", "messages/s", "ns",
                     // "ratio", "percent", "count", "samples"
  std::optional<int64_t> at_ns;  // the instant it was seen at, if one
  std::string text;  // the value for people, e.g. "27.1 MB"
};

struct Suspect {
  SuspectKind kind = SuspectKind::kMemoryGrowth;
  uint64_t pid = 0;
  std::string name;
  uint64_t other_pid = 0;  // the receiver, the callee's caller...; 0: none
  std::string other_name;  // as `name`: without the pid
  double score = 0;        // 0..100+, higher first
  std::string explanation; // one or two sentences, with numbers
  std::vector<Evidence> evidence;
  int64_t at_ns = 0;       // the instant to look at
  std::vector<size_t> explains;  // indices into SuspectReport::suspects
};

// Thresholds of the rules. The defaults keep a healthy node (pools of small
// workers, short mailboxes, small specs, calls that answer) without a
// finding.
struct SuspectRules {
  // State in messages.
  uint64_t copy_min_bytes = 256 * 1024;  // a message and a state at least this big
  double copy_min_ratio = 0.25;          // message / state
  double copy_max_ratio = 2.0;
  size_t copy_min_samples = 2;           // intervals with such a message
  double copy_min_share = 0.5;           // of the intervals with a large message
  double copy_min_correlation = 0.5;     // when the state varies (CV >= 0.2)
  // Growth (state and binaries).
  uint64_t growth_min_bytes = 1'000'000;  // the troughs rose at least this much
  double growth_min_rising = 0.75;        // share of segment pairs not falling
  double growth_keep_ratio = 0.75;        // the last value >= this x the max
  size_t growth_min_segments = 4;
  double growth_min_presence = 0.5;       // of the window the process lived
  // Mailbox backlog.
  uint64_t backlog_min_messages = 100;    // MsgQ at the end, and its rise
  // Stuck messages.
  double stuck_min_age_ratio = 0.97;      // oldest age growth / time elapsed
  int64_t stuck_min_span_ns = 2'000'000'000;
  uint64_t stuck_min_taken = 10;          // others taken meanwhile
  // Held specs.
  uint64_t held_min_bytes = 1'000'000;
  double held_min_presence = 0.5;         // of the supervisor's samples
  // Send cost.
  double send_min_share = 0.25;           // of the process's lifetime in the window
  int64_t send_min_ns = 100'000'000;
  double send_min_bytes_per_s = 50e6;     // ... or this many bytes out per second
  uint64_t send_min_bytes = 500'000'000;  // ... and at least this many in all
  // Call timeouts.
  size_t timeout_min_count = 1;
};

struct SuspectReport {
  std::vector<Suspect> suspects;  // ranked, highest score first
  int64_t first_ns = 0;           // the samples the findings cover
  int64_t last_ns = 0;
  size_t sample_count = 0;
  size_t process_count = 0;       // processes seen in the window
  // False when the capture has no message-size evidence (written before
  // largest_send_bytes existed): the state-in-messages rule could not run.
  bool has_send_sizes = false;
  absl::Status status;            // RunScan::status
};

// The findings of `scan`.
SuspectReport FindSuspects(const RunScan& scan, const SuspectRules& rules = {});

// Scans `recording` over `window` and finds its suspects. Errors: those of
// ScanRun.
absl::StatusOr<SuspectReport> FindSuspects(const Recording& recording,
                                           TimeWindow window = {},
                                           const SuspectRules& rules = {});

}  // namespace overseer

#endif  // OVERSEER_PROBES_ANALYSIS_SUSPECTS_H_
