// RuntimeImpl: the state behind Runtime (internal): the process table, the
// name registry, the schedulers, the timers, and the paths every process
// takes (spawn, deliver, run a slice, exit).
#ifndef OVERSEER_CORE_RUNTIME_IMPL_H_
#define OVERSEER_CORE_RUNTIME_IMPL_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <functional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/synchronization/mutex.h"
#include "core/observer.h"
#include "core/pcb.h"
#include "core/process_info.h"
#include "core/runtime.h"
#include "core/scheduler.h"
#include "core/timer_service.h"

namespace overseer {

// A caller outside the runtime, blocked in Runtime::Call.
struct ExternalReply {
  absl::Mutex mu;
  absl::CondVar cv;
  bool done ABSL_GUARDED_BY(mu) = false;
  bool abandoned ABSL_GUARDED_BY(mu) = false;
  Message value ABSL_GUARDED_BY(mu);
};

}  // namespace overseer

namespace overseer::internal {

// The answer a caller gets when the callee ended without answering its
// call; the caller turns it into NotFound.
struct CalleeExited {
  std::string reason;
};

// Payload of a kInspect envelope.
struct InspectRequest {
  int preview = 5;
  std::function<void(ProcessInspection)> done;
};

class RuntimeImpl {
 public:
  RuntimeImpl(Runtime* owner, const RuntimeOptions& options);
  ~RuntimeImpl();

  Runtime* owner() const { return owner_; }
  Scheduler& scheduler() { return *scheduler_; }
  TimerService& timers() { return timers_; }
  const RuntimeOptions& options() const { return options_; }

  // Process table. Thread-safe.
  uint64_t NextId() { return next_id_.fetch_add(1, std::memory_order_relaxed); }
  void Insert(Pcb* pcb);
  void Remove(Pcb* pcb);
  Pid Find(uint64_t id) const;
  size_t count() const { return static_cast<size_t>(count_.load()); }
  void ForEach(absl::FunctionRef<void(Pcb&)> visit) const;

  // Names. Thread-safe.
  // Fails if the name is taken by a live process, or if the process is
  // gone or has a name already (a process has at most one, as on the BEAM).
  absl::Status Register(std::string_view name, const Pid& pid);
  // When `only` is given, unregisters `name` only if it names that process
  // (a process that ends must not free a name registered again since).
  bool Unregister(std::string_view name, const Pcb* only = nullptr);
  Pid Whereis(std::string_view name) const;

  // Moves an idle process to the run queue. Any thread.
  void Wake(Pcb* pcb);
  // One scheduling slice of `pcb` (scheduler thread).
  void RunSlice(Pcb* pcb);
  // Ends `pcb`, which the calling thread owns (running it, or spawning it).
  void EndProcess(Pcb* pcb, const ExitReason& reason);
  // Links, monitors, exit signals. Any thread.
  void LinkPair(Pcb* a, Pcb* b);
  void UnlinkPair(Pcb* a, Pcb* b);
  uint64_t AddMonitor(Pcb* watcher, Pcb* target);
  bool RemoveMonitor(Pcb* watcher, uint64_t ref);
  void SendExitSignal(const Pid& to, const Pid& from, const ExitReason& r);

  ProcessInfo ReadInfo(Pcb& pcb, bool take_peaks) const;
  void Emit(RuntimeEvent::Kind kind, uint64_t pid, uint64_t other,
            std::string text);
  bool observing() const {
    return observer_.load(std::memory_order_relaxed) != nullptr;
  }
  void SetObserver(RuntimeObserver* o) { observer_.store(o); }

  std::atomic<uint64_t> spawned_{0};
  const int64_t start_ns_;

 private:
  void DrainSignals(Pcb* pcb);
  void Dispatch(Pcb* pcb, Envelope* e);
  void FinishHandler(Pcb* pcb);
  void ResumeWait(Pcb* pcb, Envelope* e);
  void Crash(Pcb* pcb, const std::string& what);
  void Inspect(Pcb* pcb, Envelope* e);

  static constexpr int kShards = 64;
  struct Shard {
    mutable absl::Mutex mu;
    absl::flat_hash_map<uint64_t, Pcb*> procs ABSL_GUARDED_BY(mu);
  };
  Runtime* const owner_;
  const RuntimeOptions options_;
  Shard shards_[kShards];
  std::atomic<uint64_t> next_id_{1};
  std::atomic<int64_t> count_{0};
  mutable absl::Mutex names_mu_;
  absl::flat_hash_map<std::string, Pid> names_ ABSL_GUARDED_BY(names_mu_);
  std::atomic<RuntimeObserver*> observer_{nullptr};
  TimerService timers_;
  std::unique_ptr<Scheduler> scheduler_;  // last: its threads use the above
};

// The process whose code runs on this thread, or null.
Pcb* CurrentPcb();
void SetCurrentPcb(Pcb* pcb);

// "handle_call(Buffer)": an interned name with static lifetime.
const char* HandlerName(Envelope::Kind kind, const std::type_info& type);

}  // namespace overseer::internal

#endif  // OVERSEER_CORE_RUNTIME_IMPL_H_
