#include "samples/common/workload.h"

#include "absl/strings/str_cat.h"

namespace overseer {

absl::Status Workload::Stop(absl::Duration timeout) {
  if (runtime_ == nullptr || !root_.valid()) return absl::OkStatus();
  if (runtime_->Alive(root_)) runtime_->Exit(root_, ExitReason::Shutdown());
  if (!runtime_->WaitExit(root_, timeout)) {
    return absl::DeadlineExceededError(
        absl::StrCat(std::string(name()), ": the root ", root_.ToString(),
                     " did not stop within ", absl::FormatDuration(timeout)));
  }
  return absl::OkStatus();
}

absl::Duration Scaled(absl::Duration d, double time_scale) {
  if (time_scale <= 0) return d;
  return d / time_scale;
}

void AddTimeScaleFlag(FlagSet& flags, double* time_scale) {
  flags.AddDouble("time-scale", time_scale,
                  "divides every interval, latency and timeout (2: twice as fast)");
}

absl::Status CheckTimeScale(double time_scale) {
  if (time_scale > 0 && time_scale <= 1000) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("--time-scale must be above 0 and at most 1000, not ", time_scale));
}

}  // namespace overseer
