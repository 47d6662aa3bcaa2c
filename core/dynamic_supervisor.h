// DynamicSupervisor: starts children on demand (one_for_one), as Elixir's
// DynamicSupervisor. A start request is a call carrying the child spec: it
// is copied into the supervisor's mailbox like any message, and again into
// the child when it starts. Permanent and transient children's specs are
// held (held child-spec bytes); temporary ones are dropped once started.
//
// Example (inside a process):
//   absl::StatusOr<Pid> w = co_await StartChild(*this, sup,
//       ChildSpec::Worker<Job>("job", args), absl::Seconds(5));
#ifndef OVERSEER_CORE_DYNAMIC_SUPERVISOR_H_
#define OVERSEER_CORE_DYNAMIC_SUPERVISOR_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/child_spec.h"
#include "core/co.h"
#include "core/supervisor.h"

namespace overseer {

struct DynamicSupervisorFlags {
  int max_children = -1;  // -1: no limit
  int max_restarts = 3;
  absl::Duration period = absl::Seconds(5);
};

// Calls a DynamicSupervisor understands. Replies: absl::StatusOr<Pid> for a
// start, absl::Status for a terminate, ChildrenReply for WhichChildren.
struct StartChildRequest {
  ChildSpec spec;
};
struct TerminateChildRequest {
  Pid child;
};

class DynamicSupervisor : public internal::SupervisorCore {
 public:
  explicit DynamicSupervisor(DynamicSupervisorFlags flags = {});
  ProcessKind kind() const override { return ProcessKind::kDynamicSupervisor; }
  std::string InitialCall() const override { return "DynamicSupervisor:init"; }

 protected:
  absl::Status Init() override;
  Co Handle(Envelope::Kind kind, Message& message, From from) override;
  // Starts a child unless max_children is reached.
  absl::StatusOr<Pid> StartDynamic(const ChildSpec& spec);

 private:
  Co OnChildExit(internal::ChildEntry& child, const ExitReason& reason);
  const DynamicSupervisorFlags flags_;
};

// From inside a process (owner only).
Async<absl::StatusOr<Pid>> StartChild(Process& self, Pid supervisor,
                                      ChildSpec spec, absl::Duration timeout);
// From outside the runtime (blocks).
absl::StatusOr<Pid> StartChild(Runtime& rt, const Pid& supervisor,
                               const ChildSpec& spec, absl::Duration timeout);
absl::Status TerminateChild(Runtime& rt, const Pid& supervisor,
                            const Pid& child, absl::Duration timeout);
absl::StatusOr<ChildrenReply> WhichChildrenOf(Runtime& rt, const Pid& supervisor,
                                              absl::Duration timeout);

}  // namespace overseer

#endif  // OVERSEER_CORE_DYNAMIC_SUPERVISOR_H_
