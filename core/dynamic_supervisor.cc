#include "core/dynamic_supervisor.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "core/runtime.h"
#include "core/runtime_impl.h"

namespace overseer {

DynamicSupervisor::DynamicSupervisor(DynamicSupervisorFlags flags)
    : SupervisorCore(flags.max_restarts, flags.period), flags_(flags) {}

absl::Status DynamicSupervisor::Init() {
  TrapExit(true);
  return absl::OkStatus();
}

absl::StatusOr<Pid> DynamicSupervisor::StartDynamic(const ChildSpec& spec) {
  if (flags_.max_children >= 0 &&
      static_cast<int>(children_.size()) >= flags_.max_children) {
    return absl::ResourceExhaustedError(
        absl::StrCat("max_children (", flags_.max_children, ") reached"));
  }
  return StartChild(spec);
}

Co DynamicSupervisor::Handle(Envelope::Kind kind, Message& message, From from) {
  if (kind == Envelope::Kind::kCall) {
    if (const auto* start = message.As<StartChildRequest>()) {
      Reply(from, StartDynamic(start->spec));
    } else if (const auto* stop = message.As<TerminateChildRequest>()) {
      Pid child = stop->child;
      if (FindByPid(child) == nullptr) {
        Reply(from, absl::NotFoundError(child.ToString() + " is not a child"));
        co_return;
      }
      co_await TerminateChild(*FindByPid(child));
      std::erase_if(children_, [](const internal::ChildEntry& c) {
        return !c.pid.valid();
      });
      Reply(from, absl::OkStatus());
    } else if (message.Is<WhichChildren>()) {
      Reply(from, Children());
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

Co DynamicSupervisor::OnChildExit(internal::ChildEntry& child,
                                  const ExitReason& reason) {
  child.pid = Pid();
  bool restart = child.restart == Restart::kPermanent ||
                 (child.restart == Restart::kTransient && reason.abnormal());
  if (restart) {
    if (!AllowRestart()) {
      runtime().impl().Emit(RuntimeEvent::Kind::kIntensityExceeded, self().id(),
                            0, "reached max restart intensity");
      co_await Shutdown(ExitReason::Shutdown());
      co_return;
    }
    if (RestartChild(child).ok()) co_return;
  }
  // Not restarted: out of the table, and its spec with it.
  std::erase_if(children_, [](const internal::ChildEntry& c) {
    return !c.pid.valid();
  });
}

Async<absl::StatusOr<Pid>> StartChild(Process& self, Pid supervisor,
                                      ChildSpec spec, absl::Duration timeout) {
  // Named, not a braced temporary in the co_await: GCC 12 destroys such an
  // aggregate temporary twice once the coroutine has been suspended.
  StartChildRequest request{std::move(spec)};
  absl::StatusOr<Message> reply = co_await self.Call(supervisor, request, timeout);
  if (!reply.ok()) co_return reply.status();
  const auto* pid = reply->As<absl::StatusOr<Pid>>();
  if (pid == nullptr) co_return absl::InternalError("unexpected reply " + reply->type_name());
  co_return *pid;
}

absl::StatusOr<Pid> StartChild(Runtime& rt, const Pid& supervisor,
                               const ChildSpec& spec, absl::Duration timeout) {
  absl::StatusOr<absl::StatusOr<Pid>> r =
      rt.CallAs<absl::StatusOr<Pid>>(supervisor, StartChildRequest{spec}, timeout);
  if (!r.ok()) return r.status();
  return *r;
}

absl::Status TerminateChild(Runtime& rt, const Pid& supervisor, const Pid& child,
                            absl::Duration timeout) {
  absl::StatusOr<absl::Status> r =
      rt.CallAs<absl::Status>(supervisor, TerminateChildRequest{child}, timeout);
  if (!r.ok()) return r.status();
  return *r;
}

absl::StatusOr<ChildrenReply> WhichChildrenOf(Runtime& rt, const Pid& supervisor,
                                              absl::Duration timeout) {
  return rt.CallAs<ChildrenReply>(supervisor, WhichChildren{}, timeout);
}

}  // namespace overseer
