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

const char* ToString(Figure figure) {
  switch (figure) {
    case Figure::kMailboxBytes: return "mailbox_bytes";
    case Figure::kHeldSpecBytes: return "held_spec_bytes";
    case Figure::kBinaryBytes: return "binary_bytes";
    case Figure::kMessageCounts: return "message_counts";
    case Figure::kByteCounts: return "byte_counts";
    case Figure::kSendTime: return "send_time";
    case Figure::kLargestSend: return "largest_send";
    case Figure::kPeaks: return "peaks";
    case Figure::kMessagesSent: return "messages_sent";
    case Figure::kSchedulerUse: return "scheduler_use";
    case Figure::kProcessOverhead: return "process_overhead";
    case Figure::kDetails: return "details";
    case Figure::kZones: return "zones";
    case Figure::kCallTimeouts: return "call_timeouts";
  }
  return "unknown";
}

std::vector<Figure> AbsentFigures(const CaptureInfo& info) {
  std::vector<Figure> out;
  for (uint32_t bit = 1; bit <= static_cast<uint32_t>(Figure::kCallTimeouts); bit <<= 1) {
    if ((info.absent & bit) != 0) out.push_back(static_cast<Figure>(bit));
  }
  return out;
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
