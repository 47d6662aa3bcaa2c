// Scheduler: N threads that run runnable processes a slice at a time. Each
// thread has its own run queue; an idle thread steals from the others, and
// sleeps on a condition variable when there is nothing at all to run (no
// busy-spinning). Internal to the runtime.
#ifndef OVERSEER_CORE_SCHEDULER_H_
#define OVERSEER_CORE_SCHEDULER_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace overseer::internal {

class Pcb;

class Scheduler {
 public:
  // `run` runs one slice of a process; it is called on scheduler threads.
  Scheduler(int threads, std::function<void(Pcb*)> run);
  ~Scheduler();  // stops and joins

  // Queues a process whose state the caller moved to scheduled. Any thread.
  void Enqueue(Pcb* pcb);
  void Stop();

  int threads() const { return static_cast<int>(workers_.size()); }
  std::vector<int64_t> BusyNs() const;
  // Messages sent from each scheduler thread, plus from outside.
  uint64_t MessagesSent() const;
  // Counts one sent message on the calling thread. Any thread.
  void CountSend();

 private:
  struct Worker {
    absl::Mutex mu;
    std::deque<Pcb*> queue ABSL_GUARDED_BY(mu);
    std::atomic<size_t> size{0};
    std::atomic<int64_t> busy_cycles{0};  // CycleNow() ticks
    std::atomic<uint64_t> sent{0};
    std::thread thread;
  };
  void Loop(int index);
  Pcb* Take(int index);
  bool AnyWork() const;
  void WakeOne();

  std::function<void(Pcb*)> run_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::atomic<uint64_t> external_sent_{0};
  std::atomic<uint32_t> next_external_{0};
  std::atomic<int> sleepers_{0};
  std::atomic<bool> stop_{false};
  absl::Mutex sleep_mu_;
  absl::CondVar sleep_cv_;
};

}  // namespace overseer::internal

#endif  // OVERSEER_CORE_SCHEDULER_H_
