// Figures for a workload's per-second line: one reading of every process
// (Runtime::ForEachProcess, peaks included), looked up by registered name
// and rolled up per subtree, plus the running maxima a summary reports and
// the formatting of bytes and counts for people.
//
// Example:
//   NodeReading now = NodeReading::Take(rt, /*take_peaks=*/true);
//   if (const ProcessInfo* sup = now.Named("Indexer.InternalTransaction.TaskSupervisor"))
//   {
//     Subtree tree = now.SubtreeOf(sup->pid);
//     max_memory.Observe(tree.memory);
//   }
#ifndef OVERSEER_SAMPLES_COMMON_FIGURES_H_
#define OVERSEER_SAMPLES_COMMON_FIGURES_H_

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "core/process_info.h"
#include "core/runtime.h"

namespace overseer {

// A process and everything under it (its descendants), summed.
struct Subtree {
  int processes = 0;         // the root included
  int64_t memory = 0;        // sum of current memory
  int64_t memory_peaks = 0;  // sum of each one's peak (an upper bound)
  int64_t binary_bytes = 0;
  int64_t largest_descendant_peak = 0;  // the biggest peak below the root
};

class NodeReading {
 public:
  // Reads every live process now (outside the runtime or inside: any
  // thread). See Workload::Tick for `take_peaks`.
  static NodeReading Take(const Runtime& runtime, bool take_peaks);

  // The process registered as `name`, or null.
  const ProcessInfo* Named(std::string_view name) const;
  const ProcessInfo* Find(uint64_t pid) const;
  // `root` and all its descendants (by ancestry), or an empty Subtree.
  Subtree SubtreeOf(uint64_t root) const;
  const std::vector<ProcessInfo>& processes() const { return processes_; }

 private:
  std::vector<ProcessInfo> processes_;
  absl::flat_hash_map<uint64_t, size_t> by_pid_;
};

// The largest value seen so far.
class RunningMax {
 public:
  void Observe(int64_t v) { max_ = std::max(max_, v); }
  int64_t value() const { return max_; }

 private:
  int64_t max_ = 0;
};

// "512 B", "12.4 KB", "31.0 MB" (powers of 1000, as Observer shows them).
std::string HumanBytes(int64_t bytes);
// "812", "12.4k", "1.20M".
std::string HumanCount(int64_t n);
// "850 ms", "3.20 s".
std::string HumanDuration(absl::Duration d);

}  // namespace overseer

#endif  // OVERSEER_SAMPLES_COMMON_FIGURES_H_
