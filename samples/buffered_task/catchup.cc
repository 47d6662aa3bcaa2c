#include "samples/buffered_task/catchup.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/clock.h"
#include "core/runtime.h"
#include "core/supervisor.h"
#include "samples/buffered_task/fetchers.h"
#include "samples/buffered_task/json_rpc.h"

namespace overseer::indexer {
namespace {

// What a range's task needs, small: it is the task's start argument.
struct RangeJob {
  Environment* environment = nullptr;
  Pid catchup;
  absl::Duration internal_transactions_timeout;  // scaled
  absl::Duration balances_timeout;
  absl::Duration json_rpc_timeout;
};

struct RangeOutcome {
  bool ok = false;
  int64_t transactions = 0;
};

// Counts one buffer call; a timeout is logged as the seed's log showed it:
// the task, who started it, the call, and where in the import it was.
void ObserveBufferCall(Process& task, const RangeJob& job, const BlockRange& range,
                       BufferCallStats& stats, int64_t start_ns,
                       const absl::Status& status, size_t entries) {
  bool timed_out = absl::IsDeadlineExceeded(status);
  stats.Observe(MonotonicNowNs() - start_ns, timed_out);
  if (!timed_out) return;
  const Environment& env = *job.environment;
  // Every timeout is a log event; the terminal gets the first few and then
  // one in fifty, so that the per-second lines stay readable.
  int64_t n = stats.timeouts.load(std::memory_order_relaxed);
  task.runtime().Log(
      absl::StrCat(
          "Task ", task.self().ToString(), " started from ", job.catchup.ToString(), ": ",
          status.message(), " ({:buffer, [", entries, " entries]}; time scale ",
          env.time_scale,
          ") in Indexer.BlockFetcher.Catchup.async_import_remaining_block_data/2, "
          "blocks ",
          range.first, "..", range.last, " [timeout #", n, "]"),
      env.echo_log && (n <= 3 || n % 50 == 0));
}

// fetch_and_import_range/2, then async_import_remaining_block_data/2.
Async<RangeOutcome> FetchAndImportRange(Process& task, const BlockRange& range,
                                        const RangeJob& job) {
  Environment& env = *job.environment;
  FetchBlocks request{range.first, range.last};
  absl::StatusOr<Message> reply = co_await task.Call(task.runtime().Whereis(kJsonRpcNode),
                                                     request, job.json_rpc_timeout);
  const BlocksReply* blocks = reply.ok() ? reply->As<BlocksReply>() : nullptr;
  if (blocks == nullptr) {
    env.catchup.range_failures.fetch_add(1, std::memory_order_relaxed);
    co_return RangeOutcome{};
  }
  const std::vector<Transaction>& transactions = blocks->transactions;
  int64_t count = static_cast<int64_t>(transactions.size());
  env.chain.blocks.fetch_add(range.first - range.last + 1, std::memory_order_relaxed);
  env.chain.transactions.fetch_add(count, std::memory_order_relaxed);

  Batch balance_fields;
  for (const Transaction& t : transactions) {
    balance_fields.push_back(Entry{t.block_number, t.from_address_hash});
    balance_fields.push_back(Entry{t.block_number, t.to_address_hash});
  }
  size_t balance_count = balance_fields.size();
  int64_t t0 = MonotonicNowNs();
  absl::Status s =
      co_await AsyncFetchBalances(task, std::move(balance_fields), job.balances_timeout);
  ObserveBufferCall(task, job, range, env.catchup.coin_balances, t0, s, balance_count);

  t0 = MonotonicNowNs();
  s = co_await AsyncFetchInternalTransactions(task, transactions,
                                              job.internal_transactions_timeout);
  ObserveBufferCall(task, job, range, env.catchup.internal_transactions, t0, s,
                    transactions.size());

  env.catchup.ranges_done.fetch_add(1, std::memory_order_relaxed);
  env.catchup.blocks_imported.fetch_add(range.first - range.last + 1,
                                        std::memory_order_relaxed);
  env.catchup.transactions_imported.fetch_add(count, std::memory_order_relaxed);
  co_return RangeOutcome{true, count};
}

}  // namespace

absl::Status Catchup::Init(CatchupState& state) {
  if (options_.environment == nullptr) {
    return absl::InvalidArgumentError("the catchup needs an environment");
  }
  state.next_block = options_.head_block;
  Send(self(), CatchupIndex{});
  return absl::OkStatus();
}

Co Catchup::HandleInfo(CatchupState& state, Message& message) {
  if (message.Is<CatchupIndex>()) {
    co_await Fill(state);
  } else if (const auto* result = message.As<TaskResult>()) {
    if (state.tasks.erase(result->ref.value) > 0) co_await Fill(state);
  } else if (const auto* down = message.As<DownMessage>()) {
    if (down->reason.normal()) co_return;  // the result came first
    auto it = state.tasks.find(down->ref.value);
    if (it == state.tasks.end()) co_return;
    runtime().Log(absl::StrCat("Indexer.BlockFetcher.Catchup: the task for blocks ",
                               it->second.first, "..", it->second.last,
                               " exited: ", down->reason.text()));
    options_.environment->catchup.range_failures.fetch_add(1);
    state.tasks.erase(it);
    co_await Fill(state);
  }
}

Co Catchup::Fill(CatchupState& state) {
  const Environment& env = *options_.environment;
  RangeJob job{
      options_.environment, self(), env.Scaled(options_.internal_transactions_timeout),
      env.Scaled(options_.balances_timeout), env.Scaled(options_.json_rpc_timeout)};
  int size = std::max(1, options_.blocks_batch_size);
  while (static_cast<int>(state.tasks.size()) < options_.blocks_concurrency &&
         state.next_block >= 0) {
    SetCurrentFunction("Indexer.BlockFetcher.Catchup.stream_fetch_and_import/2");
    BlockRange range{state.next_block, std::max<int64_t>(0, state.next_block - size + 1)};
    absl::StatusOr<TaskHandle> task =
        co_await AsyncNolink(*this, runtime().Whereis(kBlockFetcherTaskSupervisor),
                             &FetchAndImportRange, range, job);
    if (!task.ok()) {  // no task supervisor now (restarting): try again soon
      SendAfter(self(), CatchupIndex{}, env.Scaled(absl::Seconds(1)));
      co_return;
    }
    state.next_block = range.last - 1;
    state.tasks.emplace(task->ref.value, range);
  }
}

ChildSpec BlockFetcherSupervisorSpec(const CatchupOptions& options) {
  ChildSpec tasks = ChildSpec::Worker<TaskSupervisor>(kBlockFetcherTaskSupervisor);
  tasks.name = kBlockFetcherTaskSupervisor;
  ChildSpec catchup = ChildSpec::Worker<Catchup>(kCatchup, options);
  catchup.name = kCatchup;
  ChildSpec spec = ChildSpec::Worker<Supervisor>(
      kBlockFetcherSupervisor, SupervisorFlags{.strategy = Strategy::kOneForOne},
      std::vector<ChildSpec>{tasks, catchup});
  spec.name = kBlockFetcherSupervisor;
  return spec;
}

}  // namespace overseer::indexer
