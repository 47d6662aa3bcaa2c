// A cheap monotonic clock for timing sends and zones: the TSC where there is
// one (a few ns per read), calibrated once against steady_clock.
#ifndef OVERSEER_CORE_CLOCK_H_
#define OVERSEER_CORE_CLOCK_H_

#include <cstdint>

namespace overseer {

// Ticks of a monotonic counter. Thread-safe.
int64_t CycleNow();
// Converts a tick difference to nanoseconds. Thread-safe.
int64_t CyclesToNs(int64_t cycles);
// Nanoseconds of the monotonic clock (steady_clock). Thread-safe.
int64_t MonotonicNowNs();

}  // namespace overseer

#endif  // OVERSEER_CORE_CLOCK_H_
