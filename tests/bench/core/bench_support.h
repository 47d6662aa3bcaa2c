// Helpers shared by the core benchmarks: the scheduler count they all run
// with (the same for the peers: --schedulers=N, default 2), the batch sizes
// the peer programs use too, and readings of the process's resident memory.
//
// Example:
//   Runtime rt({.schedulers = bench::Schedulers()});
//   ... run a batch ...
//   bench::WaitForProcessCount(rt, base);   // every exit finished
#ifndef OVERSEER_TESTS_BENCH_CORE_BENCH_SUPPORT_H_
#define OVERSEER_TESTS_BENCH_CORE_BENCH_SUPPORT_H_

#include <cstddef>
#include <cstdint>

#include "core/runtime.h"

namespace overseer::bench {

// Batch sizes, kept equal to tests/bench/peers/ (the BEAM and CAF programs).
inline constexpr int64_t kSpawns = 100'000;
inline constexpr int64_t kIdleProcesses = 100'000;
inline constexpr int64_t kRoundTrips = 100'000;
inline constexpr int64_t kSenders = 4;
inline constexpr int64_t kPerSender = 250'000;
inline constexpr int64_t kSendChunk = 1'000;
inline constexpr int64_t kCallsInside = 100'000;
inline constexpr int64_t kCallsOutside = 20'000;
// Timed batches per benchmark, after one untimed warm-up batch.
inline constexpr int kBatches = 3;

// Asks a batch driver to run `n` operations; it replies when they are done.
struct RunBatch {
  int64_t n = 0;
};

// Scheduler threads for every runtime the benchmarks start. Set once by
// main() before any benchmark runs.
int Schedulers();
void SetSchedulers(int n);

// Resident set size of this process in bytes (/proc/self/statm), after
// giving free heap pages back to the system so that memory freed by an
// earlier benchmark does not hide growth. Thread-safe.
int64_t ResidentBytes();

// Blocks until `rt` has exactly `count` processes (exits are asynchronous:
// a batch is only over once its processes are gone).
void WaitForProcessCount(const Runtime& rt, size_t count);

}  // namespace overseer::bench

#endif  // OVERSEER_TESTS_BENCH_CORE_BENCH_SUPPORT_H_
