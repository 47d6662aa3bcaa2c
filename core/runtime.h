// Runtime: a node of OTP-style processes on N scheduler threads, which knows
// at every moment what each process owns and how its mailbox looks.
//
// Code outside the runtime (a main, a test) uses the public API below; code
// inside a process uses its Process API (process.h). Every method here is
// thread-safe. Call() blocks the calling thread and must not be used from
// inside a process (it returns FailedPrecondition there: use co_await Call).
//
// Example:
//   Runtime rt;                                   // one scheduler per core
//   absl::StatusOr<Pid> pid = rt.Spawn<Counter>({.name = "counter"});
//   rt.Cast(*pid, Increment{});
//   absl::StatusOr<int> n = rt.CallAs<int>(*pid, Get{}, absl::Seconds(1));
#ifndef OVERSEER_CORE_RUNTIME_H_
#define OVERSEER_CORE_RUNTIME_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/message.h"
#include "core/observer.h"
#include "core/pid.h"
#include "core/process.h"
#include "core/process_info.h"

namespace overseer {

struct RuntimeOptions {
  int schedulers = 0;  // 0: one per core
  // Messages a process may handle before it yields its scheduler thread.
  int slice_messages = 64;
};

// Node-wide counters, cumulative.
struct RuntimeCounters {
  uint64_t messages_sent = 0;
  uint64_t processes_spawned = 0;
  int64_t live_binary_bytes = 0;
  std::vector<int64_t> scheduler_busy_ns;  // per scheduler thread
  int64_t uptime_ns = 0;
};

namespace internal {
class RuntimeImpl;
}

class Runtime {
 public:
  explicit Runtime(RuntimeOptions options = {});
  // Ends every process (no terminate callbacks) and joins the schedulers.
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // Starts a process running behaviour B, constructed from `args` inside
  // the new process's account (the arguments are copied into it), and runs
  // its Init() before returning.
  template <typename B, typename... Args>
  absl::StatusOr<Pid> Spawn(SpawnOptions options, Args&&... args) {
    return internal::SpawnProcess(*this, options, [&] {
      return std::unique_ptr<Process>(new B(std::forward<Args>(args)...));
    });
  }

  // Copies `msg` into `to`'s mailbox. Returns false if `to` is not alive.
  template <typename T>
  bool Send(const Pid& to, const T& msg) {
    return internal::Deliver(to, Envelope::Kind::kInfo, 0,
                             [&] { return Message::Of(msg); });
  }
  template <typename T>
  bool Cast(const Pid& to, const T& msg) {
    return internal::Deliver(to, Envelope::Kind::kCast, 0,
                             [&] { return Message::Of(msg); });
  }
  // Blocks until `to` replies or `timeout` passes (DeadlineExceeded naming
  // the callee and the request; a late reply is dropped). NotFound if `to`
  // is gone or ends without answering, as Process::Call.
  template <typename T>
  absl::StatusOr<Message> Call(const Pid& to, const T& request,
                               absl::Duration timeout) {
    return CallMessage(to, [&] { return Message::Of(request); }, typeid(T),
                       timeout);
  }
  // Call, with the reply unwrapped as an R (InvalidArgument if it is not).
  template <typename R, typename T>
  absl::StatusOr<R> CallAs(const Pid& to, const T& request,
                           absl::Duration timeout) {
    absl::StatusOr<Message> reply = Call(to, request, timeout);
    if (!reply.ok()) return reply.status();
    if (const R* r = reply->template As<R>()) return *r;
    return absl::InvalidArgumentError("reply is a " + reply->type_name());
  }

  // Sends an exit signal to `to` from outside the runtime.
  void Exit(const Pid& to, const ExitReason& reason);

  // Gives `pid` the name: AlreadyExists if a live process has it or `pid`
  // has a name already (one per process, as on the BEAM), NotFound if `pid`
  // is gone. The name is freed when the process ends.
  absl::Status Register(std::string_view name, const Pid& pid);
  bool Unregister(std::string_view name);
  // The pid registered as `name`, or an empty Pid.
  Pid Whereis(std::string_view name) const;
  // The live process <0.id.0>, or an empty Pid.
  Pid Find(uint64_t id) const;
  bool Alive(const Pid& pid) const;
  // Blocks until `pid` has exited or `timeout` passed; true if it exited.
  // Once it returns true, the exit signals and DOWNs of `pid` have been
  // sent, and it is out of the process table.
  bool WaitExit(const Pid& pid, absl::Duration timeout) const;

  template <typename T>
  TimerRef SendAfter(const Pid& to, const T& msg, absl::Duration delay) {
    return internal::StartTimer(*this, to, Message::Of(msg), delay);
  }
  bool CancelTimer(TimerRef timer);

  // One process's figures; take_peaks restarts the peaks (the sampler's job).
  std::optional<ProcessInfo> Info(const Pid& pid, bool take_peaks = false) const;
  // Every live process, without stopping the runtime. `visit` runs with a
  // part of the process table locked: it must not spawn or look up
  // processes (Find, Spawn) itself; copy what it needs and act after.
  void ForEachProcess(absl::FunctionRef<void(const ProcessInfo&)> visit,
                      bool take_peaks = false) const;
  // Asks the process to describe its mailbox and what it holds; `done` runs
  // on a scheduler thread when it has (or never, if the process ends first).
  void InspectAsync(const Pid& pid, int preview,
                    std::function<void(ProcessInspection)> done);
  // InspectAsync, waited for (outside the runtime only).
  absl::StatusOr<ProcessInspection> Inspect(const Pid& pid,
                                            absl::Duration timeout,
                                            int preview = 5);

  size_t process_count() const;
  // Bytes of runtime overhead per process (its control block), which every
  // process's memory includes.
  static int64_t ProcessOverheadBytes();
  int schedulers() const;
  RuntimeCounters counters() const;

  // Events go to `observer` (null: none) from now on; it must outlive its
  // installation.
  void SetObserver(RuntimeObserver* observer);
  // A log line, as an event (and on stderr when no observer is installed
  // and `echo` is set).
  void Log(std::string_view text, bool echo = false);
  // Turns the timed zones on or off (off by default: one branch each).
  void SetProfiling(bool on);
  bool profiling() const;

  internal::RuntimeImpl& impl() const { return *impl_; }

 private:
  absl::StatusOr<Message> CallMessage(const Pid& to,
                                      absl::FunctionRef<Message()> make,
                                      const std::type_info& request,
                                      absl::Duration timeout);
  std::unique_ptr<internal::RuntimeImpl> impl_;
};

}  // namespace overseer

#endif  // OVERSEER_CORE_RUNTIME_H_
