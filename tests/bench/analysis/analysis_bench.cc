// The analysis layer at the scale the Processes and Applications views must
// stay fast at: building the rows of a snapshot (with rates and outliers),
// sorting, filtering and taking the top N, and rolling up the supervision
// tree, at 100k and 1M processes. Results: docs/performance.md, "Analysis".
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "benchmark/benchmark.h"
#include "probes/analysis/process_table.h"
#include "probes/analysis/row_query.h"
#include "probes/analysis/supervision_tree.h"

namespace overseer {
namespace {

// A node of `count` processes: one root supervisor, pool supervisors of
// 1,000 workers each under it, workers with varied memory and mailboxes, a
// few of them fat. `drift` shifts memory so a later snapshot has rates.
Snapshot MakeSnapshot(uint64_t count, int64_t time_ns, uint64_t drift) {
  Snapshot s;
  s.time_ns = time_ns;
  s.processes.resize(count);
  uint64_t rng = 0x9E3779B97F4A7C15ull;
  uint64_t pools = count / 1'001 + 1;
  for (uint64_t i = 0; i < count; ++i) {
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    ProcessSample& p = s.processes[i];
    p.pid = i + 1;
    bool pool_sup = i >= 1 && i <= pools;
    p.parent = i == 0 ? 0 : pool_sup ? 1 : 2 + (i % pools);
    p.kind = i == 0 || pool_sup ? ProcessKind::kSupervisor : ProcessKind::kWorker;
    if (i < 100) p.name = "registered_" + std::to_string(i);
    p.initial_call = pool_sup ? "Pool.Supervisor:init/1" : "Pool.Worker:init/1";
    p.current_function =
        (rng >> 40) % 2 ? "Pool.Worker:handle_cast/2" : "gen_server:loop/7";
    uint64_t memory = 1'500 + (rng >> 50) + ((i % 997) == 0 ? 5'000'000 : 0);
    memory += drift * (i % 13);
    p.memory = {memory, memory};
    uint64_t msgq = (rng >> 60) + ((i % 9'973) == 0 ? 2'000 : 0);
    p.mailbox_len = {msgq, msgq};
    p.reductions = (rng >> 44) + drift * 10;
  }
  return s;
}

// Snapshots are built once per size: making a million processes costs
// more than what is measured.
const std::pair<Snapshot, Snapshot>& Pair(uint64_t count) {
  static std::map<uint64_t, std::unique_ptr<std::pair<Snapshot, Snapshot>>> cache;
  auto& slot = cache[count];
  if (!slot) {
    slot = std::make_unique<std::pair<Snapshot, Snapshot>>(
        MakeSnapshot(count, 0, 0), MakeSnapshot(count, 5'000'000'000, 40'000));
  }
  return *slot;
}

const ProcessTable& Table(uint64_t count) {
  static std::map<uint64_t, std::unique_ptr<ProcessTable>> cache;
  auto& slot = cache[count];
  if (!slot) {
    const auto& [base, now] = Pair(count);
    slot = std::make_unique<ProcessTable>(BuildProcessTable(now, &base));
  }
  return *slot;
}

void BM_BuildProcessTable(benchmark::State& state) {
  const auto& [base, now] = Pair(static_cast<uint64_t>(state.range(0)));
  for (auto _ : state) {
    ProcessTable table = BuildProcessTable(now, &base);
    benchmark::DoNotOptimize(table.outlier_count);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_SortAllByMemory(benchmark::State& state) {
  const ProcessTable& table = Table(static_cast<uint64_t>(state.range(0)));
  for (auto _ : state) {
    std::vector<uint32_t> order = SelectRows(table.rows, {.sort = SortKey::kMemory});
    benchmark::DoNotOptimize(order.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_SortAllByGrowth(benchmark::State& state) {
  const ProcessTable& table = Table(static_cast<uint64_t>(state.range(0)));
  for (auto _ : state) {
    std::vector<uint32_t> order = SelectRows(table.rows, {.sort = SortKey::kGrowth});
    benchmark::DoNotOptimize(order.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_SortAllByName(benchmark::State& state) {
  const ProcessTable& table = Table(static_cast<uint64_t>(state.range(0)));
  for (auto _ : state) {
    std::vector<uint32_t> order = SelectRows(table.rows, {.sort = SortKey::kName});
    benchmark::DoNotOptimize(order.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_Top10ByMsgq(benchmark::State& state) {
  const ProcessTable& table = Table(static_cast<uint64_t>(state.range(0)));
  for (auto _ : state) {
    std::vector<uint32_t> order =
        SelectRows(table.rows, {.sort = SortKey::kMsgq, .limit = 10});
    benchmark::DoNotOptimize(order.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_FilterAndSort(benchmark::State& state) {
  const ProcessTable& table = Table(static_cast<uint64_t>(state.range(0)));
  for (auto _ : state) {
    // Matches the pids with "4242" in them and nothing by name.
    std::vector<uint32_t> order =
        SelectRows(table.rows, {.filter = "4242", .sort = SortKey::kMemory});
    benchmark::DoNotOptimize(order.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_FilterByFunctionAndSort(benchmark::State& state) {
  const ProcessTable& table = Table(static_cast<uint64_t>(state.range(0)));
  for (auto _ : state) {
    // Matches about half the rows, by current function.
    std::vector<uint32_t> order =
        SelectRows(table.rows, {.filter = "HANDLE_CAST", .sort = SortKey::kMemory});
    benchmark::DoNotOptimize(order.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_BuildSupervisionTree(benchmark::State& state) {
  const Snapshot& now = Pair(static_cast<uint64_t>(state.range(0))).second;
  for (auto _ : state) {
    SupervisionTree tree = BuildSupervisionTree(now);
    benchmark::DoNotOptimize(tree.nodes.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_TopChildrenOfRoot(benchmark::State& state) {
  const Snapshot& now = Pair(static_cast<uint64_t>(state.range(0))).second;
  SupervisionTree tree = BuildSupervisionTree(now);
  for (auto _ : state) {
    ChildSlice slice = TopChildren(tree, 0, 20);
    benchmark::DoNotOptimize(slice.rest_memory);
  }
}

void Sizes(benchmark::internal::Benchmark* b) {
  b->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
}

BENCHMARK(BM_BuildProcessTable)->Apply(Sizes);
BENCHMARK(BM_SortAllByMemory)->Apply(Sizes);
BENCHMARK(BM_SortAllByGrowth)->Apply(Sizes);
BENCHMARK(BM_SortAllByName)->Apply(Sizes);
BENCHMARK(BM_Top10ByMsgq)->Apply(Sizes);
BENCHMARK(BM_FilterAndSort)->Apply(Sizes);
BENCHMARK(BM_FilterByFunctionAndSort)->Apply(Sizes);
BENCHMARK(BM_BuildSupervisionTree)->Apply(Sizes);
BENCHMARK(BM_TopChildrenOfRoot)->Apply(Sizes);

}  // namespace
}  // namespace overseer

BENCHMARK_MAIN();
