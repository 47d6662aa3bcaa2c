#include "probes/analysis/process_table.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "probes/analysis/outliers.h"

namespace overseer {
namespace {

constexpr uint32_t kNotFound = 0xFFFFFFFFu;

// For each row, the index of the same pid in `base`, or kNotFound. A merge
// walk over compact pid arrays when both sides are in pid order (as the
// model promises); a hash lookup when a damaged input is not.
std::vector<uint32_t> MatchBase(const std::vector<ProcessRow>& rows,
                                const std::vector<ProcessSample>& base) {
  std::vector<uint64_t> base_pids(base.size());
  for (size_t j = 0; j < base.size(); ++j) base_pids[j] = base[j].pid;
  std::vector<uint32_t> match(rows.size(), kNotFound);
  bool rows_sorted = std::is_sorted(
      rows.begin(), rows.end(),
      [](const ProcessRow& a, const ProcessRow& b) { return a.pid < b.pid; });
  if (rows_sorted && std::is_sorted(base_pids.begin(), base_pids.end())) {
    size_t j = 0;
    for (size_t i = 0; i < rows.size(); ++i) {
      while (j < base_pids.size() && base_pids[j] < rows[i].pid) ++j;
      if (j < base_pids.size() && base_pids[j] == rows[i].pid) {
        match[i] = static_cast<uint32_t>(j);
      }
    }
    return match;
  }
  absl::flat_hash_map<uint64_t, uint32_t> by_pid;
  by_pid.reserve(base.size());
  for (size_t j = 0; j < base_pids.size(); ++j) {
    by_pid.try_emplace(base_pids[j], static_cast<uint32_t>(j));
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    auto it = by_pid.find(rows[i].pid);
    if (it != by_pid.end()) match[i] = it->second;
  }
  return match;
}

ProcessRow MakeRow(const ProcessSample& p) {
  ProcessRow row;
  row.pid = p.pid;
  row.parent = p.parent;
  row.registered = !p.name.empty();
  row.name = DisplayName(p);
  row.current_function = p.current_function;
  row.kind = p.kind;
  row.status = p.status;
  row.reductions = p.reductions;
  row.reductions_delta = p.reductions;
  row.memory = p.memory.value;
  row.memory_peak = std::max(p.memory.peak, p.memory.value);
  row.msgq = p.mailbox_len.value;
  row.msgq_peak = std::max(p.mailbox_len.peak, p.mailbox_len.value);
  row.mailbox_bytes = p.mailbox_bytes.value;
  row.held_spec_bytes = p.held_spec_bytes.value;
  row.binary_bytes = p.binary_bytes.value;
  return row;
}

void ApplyRate(const ProcessSample& then, double span_s, ProcessRow& row) {
  // A counter that went backwards was reset (a damaged or reused pid): the
  // delta is what was counted since, which is the current value.
  row.reductions_delta = row.reductions >= then.reductions
                             ? row.reductions - then.reductions
                             : row.reductions;
  row.reductions_per_s = static_cast<double>(row.reductions_delta) / span_s;
  double grown = static_cast<double>(row.memory) - static_cast<double>(then.memory.value);
  row.memory_growth_per_s = grown / span_s;
  row.has_rate = true;
}

}  // namespace

std::string DisplayName(const ProcessSample& process) {
  if (!process.name.empty()) return process.name;
  if (!process.initial_call.empty()) return process.initial_call;
  return FormatPid(process.pid);
}

ProcessTable BuildProcessTable(const Snapshot& now, const Snapshot* base,
                               const OutlierRules& rules) {
  ProcessTable table;
  table.time_ns = now.time_ns;
  table.base_time_ns = now.time_ns;
  table.rows.reserve(now.processes.size());
  for (const ProcessSample& p : now.processes) table.rows.push_back(MakeRow(p));

  if (base != nullptr && base->time_ns < now.time_ns) {
    table.has_base = true;
    table.base_time_ns = base->time_ns;
    double span_s = static_cast<double>(now.time_ns - base->time_ns) / 1e9;
    std::vector<uint32_t> match = MatchBase(table.rows, base->processes);
    for (size_t i = 0; i < match.size(); ++i) {
      if (match[i] != kNotFound) {
        ApplyRate(base->processes[match[i]], span_s, table.rows[i]);
      }
    }
  }
  table.medians = ComputeMedians(table.rows);
  table.outlier_count = FlagOutliers(table, rules);
  return table;
}

size_t BaseIndexFor(const Recording& recording, size_t index, int64_t rate_span_ns) {
  if (index == 0 || index >= recording.sample_count()) return index;
  if (rate_span_ns <= 0) return index - 1;
  int64_t now = recording.sample_time_ns(index);
  // IndexAt gives the last sample at or before the target; when the run is
  // younger than the span that is sample 0, the oldest base there is.
  int64_t target = now >= INT64_MIN + rate_span_ns ? now - rate_span_ns : INT64_MIN;
  size_t base = recording.IndexAt(target);
  return std::min(base, index - 1);
}

absl::StatusOr<ProcessTable> ProcessTableAt(const Recording& recording, size_t index,
                                            const TableOptions& options) {
  absl::StatusOr<Snapshot> now = recording.SnapshotAt(index);
  if (!now.ok()) return now.status();
  size_t base_index = BaseIndexFor(recording, index, options.rate_span_ns);
  if (base_index == index) return BuildProcessTable(*now, nullptr, options.rules);
  absl::StatusOr<Snapshot> base = recording.SnapshotAt(base_index);
  return BuildProcessTable(*now, base.ok() ? &*base : nullptr, options.rules);
}

}  // namespace overseer
