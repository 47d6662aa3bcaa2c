// Environment: what the indexer's processes share that is not a process:
// the run's seed and time scale, the sizes of the backlogs the init streams
// read, the database they import into (Explorer.Chain, here counters), and
// the stats every fetcher publishes. The workload owns it; processes get a
// pointer (in their start arguments), which it outlives.
#ifndef OVERSEER_SAMPLES_BUFFERED_TASK_ENVIRONMENT_H_
#define OVERSEER_SAMPLES_BUFFERED_TASK_ENVIRONMENT_H_

#include <atomic>
#include <cstdint>

#include "absl/time/time.h"
#include "samples/buffered_task/stats.h"

namespace overseer::indexer {

// Registered names, as in BlockScout's indexer in September 2018.
inline constexpr char kIndexerSupervisor[] = "Indexer.Supervisor";
inline constexpr char kJsonRpcNode[] = "EthereumJSONRPC.SimulatedNode";
inline constexpr char kInternalTransactionSupervisor[] =
    "Indexer.InternalTransaction.Supervisor";
inline constexpr char kInternalTransactionTaskSupervisor[] =
    "Indexer.InternalTransaction.TaskSupervisor";
inline constexpr char kInternalTransactionFetcher[] =
    "Indexer.InternalTransaction.Fetcher";
inline constexpr char kCoinBalanceSupervisor[] = "Indexer.CoinBalance.Supervisor";
inline constexpr char kCoinBalanceTaskSupervisor[] = "Indexer.CoinBalance.TaskSupervisor";
inline constexpr char kCoinBalanceFetcher[] = "Indexer.CoinBalance.Fetcher";
inline constexpr char kBlockFetcherSupervisor[] = "Indexer.BlockFetcher.Supervisor";
inline constexpr char kBlockFetcherTaskSupervisor[] =
    "Indexer.BlockFetcher.TaskSupervisor";
inline constexpr char kCatchup[] = "Indexer.BlockFetcher.Catchup";

// Explorer.Chain's tables, counted.
struct ChainCounters {
  std::atomic<int64_t> blocks{0};
  std::atomic<int64_t> transactions{0};
  std::atomic<int64_t> internal_transactions{0};
  std::atomic<int64_t> balances{0};
};

struct Environment {
  uint64_t seed = 1;
  double time_scale = 1;
  int64_t unfetched_transactions = 0;  // what the internal-tx init streams
  int64_t unfetched_balances = 0;      // what the coin-balance init streams
  bool echo_log = false;               // log lines on stderr too

  ChainCounters chain;
  FetcherStats internal_transactions;
  FetcherStats coin_balances;
  CatchupStats catchup;

  absl::Duration Scaled(absl::Duration d) const {
    return time_scale > 0 ? d / time_scale : d;
  }
};

}  // namespace overseer::indexer

#endif  // OVERSEER_SAMPLES_BUFFERED_TASK_ENVIRONMENT_H_
