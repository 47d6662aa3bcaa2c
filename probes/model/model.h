// The data model every probe, tool and view shares: plain value types for one
// reading of a run (a Snapshot), the events between readings, and the run's
// description. The sampler produces these from a live runtime, the capture
// writer encodes them, the decoder gives them back, and the analysis layer,
// the report tool and the GUI read nothing else.
//
// Units: memory in bytes, times in nanoseconds since the start of the run
// (monotonic clock) unless a field says otherwise. A pid of the runtime is the
// middle number of `<0.N.0>`; a pid read from a BEAM node, `<0.N.S>`, is
// (S + 1) * 2^32 + N (see BeamPidKey), so that `<0.0.0>` is not 0, which
// means "no process". FormatPid prints both as the node would.
//
// Example:
//   Snapshot s = ...;
//   for (const ProcessSample& p : s.processes)
//     if (p.memory.peak > 1 << 20) ...
#ifndef OVERSEER_PROBES_MODEL_MODEL_H_
#define OVERSEER_PROBES_MODEL_MODEL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/process_kind.h"

namespace overseer {

// A figure read at one instant: its value then, and the highest value it
// reached since the previous reading (so a spike between samples is seen).
struct Gauge {
  uint64_t value = 0;
  uint64_t peak = 0;
  friend bool operator==(const Gauge&, const Gauge&) = default;
};

// ProcessStatus and ProcessKind come from the runtime's own header.

// One process at one instant.
struct ProcessSample {
  uint64_t pid = 0;
  uint64_t parent = 0;            // the process that spawned it; 0: none
  std::string name;               // registered name, empty when none
  std::string initial_call;       // e.g. "Indexer.BufferedTask:init/1"
  std::string current_function;   // the handler or message being handled
  ProcessKind kind = ProcessKind::kWorker;
  ProcessStatus status = ProcessStatus::kWaiting;

  // Memory = control block + own account (state, mailbox) + held specs.
  Gauge memory;
  Gauge mailbox_len;     // messages waiting (MsgQ)
  Gauge mailbox_bytes;   // bytes of the messages waiting (part of memory)
  Gauge held_spec_bytes; // child-spec bytes this supervisor holds (part of memory)
  Gauge binary_bytes;    // shared binaries this process references (not in memory)

  uint64_t reductions = 0;  // cumulative units of work
  uint64_t messages_in = 0;
  uint64_t messages_out = 0;
  uint64_t bytes_in = 0;    // bytes copied into this process by sends
  uint64_t bytes_out = 0;   // bytes this process's sends copied
  uint64_t send_ns = 0;     // cumulative time spent sending (copying)
  // The largest single message this process sent since the previous sample
  // (0: it sent none) and the process it went to: the evidence that ties a
  // message's size to its sender's state.
  uint64_t largest_send_bytes = 0;
  uint64_t largest_send_to = 0;

  std::vector<uint64_t> links;
  std::vector<uint64_t> monitors;  // processes this one monitors

  // The BEAM's total_heap_size (young and old heap, with the messages kept
  // on it), part of memory; 0: the source does not know it.
  uint64_t heap_bytes = 0;

  friend bool operator==(const ProcessSample&, const ProcessSample&) = default;
};

// What a process's mailbox holds, by message type.
struct MessageTypeSummary {
  std::string type;
  uint64_t count = 0;
  uint64_t bytes = 0;
  // How long the oldest message of this type had waited (0: not known). One
  // that grows as fast as time passes, while others are taken, never is.
  uint64_t oldest_age_ns = 0;
  friend bool operator==(const MessageTypeSummary&,
                         const MessageTypeSummary&) = default;
};

// One of the first messages of a mailbox, rendered.
struct MessagePreview {
  std::string type;
  uint64_t bytes = 0;
  std::string text;  // bounded rendering, e.g. "StartTask{closure, 5.2 MB}"
  friend bool operator==(const MessagePreview&, const MessagePreview&) = default;
};

// One child spec a supervisor holds.
struct HeldSpec {
  std::string child_id;
  uint64_t child_pid = 0;     // 0 when the child is not running
  uint64_t bytes = 0;         // bytes the spec owns (what its start captured)
  std::string start_kind;     // "closure" or "function"
  std::string restart;        // "permanent", "transient" or "temporary"
  std::string captured;       // what the start captured, e.g. type names
  friend bool operator==(const HeldSpec&, const HeldSpec&) = default;
};

// A closer look at one process, taken at some samples only (for processes
// with a mailbox or held specs worth showing).
struct ProcessDetail {
  uint64_t pid = 0;
  uint64_t state_bytes = 0;  // bytes of the behaviour's state
  std::vector<MessageTypeSummary> mailbox_types;
  std::vector<MessagePreview> first_messages;  // at most a few
  std::vector<HeldSpec> held_specs;
  friend bool operator==(const ProcessDetail&, const ProcessDetail&) = default;
};

// Cumulative time in one timed zone, for one process.
struct ZoneStat {
  uint64_t pid = 0;
  std::string zone;     // e.g. "send/copy", "handle_call", "spawn"
  uint64_t calls = 0;
  uint64_t total_ns = 0;
  friend bool operator==(const ZoneStat&, const ZoneStat&) = default;
};

// One category of a node's own memory breakdown, named as the node names it
// (a BEAM node: "total", "processes", "binary", "ets", "atom", "code",
// "system", ... from erlang:memory/0).
struct MemoryCategory {
  std::string name;
  uint64_t bytes = 0;
  friend bool operator==(const MemoryCategory&, const MemoryCategory&) = default;
};

// Node-wide figures at one instant.
struct SystemSample {
  uint64_t process_count = 0;
  uint64_t process_memory = 0;   // sum of own accounts (state, excluding mailboxes)
  uint64_t mailbox_bytes = 0;    // sum of mailbox bytes
  uint64_t held_spec_bytes = 0;  // sum of held child specs
  uint64_t binary_bytes = 0;     // live shared binaries (each counted once)
  uint64_t total_mailbox_len = 0;
  uint64_t messages_sent = 0;    // cumulative, for a message rate
  std::vector<double> scheduler_utilization;  // 0..1 per scheduler since last sample
  uint64_t dropped_samples = 0;  // cumulative samples a slow consumer lost
  // The node's own memory breakdown; empty when the source has none.
  std::vector<MemoryCategory> memory_categories;
  // Processes ready to run, waiting for a scheduler; absent when not known.
  std::optional<uint64_t> run_queue;
  friend bool operator==(const SystemSample&, const SystemSample&) = default;
};

// One reading of every process at one instant.
struct Snapshot {
  int64_t time_ns = 0;
  SystemSample system;
  std::vector<ProcessSample> processes;  // sorted by pid
  std::vector<ProcessDetail> details;    // sorted by pid, subset of processes
  std::vector<ZoneStat> zones;           // cumulative, sorted by (pid, zone)
  friend bool operator==(const Snapshot&, const Snapshot&) = default;
};

enum class EventKind : uint8_t {
  kSpawn = 0,
  kExit = 1,
  kRestart = 2,
  kCallTimeout = 3,
  kIntensityExceeded = 4,
  kLog = 5,
  kDropped = 6  // samples lost to a slow consumer
};

// Something that happened at one instant.
struct Event {
  int64_t time_ns = 0;
  EventKind kind = EventKind::kLog;
  uint64_t pid = 0;        // who: the spawned/exited/calling process
  uint64_t other_pid = 0;  // the parent, the supervisor, the callee
  std::string text;        // exit reason, request, log line
  friend bool operator==(const Event&, const Event&) = default;
};

// Figures a source may be unable to give. A capture lists the ones its
// source could not (CaptureInfo::absent); those read 0 in the samples and
// are shown as "n/a", never as a measured 0.
enum class Figure : uint32_t {
  kMailboxBytes = 1u << 0,     // ProcessSample and SystemSample mailbox_bytes
  kHeldSpecBytes = 1u << 1,    // held_spec_bytes, both
  kBinaryBytes = 1u << 2,      // ProcessSample::binary_bytes
  kMessageCounts = 1u << 3,    // messages_in, messages_out
  kByteCounts = 1u << 4,       // bytes_in, bytes_out
  kSendTime = 1u << 5,         // send_ns
  kLargestSend = 1u << 6,      // largest_send_bytes, largest_send_to
  kPeaks = 1u << 7,            // every Gauge's peak is only its value then
  kMessagesSent = 1u << 8,     // SystemSample::messages_sent
  kSchedulerUse = 1u << 9,     // SystemSample::scheduler_utilization
  kProcessOverhead = 1u << 10, // CaptureInfo::process_overhead_bytes
  kDetails = 1u << 11,         // Snapshot::details (mailbox contents, specs)
  kZones = 1u << 12,           // Snapshot::zones (the time profile)
  kCallTimeouts = 1u << 13,    // kCallTimeout events (calls are not seen)
};

// What a run is: written once at its start.
struct CaptureInfo {
  std::string program;        // e.g. "overseer-demo buffered-task --mode closure"
  std::string source;         // "file", "attach", "in-process", "beam"
  int64_t start_unix_ns = 0;  // wall clock at time_ns == 0
  int64_t interval_ns = 1'000'000'000;
  uint32_t schedulers = 0;
  uint64_t process_overhead_bytes = 0;  // runtime overhead per process
  uint32_t absent = 0;  // Figure bits the source could not give; 0: none
  std::string node;     // the node recorded, e.g. "shop@web1"; empty: this program
  std::string runtime;  // e.g. "Erlang/OTP 25 [erts-13.1.5]"; empty: ours

  // Whether the source gave `figure` (old captures gave every one).
  bool Has(Figure figure) const {
    return (absent & static_cast<uint32_t>(figure)) == 0;
  }
  friend bool operator==(const CaptureInfo&, const CaptureInfo&) = default;
};

const char* ToString(ProcessStatus status);
const char* ToString(ProcessKind kind);
const char* ToString(EventKind kind);
// A figure's name in machine output, e.g. "held_spec_bytes".
const char* ToString(Figure figure);

// The figures a capture's source could not give, in bit order.
std::vector<Figure> AbsentFigures(const CaptureInfo& info);

// Formats bytes for people: "512 B", "12.4 KB", "31.0 MB" (powers of 1000,
// as Observer shows them).
std::string FormatBytes(uint64_t bytes);

// Formats a pid as Erlang does: "<0.42.0>", "<0.42.3>" for a BEAM pid.
std::string FormatPid(uint64_t pid);

// The model's pid of the BEAM's local pid `<0.number.serial>`.
constexpr uint64_t BeamPidKey(uint32_t number, uint32_t serial) {
  return ((static_cast<uint64_t>(serial) + 1) << 32) | number;
}

}  // namespace overseer

#endif  // OVERSEER_PROBES_MODEL_MODEL_H_
