#include "probes/model/model.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace overseer {

const char* ToString(ProcessStatus status) {
  switch (status) {
    case ProcessStatus::kWaiting: return "waiting";
    case ProcessStatus::kRunnable: return "runnable";
    case ProcessStatus::kRunning: return "running";
    case ProcessStatus::kExiting: return "exiting";
    case ProcessStatus::kSuspended: return "suspended";
  }
  return "unknown";
}

const char* ToString(ProcessKind kind) {
  switch (kind) {
    case ProcessKind::kWorker: return "worker";
    case ProcessKind::kSupervisor: return "supervisor";
    case ProcessKind::kDynamicSupervisor: return "dynamic supervisor";
    case ProcessKind::kTaskSupervisor: return "task supervisor";
    case ProcessKind::kTask: return "task";
  }
  return "unknown";
}

const char* ToString(EventKind kind) {
  switch (kind) {
    case EventKind::kSpawn: return "spawn";
    case EventKind::kExit: return "exit";
    case EventKind::kRestart: return "restart";
    case EventKind::kCallTimeout: return "call timeout";
    case EventKind::kIntensityExceeded: return "intensity exceeded";
    case EventKind::kLog: return "log";
    case EventKind::kDropped: return "dropped";
  }
  return "unknown";
}

std::string FormatBytes(uint64_t bytes) {
  if (bytes < 1000) return absl::StrCat(bytes, " B");
  static constexpr const char* kUnits[] = {"KB", "MB", "GB", "TB", "PB"};
  double value = static_cast<double>(bytes) / 1000.0;
  int unit = 0;
  while (value >= 999.95 && unit < 4) {
    value /= 1000.0;
    ++unit;
  }
  return absl::StrFormat("%.1f %s", value, kUnits[unit]);
}

std::string FormatPid(uint64_t pid) {
  const uint64_t high = pid >> 32;
  if (high == 0) return absl::StrCat("<0.", pid, ".0>");
  return absl::StrCat("<0.", pid & 0xffffffffu, ".", high - 1, ">");
}

}  // namespace overseer
