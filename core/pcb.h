// Pcb: the runtime's control block of one process (internal). Fields are
// grouped by who writes them: the owner (the scheduler thread running the
// process), anyone (atomics), or under mu_ (links, monitors, name).
#ifndef OVERSEER_CORE_PCB_H_
#define OVERSEER_CORE_PCB_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "core/account.h"
#include "core/co.h"
#include "core/exit_reason.h"
#include "core/mailbox.h"
#include "core/pid.h"
#include "core/process.h"
#include "core/process_kind.h"
#include "core/zone.h"

namespace overseer::internal {

class RuntimeImpl;

struct MonitorEntry {
  Pid pid;  // the watcher (in monitored_by) or the target (in monitoring)
  uint64_t ref = 0;
};

// What a suspended handler waits for.
struct Wait {
  bool active = false;
  std::function<bool(const Envelope&)> match;
  uint64_t timeout_ref = 0;  // the kTimeout envelope that ends the wait
  uint64_t timer = 0;
  std::coroutine_handle<> resume;
  Envelope* got = nullptr;   // what matched (owned until resumed)
  bool timed_out = false;
  Pid callee;                // for a call: who, and with what
  const std::type_info* request = nullptr;
};

class Pcb {
 public:
  enum Sched : uint8_t { kIdle = 0, kScheduled = 1, kDead = 2 };

  Pcb(RuntimeImpl* rt, uint64_t id) : rt_(rt), id_(id), held_(&own_) {}

  RuntimeImpl* rt_;
  const uint64_t id_;
  std::atomic<int64_t> refs_{1};
  std::atomic<uint8_t> sched_{kIdle};
  std::atomic<ProcessStatus> status_{ProcessStatus::kWaiting};

  Account own_;   // state, mailbox, frames; parent of held_
  Account held_;  // parent of each held child spec's account
  Mailbox mailbox_;

  // Owner only.
  std::unique_ptr<Process> behaviour_;
  Co pending_;                        // a handler suspended in a wait
  std::unique_ptr<Envelope> current_; // the message that handler works on
  Wait wait_;
  // Time spent suspended in waits, for zones to leave out (CycleNow ticks).
  int64_t suspended_cycles_ = 0;
  int64_t suspended_since_ = 0;
  bool stopping_ = false;
  bool call_terminate_ = false;  // stopped itself or crashed
  ExitReason stop_reason_;

  // Written by the owner, read by anyone.
  std::atomic<uint64_t> reductions_{0};
  std::atomic<uint64_t> messages_in_{0};
  std::atomic<uint64_t> messages_out_{0};
  std::atomic<uint64_t> bytes_in_{0};
  std::atomic<uint64_t> bytes_out_{0};
  std::atomic<uint64_t> send_ns_{0};
  // The largest single message sent since the sampler last took it, and its
  // destination's pid number; the sampler resets the size with exchange(0).
  std::atomic<uint64_t> largest_send_{0};
  std::atomic<uint64_t> largest_send_to_{0};
  // Stored with release, so that a reader (acquire) sees the name's bytes.
  std::atomic<const char*> current_function_{"init"};
  std::atomic<bool> trap_exit_{false};
  std::atomic<ZoneTable*> zones_{nullptr};  // allocated when profiling is on

  // Set at spawn, then read-only.
  ProcessKind kind_ = ProcessKind::kWorker;
  std::string initial_call_;
  uint64_t parent_ = 0;
  std::vector<uint64_t> ancestors_;

  mutable absl::Mutex mu_;
  bool dead_ ABSL_GUARDED_BY(mu_) = false;
  // Dead, and its links and monitors told, and out of the table.
  bool exited_ ABSL_GUARDED_BY(mu_) = false;
  std::string name_ ABSL_GUARDED_BY(mu_);
  std::vector<Pid> links_ ABSL_GUARDED_BY(mu_);
  std::vector<MonitorEntry> monitored_by_ ABSL_GUARDED_BY(mu_);
  std::vector<MonitorEntry> monitoring_ ABSL_GUARDED_BY(mu_);
  std::vector<std::function<void()>> on_exit_ ABSL_GUARDED_BY(mu_);
};

// Control blocks kept after their process ended, until blocks it left
// behind are freed (for tests). Thread-safe.
size_t RetiredCount();

// Bytes of runtime overhead a process costs besides what its account owns.
inline constexpr int64_t kPcbBytes =
    static_cast<int64_t>(sizeof(Pcb) + kAllocationHeaderBytes);

// Gives the runtime access to a behaviour's protected hooks.
struct ProcessAccess {
  static void Bind(Process& p, Pcb* pcb);
  static absl::Status Init(Process& p) { return p.Init(); }
  static Co Handle(Process& p, Envelope::Kind k, Message& m, From f) {
    return p.Handle(k, m, std::move(f));
  }
  static void Terminate(Process& p, const ExitReason& r) { p.Terminate(r); }
  static void Inspect(const Process& p, ProcessInspection& out) {
    p.Inspect(out);
  }
};

}  // namespace overseer::internal

#endif  // OVERSEER_CORE_PCB_H_
