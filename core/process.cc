// The paths a process takes through the runtime: spawn, deliver (the copy),
// reply, waits, and the Process API.
#include "core/process.h"

#include <algorithm>
#include <atomic>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/clock.h"
#include "core/runtime_impl.h"
#include "core/type_name.h"

namespace overseer {
namespace internal {
namespace {
std::atomic<uint64_t> g_next_ref{1};

// Control blocks of ended processes whose account still owns blocks that
// outlived them: left in a structure shared with others, the last copy of
// a shared_ptr held elsewhere, a Binary handle. Each such block credits
// the account when it is freed, so the account (inside the control block)
// is kept until it reads empty, and freed at a later sweep.
struct Retired {
  absl::Mutex mu;
  std::vector<Pcb*> pcbs ABSL_GUARDED_BY(mu);
  size_t sweep_at ABSL_GUARDED_BY(mu) = 16;
};

Retired& Retirees() {
  static Retired* const retired = [] {
    AccountScope none(nullptr, AccountScope::kShared);
    return new Retired;  // lives as long as the program
  }();
  return *retired;
}

// Keeps `pcb` until its account is empty; sweeps when the list has doubled
// since the last sweep, so that keeping costs amortized constant time.
void Retire(Pcb* pcb) {
  Retired& r = Retirees();
  std::vector<Pcb*> done;
  {
    absl::MutexLock lock(&r.mu);
    r.pcbs.push_back(pcb);
    if (r.pcbs.size() < r.sweep_at) return;
    auto owing = std::partition(r.pcbs.begin(), r.pcbs.end(),
                                [](Pcb* p) { return !p->own_.empty(); });
    done.assign(owing, r.pcbs.end());
    r.pcbs.erase(owing, r.pcbs.end());
    r.sweep_at = std::max<size_t>(16, 2 * r.pcbs.size());
  }
  for (Pcb* p : done) delete p;
}

}  // namespace

void Retain(Pcb* pcb) { pcb->refs_.fetch_add(1, std::memory_order_relaxed); }

void Release(Pcb* pcb) {
  if (pcb->refs_.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  AccountScope none(nullptr, AccountScope::kShared);
  delete pcb->zones_.exchange(nullptr);
  pcb->mailbox_.Clear();  // what arrived after the end
  if (!pcb->own_.empty()) {
    Retire(pcb);
    return;
  }
  delete pcb;
}

size_t RetiredCount() {
  Retired& r = Retirees();
  absl::MutexLock lock(&r.mu);
  return r.pcbs.size();
}

uint64_t PcbId(const Pcb* pcb) { return pcb->id_; }

uint64_t NewRef() { return g_next_ref.fetch_add(1, std::memory_order_relaxed); }

Runtime& RuntimeOf(const Pcb* pcb) { return *pcb->rt_->owner(); }

void ProcessAccess::Bind(Process& p, Pcb* pcb) {
  p.pcb_ = pcb;
  p.self_ = Pid(pcb);
}

bool Deliver(const Pid& to, Envelope::Kind kind, uint64_t ref,
             absl::FunctionRef<Message()> make,
             std::shared_ptr<ExternalReply> external) {
  Pcb* target = to.pcb();
  if (target == nullptr || target->sched_.load(std::memory_order_relaxed) ==
                               Pcb::kDead) {
    return false;
  }
  Pcb* self = CurrentPcb();
  int64_t t0 = CycleNow();
  Envelope* e;
  int64_t bytes;
  {
    ZoneScope zone("send/copy");
    AccountScope scope(&target->own_, AccountScope::kDeferred);
    e = new Envelope;
    e->payload = make();
    bytes = scope.tally();
  }
  e->kind = kind;
  e->ref = ref;
  e->bytes = static_cast<uint64_t>(bytes);
  e->sent_cycles = t0;
  if (self != nullptr) e->from = Pid(self);
  e->external = std::move(external);
  if (self != nullptr) {
    auto bump = [](std::atomic<uint64_t>& c, uint64_t d) {
      c.store(c.load(std::memory_order_relaxed) + d, std::memory_order_relaxed);
    };
    bump(self->messages_out_, 1);
    bump(self->bytes_out_, e->bytes);
    bump(self->send_ns_, static_cast<uint64_t>(CyclesToNs(CycleNow() - t0)));
    if (e->bytes > self->largest_send_.load(std::memory_order_relaxed)) {
      // Owner-only writes; a reset that races with them only moves this
      // send to the next sample.
      self->largest_send_to_.store(to.id(), std::memory_order_relaxed);
      self->largest_send_.store(e->bytes, std::memory_order_relaxed);
    }
  }
  target->rt_->scheduler().CountSend();
  target->mailbox_.Push(e);
  target->rt_->Wake(target);
  return true;
}

void ReplyTo(const From& from, absl::FunctionRef<Message()> make) {
  if (from.external) {
    ExternalReply& r = *from.external;
    AccountScope none(nullptr, AccountScope::kShared);
    Message value = make();
    absl::MutexLock lock(&r.mu);
    // The caller timed out (the reply is dropped), or it was answered
    // already (the first answer stands).
    if (r.abandoned || r.done) return;
    r.value = std::move(value);
    r.done = true;
    r.cv.Signal();
    return;
  }
  Deliver(from.pid, Envelope::Kind::kReply, from.ref.value, make);
}

TimerRef StartTimer(Runtime& rt, const Pid& to, Message message,
                    absl::Duration delay) {
  // A pending timer belongs to the runtime, not to the process that set it,
  // which may be gone when the timer fires or is dropped: nothing of it may
  // be charged to that process (its account goes with it).
  AccountScope none(nullptr, AccountScope::kShared);
  auto shared = std::make_shared<Message>(message.Clone());
  std::function<void()> fire = [to, shared] {
    Deliver(to, Envelope::Kind::kInfo, 0, [&] { return shared->Clone(); });
  };
  return TimerRef{rt.impl().timers().Start(delay, std::move(fire))};
}

namespace {
// Builds `p`'s behaviour (its account current) and what readers see of it.
// A constructor that throws fails the spawn, as an Init that fails does.
absl::Status Construct(Pcb* p,
                       absl::FunctionRef<std::unique_ptr<Process>()> make) {
  try {
    p->behaviour_ = make();
  } catch (const std::exception& ex) {
    return absl::InternalError(absl::StrCat("constructor threw: ", ex.what()));
  } catch (...) {
    return absl::InternalError("constructor threw");
  }
  ProcessAccess::Bind(*p->behaviour_, p);
  p->kind_ = p->behaviour_->kind();
  AccountScope none(nullptr, AccountScope::kShared);
  p->initial_call_ = p->behaviour_->InitialCall();
  return absl::OkStatus();
}
}  // namespace

absl::StatusOr<Pid> SpawnProcess(
    Runtime& runtime, const SpawnOptions& options,
    absl::FunctionRef<std::unique_ptr<Process>()> make) {
  RuntimeImpl& rt = runtime.impl();
  Pcb* parent = CurrentPcb();
  ZoneScope zone("spawn");
  Pcb* p;
  {
    AccountScope none(nullptr, AccountScope::kShared);
    p = new Pcb(&rt, rt.NextId());
    // Held until Init returns, so no scheduler runs it meanwhile.
    p->sched_.store(Pcb::kScheduled, std::memory_order_relaxed);
    Pcb* up = options.parent.valid() ? options.parent.pcb() : parent;
    if (up != nullptr) {
      p->parent_ = up->id_;
      p->ancestors_.push_back(up->id_);
      p->ancestors_.insert(p->ancestors_.end(), up->ancestors_.begin(),
                           up->ancestors_.end());
    }
    p->trap_exit_.store(options.trap_exit);
  }
  Pid pid(p);
  absl::Status status;
  SetCurrentPcb(p);
  {
    AccountScope scope(&p->own_, AccountScope::kExclusive);
    status = Construct(p, make);
    // Into the table (which owns the first reference) only now: a reader
    // there (ForEachProcess, the sampler) reads the kind and initial call.
    rt.Insert(p);
    if (status.ok() && !options.name.empty()) status = rt.Register(options.name, pid);
    if (status.ok() && options.link && parent != nullptr) rt.LinkPair(parent, p);
    if (status.ok()) {
      try {
        status = ProcessAccess::Init(*p->behaviour_);
      } catch (const std::exception& ex) {
        status = absl::InternalError(absl::StrCat("init threw: ", ex.what()));
      } catch (...) {
        status = absl::InternalError("init threw");
      }
    }
    if (!status.ok()) {
      rt.EndProcess(p, ExitReason(absl::StrCat("init failed: ", status.message())));
    }
  }
  SetCurrentPcb(parent);
  if (!status.ok()) {
    // The error was made in the failed process's account: the caller gets
    // a copy of its own, so that nothing of the process outlives it.
    return absl::Status(status.code(), std::string(status.message()));
  }
  rt.spawned_.fetch_add(1, std::memory_order_relaxed);
  rt.Emit(RuntimeEvent::Kind::kSpawn, p->id_, p->parent_, p->initial_call_);
  p->status_.store(ProcessStatus::kWaiting, std::memory_order_relaxed);
  p->current_function_.store("waiting", std::memory_order_release);
  p->sched_.store(Pcb::kIdle, std::memory_order_seq_cst);
  if (p->mailbox_.MaybeIncoming()) rt.Wake(p);  // sent to it during Init
  return pid;
}

WaitAwaiter::WaitAwaiter(Pcb* self, Match match, absl::Duration timeout,
                         Pid callee, const std::type_info* request,
                         absl::Status early)
    : self_(self),
      match_(std::move(match)),
      timeout_(timeout),
      callee_(std::move(callee)),
      request_(request),
      early_(std::move(early)) {}

void WaitAwaiter::await_suspend(std::coroutine_handle<> h) {
  Wait& w = self_->wait_;
  w.active = true;
  w.match = std::move(match_);
  w.resume = h;
  self_->suspended_since_ = CycleNow();
  w.got = nullptr;
  w.timed_out = false;
  w.callee = callee_;
  w.request = request_;
  w.timeout_ref = NewRef();
  if (timeout_ != absl::InfiniteDuration()) {
    AccountScope none(nullptr, AccountScope::kShared);  // see StartTimer
    Pid me(self_);
    uint64_t ref = w.timeout_ref;
    std::function<void()> fire = [me, ref] {
      Deliver(me, Envelope::Kind::kTimeout, ref, [] { return Message(); });
    };
    w.timer = self_->rt_->timers().Start(timeout_, std::move(fire));
  }
  self_->status_.store(ProcessStatus::kSuspended, std::memory_order_relaxed);
}

absl::StatusOr<Message> WaitAwaiter::await_resume() {
  if (!early_.ok()) return early_;
  Wait& w = self_->wait_;
  if (w.timer != 0) self_->rt_->timers().Cancel(w.timer);
  w.timer = 0;
  if (w.timed_out) {
    std::string what;
    if (w.request != nullptr) {
      std::string name;
      if (w.callee.valid()) {
        absl::MutexLock lock(&w.callee.pcb()->mu_);
        name = w.callee.pcb()->name_;
      }
      what = absl::StrCat("call to ", w.callee.ToString(),
                          name.empty() ? "" : absl::StrCat(" (", name, ")"),
                          " with ", TypeName(*w.request), " timed out after ",
                          absl::FormatDuration(timeout_));
      self_->rt_->Emit(RuntimeEvent::Kind::kCallTimeout, self_->id_,
                       w.callee.id(), what);
    } else {
      what = absl::StrCat("receive timed out after ",
                          absl::FormatDuration(timeout_));
    }
    w.callee = Pid();
    return absl::DeadlineExceededError(what);
  }
  std::unique_ptr<Envelope> got(w.got);
  w.got = nullptr;
  Pid callee = std::move(w.callee);
  const CalleeExited* gone =
      w.request != nullptr ? got->payload.As<CalleeExited>() : nullptr;
  if (gone != nullptr) {
    return absl::NotFoundError(absl::StrCat("call to ", callee.ToString(), " with ",
                                            TypeName(*w.request),
                                            ": it exited: ", gone->reason));
  }
  return std::move(got->payload);
}

}  // namespace internal

std::string Pid::ToString() const { return absl::StrCat("<0.", id(), ".0>"); }

std::string Process::InitialCall() const {
  return absl::StrCat(TypeName(typeid(*this)), ":init");
}

Runtime& Process::runtime() const { return internal::RuntimeOf(pcb_); }

Account* Process::held_spec_account() const { return &pcb_->held_; }

uint64_t Process::parent_id() const { return pcb_->parent_; }

internal::WaitAwaiter Process::MakeCallWait(const Pid& to, uint64_t ref,
                                            absl::Duration timeout,
                                            const std::type_info* request,
                                            bool sent) {
  absl::Status early;
  if (!sent) {
    early = absl::NotFoundError(absl::StrCat("call to ", to.ToString(), " with ",
                                             TypeName(*request),
                                             ": no such process"));
  }
  return internal::WaitAwaiter(
      pcb_,
      [ref](const Envelope& e) {
        return e.kind == Envelope::Kind::kReply && e.ref == ref;
      },
      timeout, to, request, std::move(early));
}

internal::WaitAwaiter Process::Receive(std::function<bool(const Message&)> match,
                                       absl::Duration timeout) {
  return internal::WaitAwaiter(
      pcb_,
      [match = std::move(match)](const Envelope& e) {
        return e.kind == Envelope::Kind::kInfo && match(e.payload);
      },
      timeout, Pid(), nullptr, absl::OkStatus());
}

Ref Process::Monitor(const Pid& target) {
  if (!target.valid()) return Ref{};
  return Ref{pcb_->rt_->AddMonitor(pcb_, target.pcb())};
}

bool Process::Demonitor(Ref ref) { return pcb_->rt_->RemoveMonitor(pcb_, ref.value); }

void Process::Link(const Pid& other) {
  if (other.valid()) pcb_->rt_->LinkPair(pcb_, other.pcb());
}

void Process::Unlink(const Pid& other) {
  if (other.valid()) pcb_->rt_->UnlinkPair(pcb_, other.pcb());
}

void Process::TrapExit(bool on) { pcb_->trap_exit_.store(on); }

bool Process::trapping_exits() const { return pcb_->trap_exit_.load(); }

void Process::Exit(const Pid& to, const ExitReason& reason) {
  pcb_->rt_->SendExitSignal(to, self_, reason);
}

void Process::Stop(ExitReason reason) {
  pcb_->stopping_ = true;
  pcb_->call_terminate_ = true;
  pcb_->stop_reason_ = std::move(reason);
}

bool Process::CancelTimer(TimerRef timer) {
  return pcb_->rt_->timers().Cancel(timer.id);
}

void Process::Bump(uint64_t reductions) {
  auto& r = pcb_->reductions_;
  r.store(r.load(std::memory_order_relaxed) + reductions,
          std::memory_order_relaxed);
}

void Process::SetCurrentFunction(const char* what) {
  pcb_->current_function_.store(what, std::memory_order_release);
}

}  // namespace overseer
