// The two BufferedTask callback modules of the demo, with their public
// calls and their place in the tree, as in BlockScout in September 2018:
//
// - Indexer.InternalTransaction.Fetcher: fetches the internal transactions
//   (traces) of transactions, 10 per batch, 4 batches at a time, flushing
//   every 3 s; its init streams every transaction not fetched yet, 5000 per
//   chunk. run/3 dedupes by hash, makes one JSON-RPC batch request, imports,
//   then buffers the addresses it saw into the coin-balance fetcher.
// - Indexer.CoinBalance.Fetcher: fetches balances, 500 per batch, 4 at a
//   time, flushing every 3 s, init chunks of 1000.
//
// Each runs under its own supervisor (one_for_one) next to its own task
// supervisor: Indexer.InternalTransaction.Supervisor holds
// Indexer.InternalTransaction.TaskSupervisor and the fetcher.
//
// Example (inside a process):
//   absl::Status s = co_await AsyncFetchInternalTransactions(
//       *this, transactions, absl::Seconds(10));
#ifndef OVERSEER_SAMPLES_BUFFERED_TASK_FETCHERS_H_
#define OVERSEER_SAMPLES_BUFFERED_TASK_FETCHERS_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "core/child_spec.h"
#include "core/co.h"
#include "core/process.h"
#include "samples/buffered_task/buffered_task.h"
#include "samples/buffered_task/entry.h"
#include "samples/buffered_task/environment.h"

namespace overseer::indexer {

const CallbackModule& InternalTransactionFetcherModule();
const CallbackModule& CoinBalanceFetcherModule();

// The fetchers' options as BlockScout set them (durations scaled by the
// environment's time scale), in `mode`.
BufferedTaskOptions InternalTransactionFetcherOptions(Environment* env, SpawnMode mode);
BufferedTaskOptions CoinBalanceFetcherOptions(Environment* env, SpawnMode mode);

// Indexer.InternalTransaction.Fetcher.async_fetch(transactions_fields,
// timeout): buffers {block_number, hash} of each transaction. Inside a
// process only.
Async<absl::Status> AsyncFetchInternalTransactions(
    Process& self, const std::vector<Transaction>& transactions, absl::Duration timeout);
// Indexer.CoinBalance.Fetcher.async_fetch_balances(balance_fields): buffers
// {block_number, address_hash} entries. Inside a process only.
Async<absl::Status> AsyncFetchBalances(Process& self, Batch balance_fields,
                                       absl::Duration timeout);

// A fetcher's supervisor (one_for_one) with its task supervisor and the
// fetcher, registered under the three names given.
ChildSpec FetcherSupervisorSpec(const char* supervisor, const char* task_supervisor,
                                const char* fetcher, const BufferedTaskOptions& options);

}  // namespace overseer::indexer

#endif  // OVERSEER_SAMPLES_BUFFERED_TASK_FETCHERS_H_
