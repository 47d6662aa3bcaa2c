// Counters the indexer's processes publish as they work, read from outside
// the runtime by the workload's per-second line, its summary and the tests.
// Every counter is an atomic written by the process that owns the figure;
// the optional records (for tests) take a lock and are off by default.
//
// Allocations here (the records) are made outside any process account, so
// that a figure never changes what it measures.
#ifndef OVERSEER_SAMPLES_BUFFERED_TASK_STATS_H_
#define OVERSEER_SAMPLES_BUFFERED_TASK_STATS_H_

#include <atomic>
#include <cstdint>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace overseer::indexer {

// Raises `max` to `value` if it is larger. Any thread.
void RaiseMax(std::atomic<int64_t>& max, int64_t value);

// One spawn_next_batch, measured (FetcherStats::measure).
struct SpawnRecord {
  uint64_t batch_key = 0;
  int retries = 0;
  // Bytes a copy of the queue (state.buffer) allocates at the moment of the
  // spawn: what a closure over the state captures of it.
  int64_t queue_bytes = 0;
  // Bytes the fetcher sent while starting the task: the start request (a
  // call to the task supervisor) plus the small TaskGo that follows it.
  int64_t start_send_bytes = 0;
};

// One run/3, measured from inside its task (FetcherStats::measure).
struct RunRecord {
  uint64_t batch_key = 0;
  int retries = 0;
  int64_t task_memory = 0;  // the task's Memory when run/3 begins
};

// One batch's outcome as the fetcher saw it (FetcherStats::record_batches).
struct BatchOutcome {
  uint64_t batch_key = 0;
  int size = 0;
  int retries = 0;
  bool ok = false;
  int64_t imported = 0;  // internal transactions (or balances) imported
  friend bool operator==(const BatchOutcome&, const BatchOutcome&) = default;
  friend bool operator<(const BatchOutcome& a, const BatchOutcome& b) {
    if (a.batch_key != b.batch_key) return a.batch_key < b.batch_key;
    return a.retries < b.retries;
  }
};

// What one BufferedTask (a fetcher) did.
struct FetcherStats {
  // Set before the fetcher starts; extra copies and a lock, for tests.
  bool measure = false;
  bool record_batches = false;

  std::atomic<int64_t> spawned{0};          // tasks started for batches
  std::atomic<int64_t> batches_done{0};     // run/3 returned :ok
  std::atomic<int64_t> batches_retried{0};  // :retry, {:retry, _} or a crash
  std::atomic<int64_t> entries_done{0};
  std::atomic<int64_t> buffer_calls{0};  // {:buffer, entries} handled
  std::atomic<int64_t> entries_buffered{0};
  std::atomic<int64_t> queue_batches{0};    // gauge: batches in state.buffer
  std::atomic<int64_t> tasks_in_flight{0};  // gauge
  std::atomic<int64_t> init_entries{0};     // entries the init stream sent
  std::atomic<bool> init_complete{false};
  std::atomic<int64_t> slowest_spawn_ns{0};     // one spawn_next_batch, start to reply
  std::atomic<int64_t> largest_task_memory{0};  // a batch task's, as run/3 begins
  std::atomic<int64_t> init_call_timeouts{0};
  std::atomic<int64_t> run_call_timeouts{0};  // calls made by run/3 that timed out

  void AddSpawn(const SpawnRecord& r);
  void AddRun(const RunRecord& r);
  void AddOutcome(const BatchOutcome& o);
  std::vector<SpawnRecord> spawns() const;
  std::vector<RunRecord> runs() const;
  std::vector<BatchOutcome> outcomes() const;

 private:
  mutable absl::Mutex mu_;
  std::vector<SpawnRecord> spawns_ ABSL_GUARDED_BY(mu_);
  std::vector<RunRecord> runs_ ABSL_GUARDED_BY(mu_);
  std::vector<BatchOutcome> outcomes_ ABSL_GUARDED_BY(mu_);
};

// Calls made to one fetcher's buffer by the catchup's tasks.
struct BufferCallStats {
  std::atomic<int64_t> calls{0};
  std::atomic<int64_t> timeouts{0};
  std::atomic<int64_t> slowest_ns{0};       // over the run
  std::atomic<int64_t> slowest_tick_ns{0};  // since the last tick took it

  void Observe(int64_t ns, bool timed_out);
};

struct CatchupStats {
  std::atomic<int64_t> ranges_done{0};
  std::atomic<int64_t> blocks_imported{0};
  std::atomic<int64_t> transactions_imported{0};
  std::atomic<int64_t> range_failures{0};
  BufferCallStats internal_transactions;  // async_fetch(..., 10_000)
  BufferCallStats coin_balances;          // async_fetch_balances (5_000)
};

}  // namespace overseer::indexer

#endif  // OVERSEER_SAMPLES_BUFFERED_TASK_STATS_H_
