// GaugeCounter: a figure that goes up and down (a mailbox's length, its
// bytes) and keeps its peak since the last TakePeak(), so a sampler sees a
// spike that came and went between two readings. Thread-safe: any thread may
// Add(), one reader should TakePeak().
#ifndef OVERSEER_CORE_GAUGE_H_
#define OVERSEER_CORE_GAUGE_H_

#include <atomic>
#include <cstdint>

namespace overseer {

class GaugeCounter {
 public:
  void Add(int64_t delta) {
    int64_t now = value_.fetch_add(delta, std::memory_order_relaxed) + delta;
    if (delta > 0) {
      int64_t p = peak_.load(std::memory_order_relaxed);
      while (now > p &&
             !peak_.compare_exchange_weak(p, now, std::memory_order_relaxed)) {
      }
    }
  }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }
  int64_t peak() const {
    int64_t p = peak_.load(std::memory_order_relaxed);
    int64_t v = value();
    return p > v ? p : v;
  }
  int64_t TakePeak() {
    int64_t v = value();
    int64_t p = peak_.exchange(v, std::memory_order_relaxed);
    return p > v ? p : v;
  }

 private:
  std::atomic<int64_t> value_{0};
  std::atomic<int64_t> peak_{0};
};

}  // namespace overseer

#endif  // OVERSEER_CORE_GAUGE_H_
