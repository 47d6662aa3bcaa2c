// The buffered-task workload: BlockScout's indexer replayed on the runtime,
// the closure-capture leak of the seed in `--mode closure`, its fix in
// `--mode mfa`. The tree, with the real registered names:
//
//   Indexer.Supervisor (one_for_one)
//   ├─ EthereumJSONRPC.SimulatedNode              (the JSON-RPC endpoint)
//   ├─ Indexer.CoinBalance.Supervisor
//   │  ├─ Indexer.CoinBalance.TaskSupervisor
//   │  └─ Indexer.CoinBalance.Fetcher             (a BufferedTask)
//   ├─ Indexer.InternalTransaction.Supervisor
//   │  ├─ Indexer.InternalTransaction.TaskSupervisor
//   │  └─ Indexer.InternalTransaction.Fetcher     (a BufferedTask)
//   └─ Indexer.BlockFetcher.Supervisor
//      ├─ Indexer.BlockFetcher.TaskSupervisor
//      └─ Indexer.BlockFetcher.Catchup
//
// Example:
//   BufferedTaskWorkload w({.mode = "mfa", .backlog = 100'000});
//   absl::StatusOr<Pid> root = w.Start(rt);
#ifndef OVERSEER_SAMPLES_BUFFERED_TASK_BUFFERED_TASK_WORKLOAD_H_
#define OVERSEER_SAMPLES_BUFFERED_TASK_BUFFERED_TASK_WORKLOAD_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "samples/buffered_task/buffered_task.h"
#include "samples/buffered_task/environment.h"
#include "samples/common/figures.h"
#include "samples/common/workload.h"

namespace overseer::indexer {

struct BufferedTaskConfig {
  std::string mode = "closure";      // "closure" (the bug) or "mfa" (the fix)
  int64_t backlog = 1'000'000;       // transactions the init stream reads
  int64_t balance_backlog = 10'000;  // addresses the coin-balance init reads
  absl::Duration rpc_latency = absl::Milliseconds(20);     // one trace/balance batch
  absl::Duration block_latency = absl::Milliseconds(250);  // one range of blocks
  double error_rate = 0.01;  // share of JSON-RPC requests that fail
  // Divides every interval, latency and timeout (not the cost of a copy):
  // at 20, the catchup's 10 s buffer call times out after 0.5 s, and a 60 s
  // run shows what took the seed's indexer many minutes.
  double time_scale = 20;
  int64_t seed = 1;
  bool catchup = true;  // run Indexer.BlockFetcher.Catchup
  // The internal-transaction fetcher's BufferedTask options (the seed's).
  int batch_size = 10;
  int concurrency = 4;
  int init_chunk = 5000;
  absl::Duration flush_interval = absl::Seconds(3);
  // For tests: measure every spawn and run, record every batch outcome.
  bool measure = false;
  bool record_batches = false;
  bool echo_log = true;  // log lines (timeouts) on stderr too
};

class BufferedTaskWorkload final : public Workload {
 public:
  explicit BufferedTaskWorkload(BufferedTaskConfig config = {});
  ~BufferedTaskWorkload() override;

  std::string_view name() const override { return "buffered-task"; }
  std::string_view description() const override;
  void DefineFlags(FlagSet& flags) override;
  absl::StatusOr<Pid> Start(Runtime& runtime) override;
  std::string Tick(bool take_peaks) override;
  std::string Summary() override;

  // The configuration (change it before Start) and what the processes
  // publish (read any time; thread-safe).
  BufferedTaskConfig& config() { return config_; }
  const Environment& environment() const { return *env_; }
  SpawnMode spawn_mode() const;

 private:
  struct RunPeaks {
    RunningMax task_supervisor_memory;
    RunningMax task_supervisor_mailbox_bytes;
    RunningMax task_supervisor_subtree;
    RunningMax fetcher_msgq;
    RunningMax fetcher_memory;
  };

  BufferedTaskConfig config_;
  std::unique_ptr<Environment> env_;
  RunPeaks peaks_;
  absl::Time start_time_;
  absl::Time last_tick_;
  int64_t last_batches_ = 0;
  int ticks_ = 0;
};

}  // namespace overseer::indexer

#endif  // OVERSEER_SAMPLES_BUFFERED_TASK_BUFFERED_TASK_WORKLOAD_H_
