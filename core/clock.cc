#include "core/clock.h"

#include <chrono>
#include <thread>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace overseer {
namespace {

double NsPerCycle() {
#if defined(__x86_64__)
  static const double ratio = [] {
    int64_t t0 = MonotonicNowNs();
    uint64_t c0 = __rdtsc();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    int64_t t1 = MonotonicNowNs();
    uint64_t c1 = __rdtsc();
    return c1 > c0 ? static_cast<double>(t1 - t0) / static_cast<double>(c1 - c0)
                   : 1.0;
  }();
  return ratio;
#else
  return 1.0;
#endif
}

}  // namespace

int64_t MonotonicNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int64_t CycleNow() {
#if defined(__x86_64__)
  return static_cast<int64_t>(__rdtsc());
#else
  return MonotonicNowNs();
#endif
}

int64_t CyclesToNs(int64_t cycles) {
  return static_cast<int64_t>(static_cast<double>(cycles) * NsPerCycle());
}

}  // namespace overseer
