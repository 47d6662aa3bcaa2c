#include "probes/analysis/run_peaks.h"

#include <algorithm>
#include <utility>

namespace overseer {
namespace {

void SetPeaks(const ProcessTrack& t, ProcessRow& r) {
  r.has_run_peaks = true;
  r.run_peak_memory = t.memory.value;
  r.run_peak_memory_ns = t.memory.time_ns;
  r.run_peak_msgq = t.msgq.value;
  r.run_peak_msgq_ns = t.msgq.time_ns;
  r.run_peak_mailbox_bytes = t.mailbox_bytes.value;
  r.run_peak_mailbox_bytes_ns = t.mailbox_bytes.time_ns;
}

}  // namespace

void ApplyRunPeaks(const RunScan& scan, ProcessTable& table) {
  auto t = scan.processes.begin();
  for (ProcessRow& r : table.rows) {
    while (t != scan.processes.end() && t->pid < r.pid) ++t;
    if (t != scan.processes.end() && t->pid == r.pid) {
      SetPeaks(*t, r);
      // The instant's own peak counts only when the instant lies in the
      // scan's window (it may lie before or past it).
      if (r.memory_peak > r.run_peak_memory && table.time_ns >= scan.first_ns &&
          table.time_ns <= scan.last_ns) {
        r.run_peak_memory = r.memory_peak;
        r.run_peak_memory_ns = table.time_ns;
      }
      continue;
    }
    r.has_run_peaks = true;
    r.run_peak_memory = r.memory_peak;
    r.run_peak_memory_ns = table.time_ns;
    r.run_peak_msgq = r.msgq_peak;
    r.run_peak_msgq_ns = table.time_ns;
    r.run_peak_mailbox_bytes = r.mailbox_bytes;
    r.run_peak_mailbox_bytes_ns = table.time_ns;
  }
}

size_t AppendEndedRows(const RunScan& scan, ProcessTable& table) {
  std::vector<ProcessRow> ended;
  auto r = table.rows.begin();
  for (const ProcessTrack& t : scan.processes) {
    while (r != table.rows.end() && r->pid < t.pid) ++r;
    if (r != table.rows.end() && r->pid == t.pid) continue;
    if (t.first_ns > table.time_ns) continue;  // started after the instant: not ended
    ProcessRow row;
    row.pid = t.pid;
    row.parent = t.parent;
    row.name = t.name;
    row.registered = t.registered;
    row.current_function = t.current_function;
    row.kind = t.kind;
    row.status = ProcessStatus::kExiting;
    row.ended = true;
    row.reductions = t.last.reductions;
    row.memory = t.last_memory;
    row.msgq = t.last.mailbox_len;
    SetPeaks(t, row);
    ended.push_back(std::move(row));
  }
  if (ended.empty()) return 0;
  const size_t added = ended.size();
  std::vector<ProcessRow> merged;
  merged.reserve(table.rows.size() + added);
  std::merge(std::make_move_iterator(table.rows.begin()),
             std::make_move_iterator(table.rows.end()), std::make_move_iterator(ended.begin()),
             std::make_move_iterator(ended.end()), std::back_inserter(merged),
             [](const ProcessRow& a, const ProcessRow& b) { return a.pid < b.pid; });
  table.rows = std::move(merged);
  return added;
}

}  // namespace overseer
