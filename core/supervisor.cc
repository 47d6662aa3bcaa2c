#include "core/supervisor.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "core/runtime.h"
#include "core/runtime_impl.h"
#include "core/zone.h"

namespace overseer {

const char* ToString(Restart restart) {
  switch (restart) {
    case Restart::kPermanent: return "permanent";
    case Restart::kTransient: return "transient";
    case Restart::kTemporary: return "temporary";
  }
  return "unknown";
}

namespace internal {

// A restart that failed to start is tried again through the mailbox, so
// that it counts against the intensity like any other.
struct RetryRestart {
  std::string id;
};

namespace {

std::function<bool(const Message&)> ExitFrom(const Pid& pid) {
  return [pid](const Message& m) {
    const ExitMessage* e = m.As<ExitMessage>();
    return e != nullptr && e->from == pid;
  };
}

}  // namespace

ChildEntry::~ChildEntry() {
  held.reset();  // credited to the spec's account, which goes next
  AccountScope none(nullptr, AccountScope::kShared);
  account.reset();
}

absl::StatusOr<Pid> SupervisorCore::StartChild(const ChildSpec& spec) {
  ZoneScope zone("supervisor start_child");
  ChildEntry e;
  e.id = spec.id;
  e.restart = spec.restart;
  e.shutdown = spec.shutdown;
  e.type = spec.type;
  e.name = spec.name;
  e.start_kind = spec.start_kind;
  e.captured = spec.captured;
  if (spec.restart != Restart::kTemporary) {
    {
      AccountScope none(nullptr, AccountScope::kShared);
      e.account = std::make_unique<Account>(held_spec_account());
    }
    AccountScope held(e.account.get(), AccountScope::kShared);
    e.held = std::make_unique<ChildSpec>(spec);
  }
  const ChildSpec& from = e.held ? *e.held : spec;
  absl::StatusOr<Pid> pid = from.start(runtime(), SpawnOptions{.name = spec.name, .link = true});
  if (!pid.ok()) return pid.status();
  e.pid = *pid;
  children_.push_back(std::move(e));
  return pid;
}

absl::Status SupervisorCore::RestartChild(ChildEntry& entry) {
  if (!entry.held) return absl::NotFoundError("temporary child: not restarted");
  ZoneScope zone("supervisor start_child");
  absl::StatusOr<Pid> pid =
      entry.held->start(runtime(), SpawnOptions{.name = entry.name, .link = true});
  if (!pid.ok()) return pid.status();
  entry.pid = *pid;
  runtime().impl().Emit(RuntimeEvent::Kind::kRestart, pid->id(), self().id(),
                        entry.id);
  return absl::OkStatus();
}

Co SupervisorCore::TerminateChild(ChildEntry& entry) {
  if (!entry.pid.valid()) co_return;
  Pid pid = entry.pid;
  bool brutal = entry.shutdown <= absl::ZeroDuration();
  Exit(pid, brutal ? ExitReason::Kill() : ExitReason::Shutdown());
  absl::StatusOr<Message> gone = co_await Receive(
      ExitFrom(pid), brutal ? absl::InfiniteDuration() : entry.shutdown);
  if (!gone.ok()) {  // it did not stop in time
    Exit(pid, ExitReason::Kill());
    (void)co_await Receive(ExitFrom(pid), absl::InfiniteDuration());
  }
  for (ChildEntry& c : children_) {
    if (c.pid == pid) c.pid = Pid();
  }
}

Co SupervisorCore::TerminateAll() {
  for (size_t i = children_.size(); i-- > 0;) {
    co_await TerminateChild(children_[i]);
  }
}

bool SupervisorCore::AllowRestart() {
  absl::Time now = absl::Now();
  restarts_.push_back(now);
  while (!restarts_.empty() && restarts_.front() < now - period_) {
    restarts_.pop_front();
  }
  return static_cast<int>(restarts_.size()) <= max_restarts_;
}

ChildEntry* SupervisorCore::FindByPid(const Pid& pid) {
  if (!pid.valid()) return nullptr;
  for (ChildEntry& c : children_) {
    if (c.pid == pid) return &c;
  }
  return nullptr;
}

ChildrenReply SupervisorCore::Children() const {
  ChildrenReply out;
  for (const ChildEntry& c : children_) {
    out.children.push_back({c.id, c.pid, c.restart, c.type,
                            c.account ? c.account->bytes() : 0});
  }
  return out;
}

void SupervisorCore::Inspect(ProcessInspection& out) const {
  for (const ChildEntry& c : children_) {
    if (!c.held) continue;
    out.held_specs.push_back({c.id, c.pid.id(), c.account->bytes(), c.start_kind,
                              ToString(c.restart), c.captured});
  }
}

bool SupervisorCore::IsStopOrder(const ExitMessage& exit) const {
  if (!exit.from.valid()) return !exit.reason.normal();  // from outside
  return exit.from.id() == parent_id();  // others are not ours to obey
}

Co SupervisorCore::Shutdown(ExitReason reason) {
  co_await TerminateAll();
  Stop(std::move(reason));
}

}  // namespace internal

Supervisor::Supervisor(SupervisorFlags flags, std::vector<ChildSpec> children)
    : SupervisorCore(flags.max_restarts, flags.period),
      flags_(flags),
      initial_(std::move(children)) {}

absl::Status Supervisor::Init() {
  TrapExit(true);
  for (const ChildSpec& spec : initial_) {
    absl::StatusOr<Pid> pid = StartChild(spec);
    if (!pid.ok()) {
      for (size_t i = children_.size(); i-- > 0;) {
        Exit(children_[i].pid, ExitReason::Kill());
      }
      return absl::Status(pid.status().code(),
                          absl::StrCat("child ", spec.id, ": ", pid.status().message()));
    }
  }
  // The table holds the specs now; the start arguments are not kept twice.
  std::vector<ChildSpec>().swap(initial_);
  return absl::OkStatus();
}

Co Supervisor::Handle(Envelope::Kind kind, Message& message, From from) {
  if (kind == Envelope::Kind::kCall) {
    if (message.Is<WhichChildren>()) Reply(from, Children());
    co_return;
  }
  if (const internal::RetryRestart* retry = message.As<internal::RetryRestart>()) {
    for (internal::ChildEntry& c : children_) {
      if (c.id != retry->id || c.pid.valid()) continue;
      if (!AllowRestart()) {
        runtime().impl().Emit(RuntimeEvent::Kind::kIntensityExceeded, self().id(),
                              0, "reached max restart intensity");
        co_await Shutdown(ExitReason::Shutdown());
        co_return;
      }
      if (!RestartChild(c).ok()) Send(self(), internal::RetryRestart{c.id});
    }
    co_return;
  }
  const ExitMessage* exit = message.As<ExitMessage>();
  if (exit == nullptr) co_return;
  if (internal::ChildEntry* child = FindByPid(exit->from)) {
    co_await OnChildExit(*child, exit->reason);
  } else if (IsStopOrder(*exit)) {
    co_await Shutdown(exit->reason);
  }
}

Co Supervisor::OnChildExit(internal::ChildEntry& child, const ExitReason& reason) {
  child.pid = Pid();
  bool restart = child.restart == Restart::kPermanent ||
                 (child.restart == Restart::kTransient && reason.abnormal());
  if (!restart) {
    if (child.restart == Restart::kTemporary) {
      std::string id = child.id;
      std::erase_if(children_, [&](const internal::ChildEntry& c) {
        return c.id == id && !c.pid.valid();
      });
    }
    co_return;
  }
  if (!AllowRestart()) {
    runtime().impl().Emit(RuntimeEvent::Kind::kIntensityExceeded, self().id(), 0,
                          "reached max restart intensity");
    co_await Shutdown(ExitReason::Shutdown());
    co_return;
  }
  size_t i = static_cast<size_t>(&child - children_.data());
  size_t first = i, last = i + 1;  // the children to restart: [first, last)
  if (flags_.strategy == Strategy::kOneForAll) {
    first = 0;
    last = children_.size();
  } else if (flags_.strategy == Strategy::kRestForOne) {
    last = children_.size();
  }
  for (size_t j = last; j-- > first;) {
    if (j != i) co_await TerminateChild(children_[j]);
  }
  for (size_t j = first; j < last; ++j) {
    internal::ChildEntry& c = children_[j];
    absl::Status s = RestartChild(c);
    if (!s.ok() && c.held) Send(self(), internal::RetryRestart{c.id});
  }
  // Temporary children stopped with the others are not restarted: drop them.
  std::erase_if(children_, [](const internal::ChildEntry& c) {
    return !c.held && !c.pid.valid();
  });
}

}  // namespace overseer
