#include "tests/bench/core/bench_support.h"

#include <malloc.h>
#include <unistd.h>

#include <cstdio>
#include <thread>

namespace overseer::bench {
namespace {
int g_schedulers = 2;
}  // namespace

int Schedulers() { return g_schedulers; }
void SetSchedulers(int n) { g_schedulers = n; }

int64_t ResidentBytes() {
  malloc_trim(0);
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return -1;
  long size = 0;
  long resident = 0;
  int read = std::fscanf(f, "%ld %ld", &size, &resident);
  std::fclose(f);
  if (read != 2) return -1;
  return static_cast<int64_t>(resident) * sysconf(_SC_PAGESIZE);
}

void WaitForProcessCount(const Runtime& rt, size_t count) {
  while (rt.process_count() != count) std::this_thread::yield();
}

}  // namespace overseer::bench
