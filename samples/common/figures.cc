#include "samples/common/figures.h"

#include <cmath>

#include "absl/strings/str_format.h"

namespace overseer {

NodeReading NodeReading::Take(const Runtime& runtime, bool take_peaks) {
  NodeReading r;
  runtime.ForEachProcess(
      [&](const ProcessInfo& info) {
        r.by_pid_[info.pid] = r.processes_.size();
        r.processes_.push_back(info);
      },
      take_peaks);
  return r;
}

const ProcessInfo* NodeReading::Named(std::string_view name) const {
  for (const ProcessInfo& p : processes_) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

const ProcessInfo* NodeReading::Find(uint64_t pid) const {
  auto it = by_pid_.find(pid);
  return it == by_pid_.end() ? nullptr : &processes_[it->second];
}

Subtree NodeReading::SubtreeOf(uint64_t root) const {
  Subtree out;
  for (const ProcessInfo& p : processes_) {
    bool below =
        std::find(p.ancestors.begin(), p.ancestors.end(), root) != p.ancestors.end();
    if (p.pid != root && !below) continue;
    ++out.processes;
    out.memory += p.memory.value;
    out.memory_peaks += p.memory.peak;
    out.binary_bytes += p.binary_bytes.value;
    if (below) {
      out.largest_descendant_peak = std::max(out.largest_descendant_peak, p.memory.peak);
    }
  }
  return out;
}

std::string HumanBytes(int64_t bytes) {
  double b = static_cast<double>(bytes);
  double a = std::fabs(b);
  if (a < 1000) return absl::StrFormat("%d B", bytes);
  if (a < 1e6) return absl::StrFormat("%.1f KB", b / 1e3);
  if (a < 1e9) return absl::StrFormat("%.1f MB", b / 1e6);
  return absl::StrFormat("%.2f GB", b / 1e9);
}

std::string HumanCount(int64_t n) {
  double v = static_cast<double>(n);
  if (std::fabs(v) < 10'000) return absl::StrFormat("%d", n);
  if (std::fabs(v) < 1e6) return absl::StrFormat("%.1fk", v / 1e3);
  return absl::StrFormat("%.2fM", v / 1e6);
}

std::string HumanDuration(absl::Duration d) {
  double s = absl::ToDoubleSeconds(d);
  if (s < 1) return absl::StrFormat("%.0f ms", s * 1e3);
  return absl::StrFormat("%.2f s", s);
}

}  // namespace overseer
