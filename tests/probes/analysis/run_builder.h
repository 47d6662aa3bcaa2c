// Whole synthetic runs for the scan, the suspects and the compare view: a
// MemoryRecording of samples built one by one from a function of the sample's
// time, so a test states the truth of a run (a line, a sawtooth, a spike) in
// a few lines.
//
// Example:
//   std::unique_ptr<MemoryRecording> r = BuildRun(21, [](int64_t t, SnapshotBuilder& b) {
//     b.Add(Proc(2).Name("leaky").Memory(1'000'000 + t * 250'000));
//   });
#ifndef OVERSEER_TESTS_PROBES_ANALYSIS_RUN_BUILDER_H_
#define OVERSEER_TESTS_PROBES_ANALYSIS_RUN_BUILDER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "probes/model/recording.h"
#include "tests/probes/analysis/snapshot_builder.h"

namespace overseer::testing {

inline constexpr int64_t kRunSecond = 1'000'000'000;

inline CaptureInfo RunInfo(std::string program = "synthetic",
                           int64_t interval_ns = kRunSecond) {
  CaptureInfo info;
  info.program = std::move(program);
  info.source = "in-process";
  info.interval_ns = interval_ns;
  info.schedulers = 2;
  return info;
}

// `samples` samples at 0, step, 2 step, ...; `each` gets the sample's index
// and adds its processes. Node totals are summed from the processes.
inline std::unique_ptr<MemoryRecording> BuildRun(
    int64_t samples, const std::function<void(int64_t i, SnapshotBuilder& b)>& each,
    int64_t step_ns = kRunSecond, CaptureInfo info = RunInfo()) {
  info.interval_ns = step_ns;
  auto r = std::make_unique<MemoryRecording>(std::move(info));
  for (int64_t i = 0; i < samples; ++i) {
    SnapshotBuilder b(i * step_ns);
    b.SumSystem();
    each(i, b);
    r->Append(b.Build());
  }
  return r;
}

// A recording whose samples from `bad_from` on cannot be read (DataLoss), as
// a capture whose chunk is damaged in the middle.
class DamagedRecording final : public Recording {
 public:
  DamagedRecording(std::unique_ptr<MemoryRecording> inner, size_t bad_from)
      : inner_(std::move(inner)), bad_from_(bad_from) {}
  CaptureInfo info() const override { return inner_->info(); }
  size_t sample_count() const override { return inner_->sample_count(); }
  int64_t sample_time_ns(size_t i) const override { return inner_->sample_time_ns(i); }
  SystemSample system_at(size_t i) const override { return inner_->system_at(i); }
  absl::StatusOr<Snapshot> SnapshotAt(size_t i) const override {
    if (i >= bad_from_) return absl::DataLossError("sample chunk checksum mismatch");
    return inner_->SnapshotAt(i);
  }
  std::vector<Event> EventsBetween(int64_t from_ns, int64_t to_ns) const override {
    return inner_->EventsBetween(from_ns, to_ns);
  }
  absl::Status status() const override { return inner_->status(); }

 private:
  std::unique_ptr<MemoryRecording> inner_;
  size_t bad_from_;
};

// A pool of `count` identical small workers (2 KB, MsgQ 0..2, a few messages
// a second each), children of `parent`, at sample `i`.
inline void HealthyPool(SnapshotBuilder& b, int64_t i, uint64_t first_pid, uint64_t count,
                        uint64_t parent) {
  const auto t = static_cast<uint64_t>(i);
  for (uint64_t k = 0; k < count; ++k) {
    b.Add(Proc(first_pid + k)
              .Parent(parent)
              .Call("Pool.Worker:init/1")
              .Current("Pool.Worker:handle_cast/2")
              .Memory(2'000 + (k % 7) * 10 + ((t + k) % 3) * 100)
              .Msgq((t + k) % 3)
              .MailboxBytes(((t + k) % 3) * 64)
              .Reductions(1'000 * t + k)
              .MessagesIn(5 * t)
              .MessagesOut(5 * t)
              .BytesOut(5 * t * 200)
              .SendNs(5 * t * 1'000)
              .LargestSend(t > 0 ? 200 : 0, t > 0 ? parent : 0));
  }
}

}  // namespace overseer::testing

#endif  // OVERSEER_TESTS_PROBES_ANALYSIS_RUN_BUILDER_H_
