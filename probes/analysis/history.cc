#include "probes/analysis/history.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "probes/analysis/summary.h"

namespace overseer {
namespace {

const ProcessSample* FindProcess(const Snapshot& snapshot, uint64_t pid) {
  const std::vector<ProcessSample>& ps = snapshot.processes;
  auto it =
      std::lower_bound(ps.begin(), ps.end(), pid,
                       [](const ProcessSample& p, uint64_t v) { return p.pid < v; });
  if (it != ps.end() && it->pid == pid) return &*it;
  // A snapshot out of pid order (damaged data) still gets an answer.
  for (const ProcessSample& p : ps) {
    if (p.pid == pid) return &p;
  }
  return nullptr;
}

}  // namespace

std::vector<size_t> EvenSampleIndices(size_t count, size_t max_points) {
  std::vector<size_t> indices;
  if (count == 0 || max_points == 0) return indices;
  if (count <= max_points) {
    indices.resize(count);
    std::iota(indices.begin(), indices.end(), size_t{0});
    return indices;
  }
  if (max_points == 1) return {count - 1};
  indices.reserve(max_points);
  for (size_t k = 0; k < max_points; ++k) {
    // Rounded to the nearest sample; the ends land exactly on 0 and count-1.
    double at = static_cast<double>(k) * static_cast<double>(count - 1) /
                static_cast<double>(max_points - 1);
    indices.push_back(std::min(count - 1, static_cast<size_t>(std::llround(at))));
  }
  return indices;
}

absl::StatusOr<ProcessHistory> ProcessHistoryOf(const Recording& recording, uint64_t pid,
                                                size_t max_points, size_t first,
                                                size_t last) {
  ProcessHistory history;
  history.pid = pid;
  size_t count = recording.sample_count();
  if (count == 0) return history;
  last = std::min(last, count - 1);
  if (first > last) {
    return absl::InvalidArgumentError(
        absl::StrCat("first sample ", first, " is after the last ", last));
  }
  for (size_t k : EvenSampleIndices(last - first + 1, max_points)) {
    absl::StatusOr<Snapshot> snapshot = recording.SnapshotAt(first + k);
    if (!snapshot.ok()) return snapshot.status();
    const ProcessSample* p = FindProcess(*snapshot, pid);
    if (p == nullptr) continue;
    history.points.push_back(ProcessPoint{
        .time_ns = snapshot->time_ns,
        .memory = p->memory.value,
        .memory_peak = std::max(p->memory.peak, p->memory.value),
        .msgq = p->mailbox_len.value,
        .msgq_peak = std::max(p->mailbox_len.peak, p->mailbox_len.value),
        .mailbox_bytes = p->mailbox_bytes.value,
        .held_spec_bytes = p->held_spec_bytes.value,
        .reductions = p->reductions,
    });
  }
  return history;
}

std::vector<SystemPoint> SystemHistoryOf(const Recording& recording, size_t max_points) {
  std::vector<SystemPoint> points;
  size_t count = recording.sample_count();
  for (size_t i : EvenSampleIndices(count, max_points)) {
    SystemSample system = recording.system_at(i);
    SystemPoint point;
    point.time_ns = recording.sample_time_ns(i);
    point.total_memory = MemoryByCategoryOf(system).total;
    point.mailbox_bytes = system.mailbox_bytes;
    point.total_msgq = system.total_mailbox_len;
    point.process_count = system.process_count;
    if (i > 0) {
      // The rate over the interval just before this sample, not since the
      // previous point, so thinning a chart does not smooth a burst away.
      SystemSample before = recording.system_at(i - 1);
      int64_t span = point.time_ns - recording.sample_time_ns(i - 1);
      if (span > 0 && system.messages_sent >= before.messages_sent) {
        point.messages_per_s =
            static_cast<double>(system.messages_sent - before.messages_sent) /
            (static_cast<double>(span) / 1e9);
      }
    }
    const std::vector<double>& use = system.scheduler_utilization;
    if (!use.empty()) {
      point.scheduler_utilization =
          std::accumulate(use.begin(), use.end(), 0.0) / static_cast<double>(use.size());
    }
    points.push_back(point);
  }
  return points;
}

}  // namespace overseer
