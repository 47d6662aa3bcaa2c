// Supervisor: starts its children in order, restarts them by strategy
// (one_for_one, one_for_all, rest_for_one) and restart type, exits when they
// restart more than max_restarts times within period (restart intensity),
// and stops them in reverse order. It traps exits.
//
// Example:
//   rt.Spawn<Supervisor>({.name = "app_sup"},
//       SupervisorFlags{.strategy = Strategy::kOneForAll},
//       std::vector<ChildSpec>{ChildSpec::Worker<Db>("db"),
//                              ChildSpec::Worker<Web>("web")});
#ifndef OVERSEER_CORE_SUPERVISOR_H_
#define OVERSEER_CORE_SUPERVISOR_H_

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "core/account.h"
#include "core/child_spec.h"
#include "core/co.h"
#include "core/process.h"

namespace overseer {

enum class Strategy { kOneForOne, kOneForAll, kRestForOne };

struct SupervisorFlags {
  Strategy strategy = Strategy::kOneForOne;
  int max_restarts = 3;
  absl::Duration period = absl::Seconds(5);
};

// Ask a supervisor for its children (call); the reply is a ChildrenReply.
struct WhichChildren {};
struct ChildInfo {
  std::string id;
  Pid pid;  // empty when not running
  Restart restart = Restart::kPermanent;
  ChildType type = ChildType::kWorker;
  int64_t held_bytes = 0;
};
struct ChildrenReply {
  std::vector<ChildInfo> children;
};

namespace internal {

// One row of a supervisor's child table. The held spec and the account it
// is charged to exist only for permanent and transient children.
struct ChildEntry {
  std::string id;
  Pid pid;
  Restart restart = Restart::kPermanent;
  absl::Duration shutdown;
  ChildType type = ChildType::kWorker;
  std::string name;
  std::string start_kind;
  std::string captured;
  // `held` comes before `account`: a move assignment (the table closing a
  // gap) frees the old spec, which credits the old account, before it
  // replaces that account.
  std::unique_ptr<ChildSpec> held;
  std::unique_ptr<Account> account;
  ChildEntry() = default;
  ChildEntry(ChildEntry&&) = default;
  ChildEntry& operator=(ChildEntry&&) = default;
  ~ChildEntry();
};

// What Supervisor and DynamicSupervisor share: the child table, starting a
// child from a spec, stopping one, restart intensity, inspection.
class SupervisorCore : public Process {
 public:
  static constexpr bool kIsSupervisor = true;
  explicit SupervisorCore(int max_restarts, absl::Duration period)
      : max_restarts_(max_restarts), period_(period) {}

 protected:
  // Starts a child from `spec`, holding a copy when it is not temporary.
  absl::StatusOr<Pid> StartChild(const ChildSpec& spec);
  // (Re)starts the child in `entry` from its held spec.
  absl::Status RestartChild(ChildEntry& entry);
  // Stops one child (shutdown, then kill after its shutdown time).
  Co TerminateChild(ChildEntry& entry);
  // Stops every child, last started first.
  Co TerminateAll();
  // Records one restart; false when the intensity is exceeded.
  bool AllowRestart();
  ChildEntry* FindByPid(const Pid& pid);
  ChildrenReply Children() const;
  void Inspect(ProcessInspection& out) const override;
  // Handles an exit message that is not from a child: the parent (or
  // someone outside) orders a stop. Returns true if it was such an order.
  bool IsStopOrder(const ExitMessage& exit) const;
  // Stops every child in order, then this supervisor, with `reason`.
  Co Shutdown(ExitReason reason);

  std::vector<ChildEntry> children_;

 private:
  const int max_restarts_;
  const absl::Duration period_;
  std::deque<absl::Time> restarts_;
};

}  // namespace internal

class Supervisor : public internal::SupervisorCore {
 public:
  Supervisor(SupervisorFlags flags, std::vector<ChildSpec> children);
  ProcessKind kind() const override { return ProcessKind::kSupervisor; }
  std::string InitialCall() const override { return "supervisor:init"; }

 protected:
  absl::Status Init() override;
  Co Handle(Envelope::Kind kind, Message& message, From from) override;

 private:
  Co OnChildExit(internal::ChildEntry& child, const ExitReason& reason);
  const SupervisorFlags flags_;
  std::vector<ChildSpec> initial_;
};

}  // namespace overseer

#endif  // OVERSEER_CORE_SUPERVISOR_H_
