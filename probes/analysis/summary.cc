#include "probes/analysis/summary.h"

#include <algorithm>
#include <limits>
#include <vector>

namespace overseer {
namespace {

void CountEvents(const std::vector<Event>& events, RunSummary& run) {
  for (const Event& e : events) {
    auto kind = static_cast<size_t>(e.kind);
    if (kind < run.event_counts.size()) ++run.event_counts[kind];
  }
}

}  // namespace

const char* MemoryByCategory::CategoryName(size_t category) {
  static constexpr const char* kNames[kCategoryCount] = {"process accounts", "mailboxes",
                                                         "held child specs", "binaries"};
  return category < kCategoryCount ? kNames[category] : "unknown";
}

MemoryByCategory MemoryByCategoryOf(const SystemSample& system) {
  MemoryByCategory m;
  m.process_accounts = system.process_memory;
  m.mailboxes = system.mailbox_bytes;
  m.held_specs = system.held_spec_bytes;
  m.binaries = system.binary_bytes;
  m.total = m.process_accounts + m.mailboxes + m.held_specs + m.binaries;
  return m;
}

RunSummary SummarizeRun(const Recording& recording) {
  RunSummary run;
  run.status = recording.status();
  run.sample_count = recording.sample_count();
  if (run.sample_count == 0) return run;
  run.first_time_ns = recording.sample_time_ns(0);
  run.last_time_ns = recording.sample_time_ns(run.sample_count - 1);
  run.duration_ns = run.last_time_ns - run.first_time_ns;
  run.min_processes = std::numeric_limits<uint64_t>::max();
  // Events are counted a sample interval at a time, so a run with millions
  // of spawns never has them all in memory at once.
  int64_t events_from = std::numeric_limits<int64_t>::min();
  for (size_t i = 0; i < run.sample_count; ++i) {
    SystemSample system = recording.system_at(i);
    int64_t time_ns = recording.sample_time_ns(i);
    CountEvents(recording.EventsBetween(events_from, time_ns), run);
    events_from = time_ns;
    run.min_processes = std::min(run.min_processes, system.process_count);
    run.max_processes = std::max(run.max_processes, system.process_count);
    uint64_t total = MemoryByCategoryOf(system).total;
    if (total > run.peak_total_memory) {
      run.peak_total_memory = total;
      run.peak_memory_time_ns = time_ns;
    }
    if (system.total_mailbox_len > run.peak_total_msgq) {
      run.peak_total_msgq = system.total_mailbox_len;
      run.peak_msgq_time_ns = time_ns;
    }
    run.dropped_samples = system.dropped_samples;
  }
  CountEvents(recording.EventsBetween(events_from, std::numeric_limits<int64_t>::max()),
              run);
  return run;
}

}  // namespace overseer
