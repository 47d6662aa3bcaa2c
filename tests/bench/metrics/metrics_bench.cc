// What an exporter costs a node: NodeMetrics::Observe per sample and a
// scrape (Scrape + rendering) at 10k, 100k and 1M processes, with the
// output's size (it stays bounded by the ranking).
//
//   cmake --preset bench && cmake --build build/bench --target metrics_bench
//   build/bench/tests/bench/metrics/metrics_bench
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "probes/metrics/exposition.h"
#include "probes/metrics/node_metrics.h"

namespace overseer {
namespace {

Snapshot Sample(size_t processes, uint64_t tick) {
  Snapshot s;
  s.time_ns = static_cast<int64_t>(tick) * 1'000'000'000;
  s.processes.reserve(processes);
  for (size_t i = 0; i < processes; ++i) {
    ProcessSample p;
    p.pid = i + 1;
    p.name = i % 10 == 0 ? absl::StrCat("worker.", i) : "";
    p.initial_call = "Task.Supervised:invoke/2";
    const uint64_t memory = 700 + (i * 7919 + tick * 31) % 100'000;
    p.memory = {memory, memory + (i % 13 == 0 ? 50'000 : 0)};
    p.mailbox_len = {(i * 31 + tick) % 17, (i * 31 + tick) % 19};
    p.mailbox_bytes = {p.mailbox_len.value * 64, p.mailbox_len.peak * 64};
    s.system.process_memory += memory;
    s.processes.push_back(std::move(p));
  }
  s.system.process_count = processes;
  s.system.scheduler_utilization = {0.5, 0.5};
  return s;
}

void BM_Observe(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const Snapshot a = Sample(n, 1), b = Sample(n, 2);
  NodeMetrics m;
  m.Observe(a, {});
  bool flip = false;
  for (auto _ : state) {
    m.Observe(flip ? a : b, {});
    flip = !flip;
  }
  state.counters["ns/process"] = benchmark::Counter(
      static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate |
                                  benchmark::Counter::kInvert);
}
BENCHMARK(BM_Observe)->Arg(10'000)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

void BM_Scrape(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const Snapshot a = Sample(n, 1);
  NodeMetrics m;
  size_t bytes = 0;
  for (auto _ : state) {
    state.PauseTiming();
    m.Observe(a, {});
    state.ResumeTiming();
    const std::string body = RenderOpenMetrics(m.Scrape());
    bytes = body.size();
    benchmark::DoNotOptimize(body.data());
  }
  state.counters["body_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_Scrape)->Arg(10'000)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace overseer

BENCHMARK_MAIN();
