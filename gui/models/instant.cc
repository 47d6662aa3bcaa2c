#include "gui/models/instant.h"

#include <algorithm>
#include <utility>

namespace overseer {

absl::StatusOr<Instant> ComputeInstant(const Recording& recording, size_t index,
                                       const TableOptions& options) {
  absl::StatusOr<Snapshot> now = recording.SnapshotAt(index);
  if (!now.ok()) return now.status();
  auto snapshot = std::make_shared<const Snapshot>(*std::move(now));

  // The base is read here rather than through ProcessTableAt so the shown
  // snapshot is decoded once and kept for the process windows.
  const Snapshot* base_ptr = nullptr;
  absl::StatusOr<Snapshot> base = absl::NotFoundError("no base");
  size_t base_index = BaseIndexFor(recording, index, options.rate_span_ns);
  if (base_index != index) {
    base = recording.SnapshotAt(base_index);
    if (base.ok()) base_ptr = &*base;  // a damaged base only drops the rates
  }

  Instant out;
  out.index = index;
  out.time_ns = snapshot->time_ns;
  out.system = snapshot->system;
  out.memory = MemoryByCategoryOf(snapshot->system);
  out.table = std::make_shared<const ProcessTable>(
      BuildProcessTable(*snapshot, base_ptr, options.rules));
  out.tree =
      std::make_shared<const SupervisionTree>(BuildSupervisionTree(*snapshot));
  out.profile = std::make_shared<const Profile>(BuildProfile(snapshot->zones));
  out.snapshot = std::move(snapshot);
  return out;
}

namespace {

template <typename T>
const T* FindByPid(const std::vector<T>& items, uint64_t pid) {
  auto it = std::lower_bound(
      items.begin(), items.end(), pid,
      [](const T& item, uint64_t p) { return item.pid < p; });
  if (it != items.end() && it->pid == pid) return &*it;
  // Damaged data may break the pid order; a linear look is still correct.
  auto any = std::find_if(items.begin(), items.end(),
                          [pid](const T& item) { return item.pid == pid; });
  return any == items.end() ? nullptr : &*any;
}

}  // namespace

const ProcessDetail* FindDetail(const Snapshot& snapshot, uint64_t pid) {
  return FindByPid(snapshot.details, pid);
}

const ProcessSample* FindProcess(const Snapshot& snapshot, uint64_t pid) {
  return FindByPid(snapshot.processes, pid);
}

}  // namespace overseer
