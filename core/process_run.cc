// How a process runs: a slice on a scheduler thread, its signals, the
// dispatch of each message to its behaviour, waits, and its end.
#include <algorithm>
#include <exception>
#include <typeinfo>

#include "absl/strings/str_cat.h"
#include "core/clock.h"
#include "core/runtime_impl.h"
#include "core/type_name.h"

namespace overseer::internal {
namespace {

// Empties `p`'s mailbox and returns the calls it will never answer: those
// still queued, and the one its handler was on when it crashed or stopped.
std::vector<From> TakeUnanswered(Pcb* p) {
  std::vector<From> calls;
  auto keep = [&](const Envelope& e) {
    if (e.kind != Envelope::Kind::kCall) return;
    AccountScope none(nullptr, AccountScope::kShared);
    calls.push_back(From{e.from, Ref{e.ref}, e.external});
  };
  if (p->current_) keep(*p->current_);
  p->current_.reset();
  p->mailbox_.Drain([](Envelope*) { return false; });
  while (Envelope* e = p->mailbox_.TakeFirst()) {
    keep(*e);
    p->mailbox_.Consumed(*e);
    delete e;
  }
  return calls;
}

}  // namespace

void RuntimeImpl::RunSlice(Pcb* p) {
  SetCurrentPcb(p);
  bool more = false;
  {
    AccountScope scope(&p->own_, AccountScope::kExclusive);
    p->status_.store(ProcessStatus::kRunning, std::memory_order_relaxed);
    DrainSignals(p);
    int handled = 0;
    while (!p->stopping_ && handled < options_.slice_messages) {
      Envelope* e;
      if (p->wait_.active) {
        uint64_t timeout_ref = p->wait_.timeout_ref;
        e = p->mailbox_.TakeFirstMatching([&](const Envelope& x) {
          return (x.kind == Envelope::Kind::kTimeout && x.ref == timeout_ref) ||
                 p->wait_.match(x);
        });
      } else {
        e = p->mailbox_.TakeFirst();
      }
      if (e == nullptr) {
        if (!p->mailbox_.HasIncoming()) break;
        DrainSignals(p);
        continue;
      }
      ++handled;
      if (p->wait_.active) {
        ResumeWait(p, e);
      } else {
        Dispatch(p, e);
      }
    }
    if (p->stopping_) {
      EndProcess(p, p->stop_reason_);
      SetCurrentPcb(nullptr);
      return;
    }
    // A slice used up may leave queued work, even while waiting: a match
    // for the wait may sit in the save queue already, with nothing incoming
    // to wake the process again.
    more = handled >= options_.slice_messages;
    p->status_.store(p->wait_.active ? ProcessStatus::kSuspended
                     : more          ? ProcessStatus::kRunnable
                                     : ProcessStatus::kWaiting,
                     std::memory_order_relaxed);
    p->current_function_.store(
        p->wait_.active ? p->current_function_.load(std::memory_order_relaxed)
                        : "waiting",
        std::memory_order_release);
  }
  SetCurrentPcb(nullptr);
  if (more) {
    scheduler_->Enqueue(p);  // still scheduled: back of the queue, fairly
    return;
  }
  p->sched_.store(Pcb::kIdle, std::memory_order_seq_cst);
  // Idle, the process may already run on another thread: only the
  // producers' side of the mailbox may be read now.
  if (p->mailbox_.MaybeIncoming()) Wake(p);
}

void RuntimeImpl::DrainSignals(Pcb* p) {
  std::vector<Envelope*> inspections;
  p->mailbox_.Drain([&](Envelope* e) {
    if (e->kind == Envelope::Kind::kInspect) {
      inspections.push_back(e);
      return true;
    }
    if (e->kind != Envelope::Kind::kExitSignal) return false;
    const ExitReason& reason = *e->payload.As<ExitReason>();
    bool from_self = e->from.pcb() == p;
    if (reason.kill()) {
      p->stopping_ = true;
      p->stop_reason_ = ExitReason::Killed();
    } else if (p->trap_exit_.load(std::memory_order_relaxed) && !from_self) {
      ExitMessage exit{e->from, reason};
      e->kind = Envelope::Kind::kInfo;
      e->payload = Message::Of(std::move(exit));
      return false;  // queued as a message like any other
    } else if (!reason.normal() || from_self) {
      p->stopping_ = true;
      p->stop_reason_ = reason;
    }
    p->mailbox_.Consumed(*e);
    delete e;
    return true;
  });
  for (Envelope* e : inspections) Inspect(p, e);
}

void RuntimeImpl::Dispatch(Pcb* p, Envelope* e) {
  p->mailbox_.Consumed(*e);
  p->messages_in_.store(p->messages_in_.load(std::memory_order_relaxed) + 1,
                        std::memory_order_relaxed);
  p->bytes_in_.store(p->bytes_in_.load(std::memory_order_relaxed) + e->bytes,
                     std::memory_order_relaxed);
  p->reductions_.store(p->reductions_.load(std::memory_order_relaxed) + 1,
                       std::memory_order_relaxed);
  if (e->kind == Envelope::Kind::kReply || e->kind == Envelope::Kind::kTimeout) {
    delete e;  // a late reply, or a timer of a wait already over: dropped
    return;
  }
  const char* name = HandlerName(e->kind, e->payload.type());
  p->current_function_.store(name, std::memory_order_release);
  From from;
  if (e->kind == Envelope::Kind::kCall) {
    from = From{e->from, Ref{e->ref}, e->external};
  }
  try {
    ZoneScope zone(name);
    Co co = ProcessAccess::Handle(*p->behaviour_, e->kind, e->payload,
                                  std::move(from));
    if (!co.done()) {
      p->pending_ = std::move(co);
      p->current_.reset(e);
      return;
    }
    co.RethrowIfFailed();
  } catch (const std::exception& ex) {
    p->current_.reset(e);  // a call it was on is answered at its exit
    Crash(p, absl::StrCat("exception: ", TypeName(typeid(ex)), ": ", ex.what()));
    return;
  } catch (...) {
    p->current_.reset(e);
    Crash(p, "exception: unknown");
    return;
  }
  if (p->stopping_) {
    p->current_.reset(e);  // stopped on a call: answered at its exit
    return;
  }
  delete e;
}

void RuntimeImpl::ResumeWait(Pcb* p, Envelope* e) {
  Wait& w = p->wait_;
  p->mailbox_.Consumed(*e);
  if (e->kind == Envelope::Kind::kTimeout && e->ref == w.timeout_ref) {
    w.timed_out = true;
    w.timer = 0;  // it fired
    delete e;
  } else {
    w.got = e;
  }
  w.active = false;
  std::coroutine_handle<> h = w.resume;
  w.resume = {};
  p->suspended_cycles_ += CycleNow() - p->suspended_since_;
  {
    ZoneScope zone(p->current_function_.load(std::memory_order_relaxed));
    h.resume();
  }
  if (p->wait_.active) return;  // waiting again
  FinishHandler(p);
}

void RuntimeImpl::FinishHandler(Pcb* p) {
  if (!p->pending_.done()) return;
  std::string failure;
  try {
    p->pending_.RethrowIfFailed();
  } catch (const std::exception& ex) {
    failure = absl::StrCat("exception: ", TypeName(typeid(ex)), ": ", ex.what());
  } catch (...) {
    failure = "exception: unknown";
  }
  p->pending_.Reset();
  if (failure.empty() && !p->stopping_) {
    p->current_.reset();
    return;
  }
  if (!failure.empty()) Crash(p, failure);  // its call is answered at exit
}

void RuntimeImpl::Crash(Pcb* p, const std::string& what) {
  p->stopping_ = true;
  p->call_terminate_ = true;
  p->stop_reason_ = ExitReason(what);
  Emit(RuntimeEvent::Kind::kLog, p->id_, 0,
       absl::StrCat("process ", p->id_, " crashed: ", what));
}

void RuntimeImpl::EndProcess(Pcb* p, const ExitReason& reason) {
  p->status_.store(ProcessStatus::kExiting, std::memory_order_relaxed);
  if (p->wait_.timer != 0) timers_.Cancel(p->wait_.timer);
  p->wait_ = Wait{};
  p->pending_.Reset();
  if (p->call_terminate_ && p->behaviour_) {
    try {
      ProcessAccess::Terminate(*p->behaviour_, reason);
    } catch (...) {
      // terminate failing changes nothing: the process is ending anyway
    }
  }
  p->behaviour_.reset();  // the state goes, credited to the process
  std::vector<From> unanswered = TakeUnanswered(p);
  std::vector<Pid> links;
  std::vector<MonitorEntry> watchers, watching;
  std::vector<std::function<void()>> on_exit;
  std::string name;
  {
    AccountScope none(nullptr, AccountScope::kShared);
    absl::MutexLock lock(&p->mu_);
    p->dead_ = true;
    links.swap(p->links_);
    watchers.swap(p->monitored_by_);
    watching.swap(p->monitoring_);
    name = p->name_;
  }
  p->sched_.store(Pcb::kDead, std::memory_order_seq_cst);
  {
    AccountScope none(nullptr, AccountScope::kShared);
    if (!name.empty()) Unregister(name, p);
    Pid self(p);
    for (const Pid& l : links) {
      {
        absl::MutexLock lock(&l.pcb()->mu_);
        auto& v = l.pcb()->links_;
        v.erase(std::remove(v.begin(), v.end(), self), v.end());
      }
      SendExitSignal(l, self, reason);
    }
    for (const MonitorEntry& m : watchers) {
      // Taken out of the watcher's list before the DOWN goes, under its
      // lock: a Demonitor either finds it (and no DOWN comes) or not (and
      // the DOWN is on its way), never both.
      bool monitoring;
      {
        absl::MutexLock lock(&m.pid.pcb()->mu_);
        auto& v = m.pid.pcb()->monitoring_;
        auto it = std::find_if(v.begin(), v.end(),
                               [&](const MonitorEntry& x) { return x.ref == m.ref; });
        monitoring = it != v.end();
        if (monitoring) v.erase(it);
      }
      if (!monitoring) continue;
      DownMessage down{Ref{m.ref}, self, reason};
      Deliver(m.pid, Envelope::Kind::kInfo, 0, [&] { return Message::Of(down); });
    }
    for (const MonitorEntry& m : watching) {
      absl::MutexLock lock(&m.pid.pcb()->mu_);
      auto& v = m.pid.pcb()->monitored_by_;
      v.erase(std::remove_if(v.begin(), v.end(),
                             [&](const MonitorEntry& x) { return x.ref == m.ref; }),
              v.end());
    }
    // Its callers learn at once that no answer will come (as a monitor
    // per call would tell them on the BEAM), rather than at their timeout.
    for (const From& f : unanswered) {
      ReplyTo(f, [&] { return Message::Of(CalleeExited{reason.text()}); });
    }
    Emit(RuntimeEvent::Kind::kExit, p->id_, p->parent_, reason.text());
    links.clear();
    watchers.clear();
    watching.clear();
    // Out of the table before waiters hear of it, so that what they see
    // next (Find, process_count) agrees that it is gone.
    Remove(p);
    {
      absl::MutexLock lock(&p->mu_);
      p->exited_ = true;
      on_exit.swap(p->on_exit_);
    }
    for (auto& f : on_exit) f();
    on_exit.clear();
  }
}

void RuntimeImpl::Inspect(Pcb* p, Envelope* e) {
  p->mailbox_.Consumed(*e);
  auto* request = e->payload.AsMutable<InspectRequest>();
  AccountScope none(nullptr, AccountScope::kShared);
  ProcessInspection out;
  out.pid = p->id_;
  out.mailbox_len = p->mailbox_.length().value();
  const int64_t now = CycleNow();
  p->mailbox_.ForEachQueued([&](const Envelope& m) {
    const std::string& type = m.payload.type_name();
    auto it = std::find_if(out.by_type.begin(), out.by_type.end(),
                           [&](const auto& t) { return t.type == type; });
    if (it == out.by_type.end()) {
      out.by_type.push_back({type, 0, 0, 0});
      it = out.by_type.end() - 1;
    }
    if (m.sent_cycles != 0) {
      it->oldest_age_ns = std::max(it->oldest_age_ns, CyclesToNs(now - m.sent_cycles));
    }
    it->count += 1;
    it->bytes += static_cast<int64_t>(m.bytes);
    if (static_cast<int>(out.first_messages.size()) < request->preview) {
      out.first_messages.push_back(
          {type, static_cast<int64_t>(m.bytes), m.payload.Describe()});
    }
    return true;
  });
  std::sort(out.by_type.begin(), out.by_type.end(),
            [](const auto& a, const auto& b) { return a.bytes > b.bytes; });
  if (p->behaviour_) ProcessAccess::Inspect(*p->behaviour_, out);
  out.state_bytes = p->own_.bytes() - p->mailbox_.bytes().value() -
                    p->held_.bytes();
  request->done(std::move(out));
  request->done = nullptr;
  delete e;
}

}  // namespace overseer::internal
