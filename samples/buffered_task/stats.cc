#include "samples/buffered_task/stats.h"

#include "core/account.h"

namespace overseer::indexer {

void RaiseMax(std::atomic<int64_t>& max, int64_t value) {
  int64_t seen = max.load(std::memory_order_relaxed);
  while (value > seen &&
         !max.compare_exchange_weak(seen, value, std::memory_order_relaxed)) {
  }
}

void FetcherStats::AddSpawn(const SpawnRecord& r) {
  AccountScope none(nullptr, AccountScope::kShared);
  absl::MutexLock lock(&mu_);
  spawns_.push_back(r);
}

void FetcherStats::AddRun(const RunRecord& r) {
  AccountScope none(nullptr, AccountScope::kShared);
  absl::MutexLock lock(&mu_);
  runs_.push_back(r);
}

void FetcherStats::AddOutcome(const BatchOutcome& o) {
  AccountScope none(nullptr, AccountScope::kShared);
  absl::MutexLock lock(&mu_);
  outcomes_.push_back(o);
}

std::vector<SpawnRecord> FetcherStats::spawns() const {
  absl::MutexLock lock(&mu_);
  return spawns_;
}

std::vector<RunRecord> FetcherStats::runs() const {
  absl::MutexLock lock(&mu_);
  return runs_;
}

std::vector<BatchOutcome> FetcherStats::outcomes() const {
  absl::MutexLock lock(&mu_);
  return outcomes_;
}

void BufferCallStats::Observe(int64_t ns, bool timed_out) {
  calls.fetch_add(1, std::memory_order_relaxed);
  if (timed_out) timeouts.fetch_add(1, std::memory_order_relaxed);
  RaiseMax(slowest_ns, ns);
  RaiseMax(slowest_tick_ns, ns);
}

}  // namespace overseer::indexer
