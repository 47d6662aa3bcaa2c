// TimerService: one thread that delivers messages at their deadlines
// (send_after, call timeouts). Internal to the runtime. Thread-safe.
#ifndef OVERSEER_CORE_TIMER_SERVICE_H_
#define OVERSEER_CORE_TIMER_SERVICE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace overseer::internal {

class TimerService {
 public:
  TimerService();
  ~TimerService();  // stops; pending timers are dropped

  // Runs `fire` on the timer thread after `delay`, unless cancelled.
  // Returns the timer's id (never 0).
  uint64_t Start(absl::Duration delay, std::function<void()> fire);
  // True if the timer was pending and will now never fire.
  bool Cancel(uint64_t id);
  void Stop();

 private:
  void Loop();
  absl::Mutex mu_;
  absl::CondVar cv_;
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  // When the timer thread, if it sleeps, wakes up by itself; it checks the
  // timers before it sleeps again, so it needs a signal only for an earlier
  // deadline.
  absl::Time wake_at_ ABSL_GUARDED_BY(mu_) = absl::InfiniteFuture();
  std::multimap<absl::Time, uint64_t> by_deadline_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<uint64_t, std::pair<absl::Time, std::function<void()>>>
      timers_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace overseer::internal

#endif  // OVERSEER_CORE_TIMER_SERVICE_H_
