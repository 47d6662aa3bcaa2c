// Processes: spawn+exit per second, and what an idle process costs.
//
// Spawn+exit: a spawner process starts kSpawns children one after another;
// each child sends the spawner Done from its Init and ends itself; a batch
// is over when the spawner has every Done and every child is gone (the
// process count is back where it was). The BEAM and CAF programs in
// tests/bench/peers/ do the same.
//
// Idle memory: kIdleProcesses minimal processes (no state, waiting for a
// message). Reported: the runtime's own figure for one of them
// (Info(pid)->memory) and the growth of the resident set per process, which
// adds what the figure leaves out (the process table, malloc's own overhead).
// Run it alone (--benchmark_filter=IdleProcess) for an honest RSS reading.
#include <cstdint>
#include <utility>
#include <vector>

#include "benchmark/benchmark.h"
#include "core/gen_server.h"
#include "core/runtime.h"
#include "tests/bench/core/bench_support.h"

namespace overseer {
namespace {

struct Done {};

// Tells its parent it ran, then ends (an exit signal to itself, so the end
// runs on a scheduler thread as any exit does).
class Child final : public Process {
 public:
  explicit Child(Pid parent) : parent_(std::move(parent)) {}

 protected:
  absl::Status Init() override {
    Send(parent_, Done{});
    Exit(self(), ExitReason::Normal());
    return absl::OkStatus();
  }
  Co Handle(Envelope::Kind, Message&, From) override { return {}; }

 private:
  Pid parent_;
};

struct SpawnerState {
  From from;
  int64_t left = 0;
};

class Spawner final : public GenServer<SpawnerState> {
 protected:
  Co HandleCall(SpawnerState& s, Message& m, From from) override {
    const auto* run = m.As<bench::RunBatch>();
    if (run == nullptr || run->n <= 0) {
      Reply(from, false);
      return {};
    }
    s.from = std::move(from);
    s.left = run->n;
    for (int64_t i = 0; i < run->n; ++i) {
      if (!runtime().Spawn<Child>(SpawnOptions{}, self()).ok()) {
        Reply(s.from, false);
        s.left = -1;
        return {};
      }
    }
    return {};
  }
  Co HandleInfo(SpawnerState& s, Message& m) override {
    if (m.Is<Done>() && --s.left == 0) Reply(s.from, true);
    return {};
  }
};

void BM_SpawnExit(benchmark::State& state) {
  Runtime rt({.schedulers = bench::Schedulers()});
  absl::StatusOr<Pid> spawner = rt.Spawn<Spawner>({});
  const size_t base = rt.process_count();
  auto batch = [&] {
    absl::StatusOr<bool> ok =
        rt.CallAs<bool>(*spawner, bench::RunBatch{bench::kSpawns}, absl::Seconds(120));
    bench::WaitForProcessCount(rt, base);
    return ok.ok() && *ok;
  };
  if (!batch()) state.SkipWithError("warm-up batch failed");
  for (auto _ : state) {
    if (!batch()) state.SkipWithError("batch failed");
  }
  state.SetItemsProcessed(state.iterations() * bench::kSpawns);
}
BENCHMARK(BM_SpawnExit)
    ->Iterations(bench::kBatches)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// The smallest process there is: no state, ignores what it gets.
class Idle final : public Process {
 protected:
  Co Handle(Envelope::Kind, Message&, From) override { return {}; }
};

struct Empty {};
class IdleServer final : public GenServer<Empty> {};

void BM_IdleProcessMemory(benchmark::State& state) {
  Runtime rt({.schedulers = bench::Schedulers()});
  const size_t base = rt.process_count();
  std::vector<Pid> pids;
  pids.reserve(bench::kIdleProcesses);  // before the baseline: not counted
  int64_t info_bytes = 0;
  int64_t server_info_bytes = 0;
  int64_t rss_growth = 0;
  for (auto _ : state) {
    const int64_t before = bench::ResidentBytes();
    for (int64_t i = 0; i < bench::kIdleProcesses; ++i) {
      absl::StatusOr<Pid> pid = rt.Spawn<Idle>({});
      if (!pid.ok()) {
        state.SkipWithError("spawn failed");
        break;
      }
      pids.push_back(*std::move(pid));
    }
    rss_growth = bench::ResidentBytes() - before;
    if (!pids.empty()) info_bytes = rt.Info(pids.front())->memory.value;
    absl::StatusOr<Pid> server = rt.Spawn<IdleServer>({});
    if (server.ok()) server_info_bytes = rt.Info(*server)->memory.value;
    state.PauseTiming();
    if (server.ok()) pids.push_back(*server);
    for (const Pid& pid : pids) rt.Exit(pid, ExitReason::Kill());
    pids.clear();
    bench::WaitForProcessCount(rt, base);
    state.ResumeTiming();
  }
  state.counters["info_bytes"] = static_cast<double>(info_bytes);
  state.counters["genserver_info_bytes"] = static_cast<double>(server_info_bytes);
  state.counters["rss_bytes_per_process"] =
      static_cast<double>(rss_growth) / bench::kIdleProcesses;
  state.counters["control_block_bytes"] =
      static_cast<double>(Runtime::ProcessOverheadBytes());
}
BENCHMARK(BM_IdleProcessMemory)
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace overseer
