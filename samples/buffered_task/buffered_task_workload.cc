#include "samples/buffered_task/buffered_task_workload.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/supervisor.h"
#include "samples/buffered_task/catchup.h"
#include "samples/buffered_task/fetchers.h"
#include "samples/buffered_task/json_rpc.h"

namespace overseer::indexer {

BufferedTaskWorkload::BufferedTaskWorkload(BufferedTaskConfig config)
    : config_(std::move(config)), env_(std::make_unique<Environment>()) {}

BufferedTaskWorkload::~BufferedTaskWorkload() = default;

std::string_view BufferedTaskWorkload::description() const {
  return "BlockScout's Indexer.BufferedTask replayed: --mode closure leaks the "
         "fetcher's whole state through every task start, --mode mfa is the fix";
}

SpawnMode BufferedTaskWorkload::spawn_mode() const {
  return config_.mode == "mfa" ? SpawnMode::kFunction : SpawnMode::kClosure;
}

void BufferedTaskWorkload::DefineFlags(FlagSet& flags) {
  flags.AddChoice("mode", &config_.mode, {"closure", "mfa"},
                  "how spawn_next_batch starts a task: closure over the state, or "
                  "function + arguments");
  flags.AddCount("backlog", &config_.backlog,
                 "transactions with unfetched internal transactions at boot");
  flags.AddCount("balance-backlog", &config_.balance_backlog,
                 "addresses with unfetched balances at boot");
  flags.AddDuration(
      "rpc-latency", &config_.rpc_latency,
      "latency of one JSON-RPC batch (traces, balances), before --time-scale");
  flags.AddDuration("block-latency", &config_.block_latency,
                    "latency of fetching one range of blocks, before --time-scale");
  flags.AddDouble("error-rate", &config_.error_rate,
                  "share of JSON-RPC requests that fail (and are retried)");
  AddTimeScaleFlag(flags, &config_.time_scale);
  flags.AddCount("seed", &config_.seed, "seed of the simulated chain and failures");
  flags.AddBool("catchup", &config_.catchup,
                "run the block catchup, which buffers new transactions");
  flags.AddInt("batch-size", &config_.batch_size,
               "internal-transaction fetcher: max_batch_size");
  flags.AddInt("concurrency", &config_.concurrency,
               "internal-transaction fetcher: max_concurrency");
  flags.AddInt("init-chunk", &config_.init_chunk,
               "internal-transaction fetcher: init_chunk_size");
  flags.AddDuration("flush-interval", &config_.flush_interval,
                    "internal-transaction fetcher: flush_interval");
  flags.AddBool("log", &config_.echo_log, "print log lines (call timeouts) on stderr");
}

absl::StatusOr<Pid> BufferedTaskWorkload::Start(Runtime& rt) {
  if (runtime() != nullptr) return absl::FailedPreconditionError("started already");
  if (config_.mode != "closure" && config_.mode != "mfa") {
    return absl::InvalidArgumentError("--mode must be closure or mfa");
  }
  if (absl::Status s = CheckTimeScale(config_.time_scale); !s.ok()) return s;
  if (config_.error_rate < 0 || config_.error_rate > 0.5) {
    return absl::InvalidArgumentError("--error-rate must be within 0..0.5");
  }
  if (config_.batch_size < 1 || config_.concurrency < 1 || config_.init_chunk < 1 ||
      config_.batch_size > 100'000 || config_.concurrency > 10'000 ||
      config_.init_chunk > 10'000'000) {
    return absl::InvalidArgumentError(
        "--batch-size (1..100k), --concurrency (1..10k) and --init-chunk (1..10M) are "
        "out of range");
  }
  // About 110 bytes per entry live in the fetcher's queue alone.
  if (config_.backlog > 20'000'000 || config_.balance_backlog > 20'000'000) {
    return absl::InvalidArgumentError(
        "--backlog and --balance-backlog must be at most 20M");
  }
  Environment& env = *env_;
  env.seed = static_cast<uint64_t>(config_.seed);
  env.time_scale = config_.time_scale;
  env.unfetched_transactions = config_.backlog;
  env.unfetched_balances = config_.balance_backlog;
  env.echo_log = config_.echo_log;
  env.internal_transactions.measure = config_.measure;
  env.internal_transactions.record_batches = config_.record_batches;

  NodeOptions node{env.Scaled(config_.rpc_latency), env.Scaled(config_.block_latency),
                   config_.error_rate, env.seed};
  BufferedTaskOptions internal = InternalTransactionFetcherOptions(&env, spawn_mode());
  internal.max_batch_size = config_.batch_size;
  internal.max_concurrency = config_.concurrency;
  internal.init_chunk_size = config_.init_chunk;
  internal.flush_interval = env.Scaled(config_.flush_interval);
  BufferedTaskOptions balances = CoinBalanceFetcherOptions(&env, spawn_mode());

  ChildSpec node_spec = ChildSpec::Worker<SimulatedNode>(kJsonRpcNode, node);
  node_spec.name = kJsonRpcNode;
  std::vector<ChildSpec> children{
      node_spec,
      FetcherSupervisorSpec(kCoinBalanceSupervisor, kCoinBalanceTaskSupervisor,
                            kCoinBalanceFetcher, balances),
      FetcherSupervisorSpec(kInternalTransactionSupervisor,
                            kInternalTransactionTaskSupervisor,
                            kInternalTransactionFetcher, internal)};
  if (config_.catchup) {
    children.push_back(BlockFetcherSupervisorSpec(CatchupOptions{.environment = &env}));
  }
  absl::StatusOr<Pid> root = rt.Spawn<Supervisor>(
      {.name = kIndexerSupervisor}, SupervisorFlags{.strategy = Strategy::kOneForOne},
      std::move(children));
  if (!root.ok()) return root.status();
  SetStarted(rt, *root);
  start_time_ = last_tick_ = absl::Now();
  return root;
}

std::string BufferedTaskWorkload::Tick(bool take_peaks) {
  if (runtime() == nullptr) return "not started";
  NodeReading now = NodeReading::Take(*runtime(), take_peaks);
  absl::Time t = absl::Now();
  double seconds = absl::ToDoubleSeconds(t - last_tick_);
  last_tick_ = t;
  ++ticks_;

  const ProcessInfo* sup = now.Named(kInternalTransactionTaskSupervisor);
  const ProcessInfo* fetcher = now.Named(kInternalTransactionFetcher);
  Subtree tree = sup ? now.SubtreeOf(sup->pid) : Subtree{};
  if (sup != nullptr) {
    peaks_.task_supervisor_memory.Observe(sup->memory.peak);
    peaks_.task_supervisor_mailbox_bytes.Observe(sup->mailbox_bytes.peak);
    peaks_.task_supervisor_subtree.Observe(tree.memory_peaks);
  }
  if (fetcher != nullptr) {
    peaks_.fetcher_msgq.Observe(fetcher->mailbox_len.peak);
    peaks_.fetcher_memory.Observe(fetcher->memory.peak);
  }
  const FetcherStats& stats = env_->internal_transactions;
  int64_t batches = stats.batches_done.load();
  double rate = seconds > 0 ? static_cast<double>(batches - last_batches_) / seconds : 0;
  last_batches_ = batches;
  BufferCallStats& calls = env_->catchup.internal_transactions;
  int64_t slowest_ns = calls.slowest_tick_ns.exchange(0);
  env_->catchup.coin_balances.slowest_tick_ns.exchange(0);

  return absl::StrFormat(
      "%4.0fs  TaskSupervisor %s (peak %s, mailbox peak %s, held specs %s) "
      "tasks %d (largest %s) | Fetcher MsgQ %d (peak %d), %s, queue %s batches | "
      "batches %d (%+.0f/s) | buffer calls: slowest %s, timeouts %d",
      absl::ToDoubleSeconds(t - start_time_), HumanBytes(sup ? sup->memory.value : 0),
      HumanBytes(sup ? sup->memory.peak : 0),
      HumanBytes(sup ? sup->mailbox_bytes.peak : 0),
      HumanBytes(sup ? sup->held_spec_bytes.value : 0),
      tree.processes > 0 ? tree.processes - 1 : 0,
      HumanBytes(tree.largest_descendant_peak), fetcher ? fetcher->mailbox_len.value : 0,
      fetcher ? fetcher->mailbox_len.peak : 0,
      HumanBytes(fetcher ? fetcher->memory.value : 0),
      HumanCount(stats.queue_batches.load()), batches, rate,
      HumanDuration(absl::Nanoseconds(slowest_ns)), calls.timeouts.load());
}

std::string BufferedTaskWorkload::Summary() {
  const Environment& env = *env_;
  const FetcherStats& stats = env.internal_transactions;
  double seconds = runtime() ? absl::ToDoubleSeconds(absl::Now() - start_time_) : 0;
  int64_t batches = stats.batches_done.load();
  const CatchupStats& c = env.catchup;
  std::string out = absl::StrFormat(
      "buffered-task --mode %s --backlog %d --time-scale %g: %.1f s\n"
      "  peak TaskSupervisor memory        %s\n"
      "  peak TaskSupervisor mailbox bytes %s\n"
      "  peak TaskSupervisor subtree       %s\n"
      "  largest batch task (run/3 start)  %s\n"
      "  peak Fetcher MsgQ                 %d\n"
      "  peak Fetcher memory               %s\n"
      "  slowest spawn_next_batch          %s\n",
      config_.mode, config_.backlog, config_.time_scale, seconds,
      HumanBytes(peaks_.task_supervisor_memory.value()),
      HumanBytes(peaks_.task_supervisor_mailbox_bytes.value()),
      HumanBytes(peaks_.task_supervisor_subtree.value()),
      HumanBytes(stats.largest_task_memory.load()), peaks_.fetcher_msgq.value(),
      HumanBytes(peaks_.fetcher_memory.value()),
      HumanDuration(absl::Nanoseconds(stats.slowest_spawn_ns.load())));
  absl::StrAppendFormat(
      &out,
      "  slowest buffer call (internal tx) %s, %d timeouts of %d calls\n"
      "  slowest buffer call (balances)    %s, %d timeouts of %d calls\n"
      "  batches done                      %d (%.1f/s), %d retried, %d spawned\n"
      "  entries done                      %d of %d buffered + %d from init\n"
      "  init stream                       %s, %d async_perform calls timed out\n"
      "  blocks imported by catchup        %d (%d ranges)\n",
      HumanDuration(absl::Nanoseconds(c.internal_transactions.slowest_ns.load())),
      c.internal_transactions.timeouts.load(), c.internal_transactions.calls.load(),
      HumanDuration(absl::Nanoseconds(c.coin_balances.slowest_ns.load())),
      c.coin_balances.timeouts.load(), c.coin_balances.calls.load(), batches,
      seconds > 0 ? static_cast<double>(batches) / seconds : 0.0,
      stats.batches_retried.load(), stats.spawned.load(), stats.entries_done.load(),
      stats.entries_buffered.load(), stats.init_entries.load(),
      stats.init_complete.load() ? "complete" : "still running",
      stats.init_call_timeouts.load(), env.catchup.blocks_imported.load(),
      env.catchup.ranges_done.load());
  return out;
}

}  // namespace overseer::indexer
