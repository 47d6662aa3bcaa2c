#include "core/runtime.h"

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "core/binary.h"
#include "core/clock.h"
#include "core/runtime_impl.h"
#include "core/type_name.h"

namespace overseer {

Runtime::Runtime(RuntimeOptions options) {
#ifdef NDEBUG
  // Debian's Abseil is built without NDEBUG, so each absl::Mutex lock runs
  // the debug deadlock detector (a graph lookup behind one global lock, on
  // every run-queue and timer operation): it halves the spawn and call
  // rates. Optimized builds turn it off, as an Abseil built with NDEBUG
  // would be; Debug and sanitizer builds keep it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
#endif
  AccountScope none(nullptr, AccountScope::kShared);
  impl_ = std::make_unique<internal::RuntimeImpl>(this, options);
}

Runtime::~Runtime() {
  AccountScope none(nullptr, AccountScope::kShared);
  impl_.reset();
}

absl::StatusOr<Message> Runtime::CallMessage(const Pid& to,
                                             absl::FunctionRef<Message()> make,
                                             const std::type_info& request,
                                             absl::Duration timeout) {
  if (internal::CurrentPcb() != nullptr) {
    return absl::FailedPreconditionError(
        "Runtime::Call blocks its thread: inside a process, co_await Call");
  }
  auto reply = std::make_shared<ExternalReply>();
  uint64_t ref = internal::NewRef();
  if (!internal::Deliver(to, Envelope::Kind::kCall, ref, make, reply)) {
    return absl::NotFoundError(absl::StrCat("call to ", to.ToString(), " with ",
                                            TypeName(request),
                                            ": no such process"));
  }
  absl::Time deadline = absl::Now() + timeout;
  absl::MutexLock lock(&reply->mu);
  while (!reply->done) {
    if (reply->cv.WaitWithDeadline(&reply->mu, deadline) && !reply->done) {
      reply->abandoned = true;  // a late reply is dropped
      std::string name;
      {
        absl::MutexLock plock(&to.pcb()->mu_);
        name = to.pcb()->name_;
      }
      std::string what = absl::StrCat(
          "call to ", to.ToString(), name.empty() ? "" : " (" + name + ")",
          " with ", TypeName(request), " timed out after ",
          absl::FormatDuration(timeout));
      impl_->Emit(RuntimeEvent::Kind::kCallTimeout, 0, to.id(), what);
      return absl::DeadlineExceededError(what);
    }
  }
  if (const auto* gone = reply->value.As<internal::CalleeExited>()) {
    return absl::NotFoundError(absl::StrCat("call to ", to.ToString(), " with ",
                                            TypeName(request),
                                            ": it exited: ", gone->reason));
  }
  return std::move(reply->value);
}

void Runtime::Exit(const Pid& to, const ExitReason& reason) {
  impl_->SendExitSignal(to, Pid(), reason);
}

absl::Status Runtime::Register(std::string_view name, const Pid& pid) {
  return impl_->Register(name, pid);
}
bool Runtime::Unregister(std::string_view name) { return impl_->Unregister(name); }
Pid Runtime::Whereis(std::string_view name) const { return impl_->Whereis(name); }
Pid Runtime::Find(uint64_t id) const { return impl_->Find(id); }

bool Runtime::Alive(const Pid& pid) const {
  return pid.valid() && pid.pcb()->sched_.load() != internal::Pcb::kDead;
}

bool Runtime::WaitExit(const Pid& pid, absl::Duration timeout) const {
  if (!pid.valid()) return true;
  struct Waiter {
    absl::Mutex mu;
    absl::CondVar cv;
    bool done = false;
  };
  auto w = std::make_shared<Waiter>();
  {
    AccountScope none(nullptr, AccountScope::kShared);
    absl::MutexLock lock(&pid.pcb()->mu_);
    if (pid.pcb()->exited_) return true;
    pid.pcb()->on_exit_.push_back([w] {
      absl::MutexLock l(&w->mu);
      w->done = true;
      w->cv.SignalAll();
    });
  }
  absl::Time deadline = absl::Now() + timeout;
  absl::MutexLock lock(&w->mu);
  while (!w->done) {
    if (w->cv.WaitWithDeadline(&w->mu, deadline)) return w->done;
  }
  return true;
}

bool Runtime::CancelTimer(TimerRef timer) { return impl_->timers().Cancel(timer.id); }

std::optional<ProcessInfo> Runtime::Info(const Pid& pid, bool take_peaks) const {
  if (!Alive(pid)) return std::nullopt;
  return impl_->ReadInfo(*pid.pcb(), take_peaks);
}

void Runtime::ForEachProcess(absl::FunctionRef<void(const ProcessInfo&)> visit,
                             bool take_peaks) const {
  impl_->ForEach([&](internal::Pcb& p) { visit(impl_->ReadInfo(p, take_peaks)); });
}

void Runtime::InspectAsync(const Pid& pid, int preview,
                           std::function<void(ProcessInspection)> done) {
  internal::InspectRequest request{preview, std::move(done)};
  internal::Deliver(pid, Envelope::Kind::kInspect, 0,
                    [&] { return Message::Of(std::move(request)); });
}

absl::StatusOr<ProcessInspection> Runtime::Inspect(const Pid& pid,
                                                   absl::Duration timeout,
                                                   int preview) {
  struct Slot {
    absl::Mutex mu;
    absl::CondVar cv;
    std::optional<ProcessInspection> value;
  };
  auto slot = std::make_shared<Slot>();
  if (!Alive(pid)) return absl::NotFoundError(pid.ToString() + " is not alive");
  InspectAsync(pid, preview, [slot](ProcessInspection out) {
    absl::MutexLock lock(&slot->mu);
    slot->value = std::move(out);
    slot->cv.Signal();
  });
  absl::Time deadline = absl::Now() + timeout;
  absl::MutexLock lock(&slot->mu);
  while (!slot->value) {
    if (slot->cv.WaitWithDeadline(&slot->mu, deadline) && !slot->value) {
      return absl::DeadlineExceededError("inspecting " + pid.ToString() +
                                         " timed out");
    }
  }
  return std::move(*slot->value);
}

size_t Runtime::process_count() const { return impl_->count(); }
int64_t Runtime::ProcessOverheadBytes() { return internal::kPcbBytes; }
int Runtime::schedulers() const { return impl_->scheduler().threads(); }

RuntimeCounters Runtime::counters() const {
  RuntimeCounters c;
  c.messages_sent = impl_->scheduler().MessagesSent();
  c.processes_spawned = impl_->spawned_.load();
  c.live_binary_bytes = Binary::LiveBytes();
  c.scheduler_busy_ns = impl_->scheduler().BusyNs();
  c.uptime_ns = MonotonicNowNs() - impl_->start_ns_;
  return c;
}

void Runtime::SetObserver(RuntimeObserver* observer) { impl_->SetObserver(observer); }

void Runtime::Log(std::string_view text, bool echo) {
  internal::Pcb* p = internal::CurrentPcb();
  if (echo || !impl_->observing()) {
    if (echo) std::fprintf(stderr, "%.*s\n", static_cast<int>(text.size()), text.data());
  }
  impl_->Emit(RuntimeEvent::Kind::kLog, p ? p->id_ : 0, 0, std::string(text));
}

void Runtime::SetProfiling(bool on) { internal::g_zones_on.store(on); }
bool Runtime::profiling() const { return internal::g_zones_on.load(); }

}  // namespace overseer
