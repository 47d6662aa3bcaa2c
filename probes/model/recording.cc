#include "probes/model/recording.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace overseer {

size_t Recording::IndexAt(int64_t time_ns) const {
  size_t lo = 0;
  size_t hi = sample_count();
  // Invariant: samples before lo are at or before time_ns.
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (sample_time_ns(mid) <= time_ns) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo == 0 ? 0 : lo - 1;
}

MemoryRecording::MemoryRecording(CaptureInfo info) : info_(std::move(info)) {}

void MemoryRecording::Append(Snapshot snapshot) {
  absl::MutexLock lock(&mu_);
  samples_.push_back(std::move(snapshot));
}

void MemoryRecording::AddEvent(Event event) {
  absl::MutexLock lock(&mu_);
  auto at = std::upper_bound(
      events_.begin(), events_.end(), event.time_ns,
      [](int64_t t, const Event& e) { return t < e.time_ns; });
  events_.insert(at, std::move(event));
}

void MemoryRecording::SetStatus(absl::Status status) {
  absl::MutexLock lock(&mu_);
  status_ = std::move(status);
}

CaptureInfo MemoryRecording::info() const {
  absl::MutexLock lock(&mu_);
  return info_;
}

size_t MemoryRecording::sample_count() const {
  absl::MutexLock lock(&mu_);
  return samples_.size();
}

int64_t MemoryRecording::sample_time_ns(size_t index) const {
  absl::MutexLock lock(&mu_);
  return index < samples_.size() ? samples_[index].time_ns : 0;
}

SystemSample MemoryRecording::system_at(size_t index) const {
  absl::MutexLock lock(&mu_);
  return index < samples_.size() ? samples_[index].system : SystemSample{};
}

absl::Status Recording::ForEachSample(
    size_t first, size_t last,
    absl::FunctionRef<bool(size_t, const Snapshot&)> visit) const {
  const size_t count = sample_count();
  if (count == 0) return absl::OkStatus();
  last = std::min(last, count - 1);
  for (size_t i = first; i <= last; ++i) {
    absl::StatusOr<Snapshot> s = SnapshotAt(i);
    if (!s.ok()) return s.status();
    if (!visit(i, *s)) break;
  }
  return absl::OkStatus();
}

absl::StatusOr<Snapshot> MemoryRecording::SnapshotAt(size_t index) const {
  absl::MutexLock lock(&mu_);
  if (index >= samples_.size()) {
    return absl::OutOfRangeError(absl::StrCat("sample ", index, " of ",
                                              samples_.size()));
  }
  return samples_[index];
}

std::vector<Event> MemoryRecording::EventsBetween(int64_t from_ns,
                                                  int64_t to_ns) const {
  absl::MutexLock lock(&mu_);
  auto first = std::lower_bound(
      events_.begin(), events_.end(), from_ns,
      [](const Event& e, int64_t t) { return e.time_ns < t; });
  std::vector<Event> out;
  for (auto it = first; it != events_.end() && it->time_ns < to_ns; ++it) {
    out.push_back(*it);
  }
  return out;
}

absl::Status MemoryRecording::status() const {
  absl::MutexLock lock(&mu_);
  return status_;
}

}  // namespace overseer
