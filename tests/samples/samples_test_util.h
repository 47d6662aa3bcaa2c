// Helpers shared by the workload tests: waiting for a condition without a
// fixed sleep, and a runtime sized for the CI machine.
#ifndef OVERSEER_TESTS_SAMPLES_SAMPLES_TEST_UTIL_H_
#define OVERSEER_TESTS_SAMPLES_SAMPLES_TEST_UTIL_H_

#include <functional>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/runtime.h"

namespace overseer::testing {

// Generous: the limit only turns a hang into a failure, it times nothing.
inline constexpr absl::Duration kPatience = absl::Seconds(60);

// Polls `done` until it holds; false if `limit` passed first.
inline bool Eventually(const std::function<bool()>& done,
                       absl::Duration limit = kPatience) {
  absl::Time deadline = absl::Now() + limit;
  while (!done()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(1));
  }
  return true;
}

inline RuntimeOptions TestRuntime() { return RuntimeOptions{.schedulers = 2}; }

}  // namespace overseer::testing

#endif  // OVERSEER_TESTS_SAMPLES_SAMPLES_TEST_UTIL_H_
