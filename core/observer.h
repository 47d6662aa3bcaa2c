// RuntimeObserver: what the runtime tells about itself as it happens
// (spawn, exit, restart, call timeout, intensity exceeded, log lines). The
// probes install one; with none installed, emitting costs one branch.
#ifndef OVERSEER_CORE_OBSERVER_H_
#define OVERSEER_CORE_OBSERVER_H_

#include <cstdint>
#include <string>

namespace overseer {

struct RuntimeEvent {
  enum class Kind : uint8_t {
    kSpawn,
    kExit,
    kRestart,
    kCallTimeout,
    kIntensityExceeded,
    kLog
  };
  Kind kind = Kind::kLog;
  int64_t time_ns = 0;     // MonotonicNowNs()
  uint64_t pid = 0;        // spawned, exited, restarted child, caller
  uint64_t other_pid = 0;  // parent, supervisor, callee
  std::string text;        // reason, request, line
};

class RuntimeObserver {
 public:
  virtual ~RuntimeObserver() = default;
  // Called on any runtime thread, possibly concurrently; must be quick and
  // must not call back into the runtime.
  virtual void OnEvent(const RuntimeEvent& event) = 0;
};

}  // namespace overseer

#endif  // OVERSEER_CORE_OBSERVER_H_
