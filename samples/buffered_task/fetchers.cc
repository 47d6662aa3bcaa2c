#include "samples/buffered_task/fetchers.h"

#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "core/runtime.h"
#include "core/supervisor.h"

namespace overseer::indexer {
namespace {

// EthereumJSONRPC's HTTP receive timeout.
constexpr absl::Duration kJsonRpcTimeout = absl::Seconds(60);
// GenServer.call's default, which async_fetch_balances used.
constexpr absl::Duration kDefaultCallTimeout = absl::Seconds(5);

// The task's Memory now: what its start (closure or arguments) brought,
// its frames, and the runtime's per-process overhead.
int64_t MemoryOf(Process& task) {
  std::optional<ProcessInfo> info = task.runtime().Info(task.self());
  return info ? info->memory.value : 0;
}

// Enum.uniq_by(entries, & &1.hash_data).
Batch UniqueByHash(const Batch& batch) {
  absl::flat_hash_set<std::string_view> seen;
  Batch unique;
  for (const Entry& e : batch) {
    if (seen.insert(e.hash_data.view()).second) unique.push_back(e);
  }
  return unique;
}

void RecordOutcome(FetcherStats& stats, const Batch& batch, int retries, bool ok,
                   int64_t imported) {
  if (!stats.record_batches) return;
  stats.AddOutcome(
      {BatchKey(batch), static_cast<int>(batch.size()), retries, ok, imported});
}

Async<absl::Status> InitInternalTransactions(Process& task, InitReducer& reducer,
                                             const CallbackState& state) {
  // Chain.stream_transactions_with_unfetched_internal_transactions/2.
  const Environment& env = *state.environment;
  for (int64_t i = 0; i < env.unfetched_transactions; ++i) {
    if (reducer.Add(UnfetchedTransaction(env.seed, i))) {
      (void)co_await reducer.Perform(task);
    }
  }
  co_return absl::OkStatus();
}

Async<RunResult> RunInternalTransactions(Process& task, const Batch& batch, int retries,
                                         const CallbackState& state) {
  Environment& env = *state.environment;
  FetcherStats& stats = env.internal_transactions;
  int64_t memory = MemoryOf(task);
  RaiseMax(stats.largest_task_memory, memory);
  if (stats.measure) stats.AddRun({BatchKey(batch), retries, memory});
  Batch unique = UniqueByHash(batch);
  FetchInternalTransactions request{unique, retries};
  absl::StatusOr<Message> reply =
      co_await task.Call(task.runtime().Whereis(state.json_rpc_named_arguments.url),
                         request, env.Scaled(kJsonRpcTimeout));
  const InternalTransactionsReply* traces =
      reply.ok() ? reply->As<InternalTransactionsReply>() : nullptr;
  if (traces == nullptr || !traces->ok) {
    RecordOutcome(stats, batch, retries, false, 0);
    co_return RunResult{RunResult::Kind::kRetryEntries, std::move(unique)};
  }
  // Chain.import/1, then CoinBalance.Fetcher.async_fetch_balances/1.
  int64_t imported = static_cast<int64_t>(traces->internal_transactions.size());
  env.chain.internal_transactions.fetch_add(imported, std::memory_order_relaxed);
  RecordOutcome(stats, batch, retries, true, imported);
  Batch balances;
  for (const InternalTransaction& itx : traces->internal_transactions) {
    balances.push_back(Entry{itx.block_number, itx.to_address_hash});
  }
  absl::Status buffered = co_await AsyncFetchBalances(task, std::move(balances),
                                                      env.Scaled(kDefaultCallTimeout));
  if (!buffered.ok()) {
    stats.run_call_timeouts.fetch_add(1, std::memory_order_relaxed);
    task.runtime().Log(
        absl::StrCat("Task ", task.self().ToString(), " (", kInternalTransactionFetcher,
                     ".run/3): ", buffered.message()),
        env.echo_log);
  }
  co_return RunResult{};
}

Async<absl::Status> InitCoinBalances(Process& task, InitReducer& reducer,
                                     const CallbackState& state) {
  // Chain.stream_unfetched_balances/2.
  const Environment& env = *state.environment;
  for (int64_t i = 0; i < env.unfetched_balances; ++i) {
    if (reducer.Add(UnfetchedBalance(env.seed, i))) (void)co_await reducer.Perform(task);
  }
  co_return absl::OkStatus();
}

Async<RunResult> RunCoinBalances(Process& task, const Batch& batch, int retries,
                                 const CallbackState& state) {
  Environment& env = *state.environment;
  FetcherStats& stats = env.coin_balances;
  int64_t memory = MemoryOf(task);
  RaiseMax(stats.largest_task_memory, memory);
  if (stats.measure) stats.AddRun({BatchKey(batch), retries, memory});
  FetchBalances request{batch, retries};
  absl::StatusOr<Message> reply =
      co_await task.Call(task.runtime().Whereis(state.json_rpc_named_arguments.url),
                         request, env.Scaled(kJsonRpcTimeout));
  const BalancesReply* balances = reply.ok() ? reply->As<BalancesReply>() : nullptr;
  if (balances == nullptr || !balances->ok) {
    RecordOutcome(stats, batch, retries, false, 0);
    co_return RunResult{RunResult::Kind::kRetryEntries, batch};
  }
  env.chain.balances.fetch_add(balances->fetched, std::memory_order_relaxed);
  RecordOutcome(stats, batch, retries, true, balances->fetched);
  co_return RunResult{};
}

const CallbackModule kInternalTransactionFetcherModule{
    kInternalTransactionFetcher, &InitInternalTransactions, &RunInternalTransactions};
const CallbackModule kCoinBalanceFetcherModule{kCoinBalanceFetcher, &InitCoinBalances,
                                               &RunCoinBalances};

}  // namespace

const CallbackModule& InternalTransactionFetcherModule() {
  return kInternalTransactionFetcherModule;
}
const CallbackModule& CoinBalanceFetcherModule() { return kCoinBalanceFetcherModule; }

BufferedTaskOptions InternalTransactionFetcherOptions(Environment* env, SpawnMode mode) {
  BufferedTaskOptions o;
  o.callback_module = &kInternalTransactionFetcherModule;
  o.callback_module_state = CallbackState{JsonRpcNamedArguments{}, env};
  o.task_supervisor = kInternalTransactionTaskSupervisor;
  o.flush_interval = env->Scaled(absl::Seconds(3));
  o.max_batch_size = 10;
  o.max_concurrency = 4;
  o.init_chunk_size = 5000;
  o.spawn_mode = mode;
  o.async_perform_timeout = env->Scaled(kDefaultCallTimeout);
  o.stats = &env->internal_transactions;
  return o;
}

BufferedTaskOptions CoinBalanceFetcherOptions(Environment* env, SpawnMode mode) {
  BufferedTaskOptions o = InternalTransactionFetcherOptions(env, mode);
  o.callback_module = &kCoinBalanceFetcherModule;
  o.task_supervisor = kCoinBalanceTaskSupervisor;
  o.max_batch_size = 500;
  o.init_chunk_size = 1000;
  o.stats = &env->coin_balances;
  return o;
}

Async<absl::Status> AsyncFetchInternalTransactions(
    Process& self, const std::vector<Transaction>& transactions, absl::Duration timeout) {
  // transaction_fields_to_params/1: %{block_number, hash_data}.
  Batch params;
  params.reserve(transactions.size());
  for (const Transaction& t : transactions)
    params.push_back(Entry{t.block_number, t.hash});
  return CallBuffer(self, kInternalTransactionFetcher, std::move(params), timeout);
}

Async<absl::Status> AsyncFetchBalances(Process& self, Batch balance_fields,
                                       absl::Duration timeout) {
  return CallBuffer(self, kCoinBalanceFetcher, std::move(balance_fields), timeout);
}

ChildSpec FetcherSupervisorSpec(const char* supervisor, const char* task_supervisor,
                                const char* fetcher, const BufferedTaskOptions& options) {
  ChildSpec tasks = ChildSpec::Worker<TaskSupervisor>(task_supervisor);
  tasks.name = task_supervisor;
  ChildSpec worker = ChildSpec::Worker<BufferedTask>(fetcher, options);
  worker.name = fetcher;
  ChildSpec spec = ChildSpec::Worker<Supervisor>(
      supervisor, SupervisorFlags{.strategy = Strategy::kOneForOne},
      std::vector<ChildSpec>{tasks, worker});
  spec.name = supervisor;
  return spec;
}

}  // namespace overseer::indexer
