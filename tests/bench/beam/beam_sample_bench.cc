// What one sample of a real BEAM node costs, by number of processes and by
// how many process_info calls are in flight at once. Starts its own node
// (tests/probes/beam/overseer_workload.erl); needs erl and erlc.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <memory>

#include "probes/beam/beam_sampler.h"
#include "tests/probes/beam/test_node.h"

namespace overseer {
namespace {

// One node for every benchmark, grown to the most processes asked for.
struct Node {
  std::unique_ptr<testing::TestNode> node;
  std::unique_ptr<BeamConnection> connection;
  int64_t extra = 0;
};

// Stopped at exit (the TestNode's destructor stops the node).
Node* TheNode() {
  static std::unique_ptr<Node> n = [] {
    auto made = std::make_unique<Node>();
    absl::StatusOr<std::unique_ptr<testing::TestNode>> t = testing::TestNode::Start(1000);
    if (!t.ok()) {
      std::fprintf(stderr, "cannot start a node: %s\n", t.status().ToString().c_str());
      return made;
    }
    made->node = *std::move(t);
    absl::StatusOr<std::unique_ptr<BeamConnection>> c = made->node->Connect();
    if (c.ok()) made->connection = *std::move(c);
    return made;
  }();
  return n.get();
}

void BM_TakeSample(benchmark::State& state) {
  Node* n = TheNode();
  if (n->connection == nullptr) {
    state.SkipWithError("no node (is erl installed?)");
    return;
  }
  const int64_t extra = state.range(0);
  if (extra > n->extra) {
    const RpcArg args[] = {RpcArg::Integer(extra - n->extra)};
    if (!n->connection->Call("overseer_workload", "spawn_idle", args, absl::Seconds(60))
             .ok()) {
      state.SkipWithError("spawn_idle failed");
      return;
    }
    n->extra = extra;
  }
  BeamSampler sampler(*n->connection, {.timeout = absl::Seconds(60),
                                       .pipeline = static_cast<int>(state.range(1))});
  if (!sampler.Describe(absl::Seconds(1)).ok()) {
    state.SkipWithError("describe failed");
    return;
  }
  size_t processes = 0;
  for (auto _ : state) {
    absl::StatusOr<BeamReading> r = sampler.Take();
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      return;
    }
    processes = r->snapshot.processes.size();
  }
  state.counters["processes"] = static_cast<double>(processes);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(processes));
}
// The node only grows: every pipeline depth at its size, then the next size.
BENCHMARK(BM_TakeSample)
    ->Apply([](benchmark::internal::Benchmark* b) {
      for (int64_t extra : {0, 10'000, 50'000}) {
        for (int64_t pipeline : {1, 8, 32, 128}) b->Args({extra, pipeline});
      }
    })
    ->ArgNames({"extra", "pipeline"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace overseer

BENCHMARK_MAIN();
