// core_bench: Google Benchmark's main, plus --schedulers=N (default 2), the
// scheduler threads every runtime in these benchmarks gets; the peer
// programs take the same number so that the comparison is fair.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "benchmark/benchmark.h"
#include "tests/bench/core/bench_support.h"

int main(int argc, char** argv) {
  constexpr const char kFlag[] = "--schedulers=";
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], kFlag, sizeof(kFlag) - 1) == 0) {
      int n = std::atoi(argv[i] + sizeof(kFlag) - 1);
      if (n < 1) {
        std::fprintf(stderr, "core_bench: --schedulers wants a count >= 1\n");
        return 2;
      }
      overseer::bench::SetSchedulers(n);
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::AddCustomContext("schedulers",
                              std::to_string(overseer::bench::Schedulers()));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
