// ProcessInfo: every figure the runtime knows about one process at one
// instant, as process_info/1 gives on the BEAM. Gauges carry their peak
// since the sampler last read them.
#ifndef OVERSEER_CORE_PROCESS_INFO_H_
#define OVERSEER_CORE_PROCESS_INFO_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/process_kind.h"

namespace overseer {

struct GaugeReading {
  int64_t value = 0;
  int64_t peak = 0;
};

struct ProcessInfo {
  uint64_t pid = 0;
  uint64_t parent = 0;
  std::vector<uint64_t> ancestors;  // parent first, up to the root
  std::string name;                 // registered name, empty when none
  std::string initial_call;         // "Behaviour:init"
  std::string current_function;     // "handle_call(Buffer)", "waiting", ...
  ProcessKind kind = ProcessKind::kWorker;
  ProcessStatus status = ProcessStatus::kWaiting;
  bool trap_exit = false;

  // memory = control block + own account (state, mailbox, held specs).
  GaugeReading memory;
  GaugeReading mailbox_len;
  GaugeReading mailbox_bytes;
  GaugeReading held_spec_bytes;
  GaugeReading binary_bytes;

  uint64_t reductions = 0;
  uint64_t messages_in = 0;
  uint64_t messages_out = 0;
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
  uint64_t send_ns = 0;
  // The largest single message sent since the peaks were last taken (0:
  // none), and the pid number it went to.
  uint64_t largest_send_bytes = 0;
  uint64_t largest_send_to = 0;

  std::vector<uint64_t> links;
  std::vector<uint64_t> monitors;  // processes this one monitors

  // Timed zones (only while profiling is on): exclusive time per zone.
  struct Zone {
    const char* name = nullptr;  // static lifetime
    uint64_t calls = 0;
    int64_t total_ns = 0;
  };
  std::vector<Zone> zones;
};

// What a process holds, described by the process itself on request.
struct HeldSpecInfo {
  std::string child_id;
  uint64_t child_pid = 0;
  int64_t bytes = 0;
  std::string start_kind;  // "closure" or "function"
  std::string restart;     // "permanent", "transient", "temporary"
  std::string captured;    // the type of what the start captured
};

struct QueuedMessageInfo {
  std::string type;
  int64_t bytes = 0;
  std::string text;
};

struct ProcessInspection {
  uint64_t pid = 0;
  int64_t state_bytes = 0;  // own account minus mailbox and held specs
  int64_t mailbox_len = 0;
  std::vector<QueuedMessageInfo> first_messages;  // at most `preview` of them
  struct TypeCount {
    std::string type;
    int64_t count = 0;
    int64_t bytes = 0;
    int64_t oldest_age_ns = 0;  // how long its oldest queued message has waited
  };
  std::vector<TypeCount> by_type;  // every queued message, grouped
  std::vector<HeldSpecInfo> held_specs;
};

}  // namespace overseer

#endif  // OVERSEER_CORE_PROCESS_INFO_H_
