// What kind of process something is, and what it is doing: shared by the
// runtime and by the data model of the probes (probes/model/model.h).
#ifndef OVERSEER_CORE_PROCESS_KIND_H_
#define OVERSEER_CORE_PROCESS_KIND_H_

#include <cstdint>

namespace overseer {

enum class ProcessStatus : uint8_t {
  kWaiting = 0,   // nothing to do, waiting for a message
  kRunnable = 1,  // in a run queue
  kRunning = 2,   // on a scheduler thread now
  kExiting = 3,   // ending: cleaning up, telling links and monitors
  kSuspended = 4  // waiting inside a call (co_await), for a reply or timeout
};

enum class ProcessKind : uint8_t {
  kWorker = 0,
  kSupervisor = 1,
  kDynamicSupervisor = 2,
  kTaskSupervisor = 3,
  kTask = 4
};

}  // namespace overseer

#endif  // OVERSEER_CORE_PROCESS_KIND_H_
