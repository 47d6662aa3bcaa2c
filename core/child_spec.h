// ChildSpec: how a supervisor starts, restarts and stops one child, as OTP's
// child specification. The start is a copyable callable run inside the
// supervisor; whatever it captured is part of the spec. A supervisor keeps a
// permanent or transient child's spec (a deep copy, charged to its held
// child-spec bytes) for as long as the child is in its table; a temporary
// child's spec is dropped once the child has started.
//
// Example:
//   ChildSpec a = ChildSpec::Worker<Cache>("cache", CacheConfig{...});
//   ChildSpec b = ChildSpec::FromClosure("job", [table](Runtime& rt,
//       const SpawnOptions& o) { return rt.Spawn<Job>(o, table.size()); });
#ifndef OVERSEER_CORE_CHILD_SPEC_H_
#define OVERSEER_CORE_CHILD_SPEC_H_

#include <functional>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/pid.h"
#include "core/process.h"
#include "core/type_name.h"

namespace overseer {

class Runtime;

enum class Restart { kPermanent, kTransient, kTemporary };
enum class ChildType { kWorker, kSupervisor };

const char* ToString(Restart restart);

struct ChildSpec {
  using StartFn =
      std::function<absl::StatusOr<Pid>(Runtime&, const SpawnOptions&)>;

  std::string id;
  StartFn start;  // must spawn with the options it is given (linked)
  Restart restart = Restart::kPermanent;
  // Time a child has to stop after `shutdown` before it is killed; zero is
  // brutal_kill, InfiniteDuration waits forever (the default for supervisors).
  absl::Duration shutdown = absl::Seconds(5);
  ChildType type = ChildType::kWorker;
  std::string name;        // registered name for the child, if any
  std::string start_kind;  // "closure" or "function"
  std::string captured;    // the type of what the start captured

  // A child started by a closure: what it captures is held with the spec.
  template <typename F>
  static ChildSpec FromClosure(std::string id, F start,
                               Restart restart = Restart::kPermanent) {
    ChildSpec spec;
    spec.id = std::move(id);
    spec.captured = TypeName(typeid(F));
    spec.start = std::move(start);
    spec.restart = restart;
    spec.start_kind = "closure";
    return spec;
  }

  // A child running behaviour B, constructed from `args` (OTP's {M, F, A}):
  // the arguments are held with the spec.
  template <typename B, typename... Args>
  static ChildSpec Worker(std::string id, Args... args) {
    ChildSpec spec;
    spec.id = std::move(id);
    spec.captured = TypeName(typeid(B));
    spec.start = [args...](Runtime& rt, const SpawnOptions& o) {
      return internal::SpawnProcess(rt, o, [&] {
        return std::unique_ptr<Process>(new B(args...));
      });
    };
    spec.start_kind = "function";
    if constexpr (requires { B::kIsSupervisor; }) {
      spec.type = ChildType::kSupervisor;
      spec.shutdown = absl::InfiniteDuration();
    }
    return spec;
  }
};

}  // namespace overseer

#endif  // OVERSEER_CORE_CHILD_SPEC_H_
