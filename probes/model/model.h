// The data model every probe, tool and view shares: plain value types for one
// reading of a run (a Snapshot), the events between readings, and the run's
// description. The sampler produces these from a live runtime, the capture
// writer encodes them, the decoder gives them back, and the analysis layer,
// the report tool and the GUI read nothing else.
//
// Units: memory in bytes, times in nanoseconds since the start of the run
// (monotonic clock) unless a field says otherwise. A pid is the middle number
// of `<0.N.0>`; 0 means "no process".
//
// Example:
//   Snapshot s = ...;
//   for (const ProcessSample& p : s.processes)
//     if (p.memory.peak > 1 << 20) ...
#ifndef OVERSEER_PROBES_MODEL_MODEL_H_
#define OVERSEER_PROBES_MODEL_MODEL_H_

#include <cstdint>
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

// What a run is: written once at its start.
struct CaptureInfo {
  std::string program;        // e.g. "overseer-demo buffered-task --mode closure"
  std::string source;         // "file", "attach", "in-process"
  int64_t start_unix_ns = 0;  // wall clock at time_ns == 0
  int64_t interval_ns = 1'000'000'000;
  uint32_t schedulers = 0;
  uint64_t process_overhead_bytes = 0;  // runtime overhead per process
  friend bool operator==(const CaptureInfo&, const CaptureInfo&) = default;
};

const char* ToString(ProcessStatus status);
const char* ToString(ProcessKind kind);
const char* ToString(EventKind kind);

// Formats bytes for people: "512 B", "12.4 KB", "31.0 MB" (powers of 1000,
// as Observer shows them).
std::string FormatBytes(uint64_t bytes);

// Formats a pid as Erlang does: "<0.42.0>".
std::string FormatPid(uint64_t pid);

}  // namespace overseer

#endif  // OVERSEER_PROBES_MODEL_MODEL_H_
