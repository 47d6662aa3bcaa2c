// Process: the base of every behaviour (GenServer, Supervisor, Task...).
// The runtime constructs a behaviour inside the new process's account, calls
// Init() before Spawn returns, then Handle() for each message on a scheduler
// thread, one message at a time. Everything a behaviour does to the world
// (send, call, reply, link, monitor, timers, spawn) goes through the
// protected API below, which must only be used from within the process's own
// callbacks (owner only).
//
// Example: see gen_server.h, which most code should derive from instead.
#ifndef OVERSEER_CORE_PROCESS_H_
#define OVERSEER_CORE_PROCESS_H_

#include <coroutine>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/account.h"
#include "core/co.h"
#include "core/exit_reason.h"
#include "core/mailbox.h"
#include "core/message.h"
#include "core/pid.h"
#include "core/process_info.h"
#include "core/process_kind.h"

namespace overseer {

class Runtime;
class Process;

// Where a call came from; pass it to Reply(), now or later.
struct From {
  Pid pid;
  Ref ref;
  std::shared_ptr<ExternalReply> external;  // a caller outside the runtime
};

// Delivered (as an info message) to a process that monitors `pid`.
struct DownMessage {
  Ref ref;
  Pid pid;
  ExitReason reason;
};

// Delivered (as an info message) to a process that traps exits.
struct ExitMessage {
  Pid from;
  ExitReason reason;
};

struct TimerRef {
  uint64_t id = 0;
};

struct SpawnOptions {
  std::string name;        // registered name; empty: none
  bool link = false;       // link to the spawning process
  bool trap_exit = false;
  Pid parent;              // defaults to the spawning process
};

namespace internal {
struct ProcessAccess;
Pcb* CurrentPcb();
// Copies the message `make` builds into `to`'s account and queues it, on
// behalf of the current process. Returns false when `to` is not alive.
bool Deliver(const Pid& to, Envelope::Kind kind, uint64_t ref,
             absl::FunctionRef<Message()> make,
             std::shared_ptr<ExternalReply> external = nullptr);
void ReplyTo(const From& from, absl::FunctionRef<Message()> make);
uint64_t NewRef();
TimerRef StartTimer(Runtime& rt, const Pid& to, Message message,
                    absl::Duration delay);
absl::StatusOr<Pid> SpawnProcess(
    Runtime& rt, const SpawnOptions& options,
    absl::FunctionRef<std::unique_ptr<Process>()> make);
Runtime& RuntimeOf(const Pcb* pcb);

// Suspends the running handler until an envelope `match` accepts arrives,
// or `timeout` passes. Used by Call and Receive.
class WaitAwaiter {
 public:
  using Match = std::function<bool(const Envelope&)>;
  WaitAwaiter(Pcb* self, Match match, absl::Duration timeout, Pid callee,
              const std::type_info* request, absl::Status early);
  bool await_ready() const { return !early_.ok(); }
  void await_suspend(std::coroutine_handle<> h);
  absl::StatusOr<Message> await_resume();

 private:
  Pcb* self_;
  Match match_;
  absl::Duration timeout_;
  Pid callee_;
  const std::type_info* request_;
  absl::Status early_;
};
}  // namespace internal

class Process {
 public:
  virtual ~Process() = default;
  Process() = default;
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  virtual ProcessKind kind() const { return ProcessKind::kWorker; }
  // What started this process, e.g. "Indexer.BufferedTask:init".
  virtual std::string InitialCall() const;

 protected:
  friend class Runtime;
  friend struct internal::ProcessAccess;

  // Runs in the new process before Spawn returns; an error ends it and is
  // returned by Spawn.
  virtual absl::Status Init() { return absl::OkStatus(); }
  // One message. `from` is set for calls. Throwing ends the process with an
  // "exception: ..." reason; the runtime goes on.
  virtual Co Handle(Envelope::Kind kind, Message& message, From from) = 0;
  // Called when the process stops itself or a handler fails.
  virtual void Terminate(const ExitReason& reason) { (void)reason; }
  // Adds what only the process knows (held specs) to an inspection.
  virtual void Inspect(ProcessInspection& out) const { (void)out; }
  // The account a supervisor's held child specs are charged to.
  Account* held_spec_account() const;

 public:
  // The process's own API: call only from its own callbacks (owner only),
  // or from helpers they call (task.h, dynamic_supervisor.h).
  const Pid& self() const { return self_; }
  // The id of the process that spawned this one (0: none).
  uint64_t parent_id() const;
  Runtime& runtime() const;

  template <typename T>
  bool Send(const Pid& to, const T& msg) const {
    return internal::Deliver(to, Envelope::Kind::kInfo, 0,
                             [&] { return Message::Of(msg); });
  }
  template <typename T>
  bool Cast(const Pid& to, const T& msg) const {
    return internal::Deliver(to, Envelope::Kind::kCast, 0,
                             [&] { return Message::Of(msg); });
  }
  // co_await Call(...) gives the reply, DeadlineExceeded naming the callee
  // and the request after `timeout`, or NotFound if the callee is gone or
  // ends without answering (the call still queued, or the one it crashed
  // or stopped on; a call it kept to answer later runs to its timeout).
  template <typename T>
  internal::WaitAwaiter Call(const Pid& to, const T& request,
                             absl::Duration timeout) {
    uint64_t ref = internal::NewRef();
    bool sent = internal::Deliver(to, Envelope::Kind::kCall, ref,
                                  [&] { return Message::Of(request); });
    return MakeCallWait(to, ref, timeout, &typeid(T), sent);
  }
  template <typename T>
  void Reply(const From& from, const T& value) const {
    internal::ReplyTo(from, [&] { return Message::Of(value); });
  }
  // co_await Receive(match, timeout): the first info message `match`
  // accepts (others stay queued), or DeadlineExceeded.
  internal::WaitAwaiter Receive(std::function<bool(const Message&)> match,
                                absl::Duration timeout);

  // A DOWN with the returned ref comes when `target` ends (at once, with
  // noproc, if it is gone already).
  Ref Monitor(const Pid& target);
  // True if the monitor was on: no DOWN for it will come. False if there
  // was none, or its DOWN was sent already (queued, or on its way).
  bool Demonitor(Ref ref);
  void Link(const Pid& other);
  void Unlink(const Pid& other);
  void TrapExit(bool on);
  bool trapping_exits() const;
  // Sends an exit signal to `to` (kill cannot be trapped).
  void Exit(const Pid& to, const ExitReason& reason);
  // Ends this process once the current handler returns.
  void Stop(ExitReason reason = ExitReason::Normal());

  template <typename T>
  TimerRef SendAfter(const Pid& to, const T& msg, absl::Duration delay) {
    return internal::StartTimer(runtime(), to, Message::Of(msg), delay);
  }
  bool CancelTimer(TimerRef timer);
  // Counts extra units of work (a message handled counts one).
  void Bump(uint64_t reductions);
  // Sets what the process shows as its current function (static string).
  void SetCurrentFunction(const char* what);

  template <typename B, typename... Args>
  absl::StatusOr<Pid> SpawnLink(SpawnOptions options, Args&&... args) {
    options.link = true;
    return internal::SpawnProcess(runtime(), options, [&] {
      return std::unique_ptr<Process>(new B(std::forward<Args>(args)...));
    });
  }

 private:
  internal::WaitAwaiter MakeCallWait(const Pid& to, uint64_t ref,
                                     absl::Duration timeout,
                                     const std::type_info* request, bool sent);
  internal::Pcb* pcb_ = nullptr;
  Pid self_;
};

}  // namespace overseer

#endif  // OVERSEER_CORE_PROCESS_H_
