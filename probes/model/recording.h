// Recording: a run seen as a sequence of samples plus events, whether it is
// read from a capture file, received live from an attached program, or kept
// in memory by an in-process session. The analysis layer, the report tool and
// every GUI view read a run only through this interface.
//
// Thread safety: all methods are safe to call from any thread. A live
// recording grows while it is read: sample_count() only increases, and an
// index below it stays valid.
//
// Example:
//   const Recording& r = ...;
//   size_t i = r.IndexAt(30'000'000'000);  // the sample at or before 30 s
//   absl::StatusOr<Snapshot> s = r.SnapshotAt(i);
#ifndef OVERSEER_PROBES_MODEL_RECORDING_H_
#define OVERSEER_PROBES_MODEL_RECORDING_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "probes/model/model.h"

namespace overseer {

class Recording {
 public:
  virtual ~Recording() = default;

  // The run's description.
  virtual CaptureInfo info() const = 0;

  // Number of samples so far.
  virtual size_t sample_count() const = 0;

  // Time of sample `index` (< sample_count()).
  virtual int64_t sample_time_ns(size_t index) const = 0;

  // Node-wide figures of sample `index`; cheap (no process table decode).
  virtual SystemSample system_at(size_t index) const = 0;

  // The whole reading at sample `index`. Errors: OutOfRange for a bad index,
  // DataLoss when the stored data for it is damaged.
  virtual absl::StatusOr<Snapshot> SnapshotAt(size_t index) const = 0;

  // Calls `visit(index, snapshot)` for samples first..last (last clamped to
  // the last sample) in order, until it returns false. The snapshot lives
  // only during the call. A pass over many samples should use this rather
  // than SnapshotAt: a capture decodes each sample once, onto the one
  // before, without copying it out. Errors: as SnapshotAt, for the first
  // sample that cannot be read (the ones before it were visited).
  virtual absl::Status ForEachSample(
      size_t first, size_t last,
      absl::FunctionRef<bool(size_t, const Snapshot&)> visit) const;

  // Events with from_ns <= time_ns < to_ns, in time order.
  virtual std::vector<Event> EventsBetween(int64_t from_ns,
                                           int64_t to_ns) const = 0;

  // OK, or why the recording ended early (e.g. DataLoss at some offset of a
  // truncated file). What was read before the problem stays available.
  virtual absl::Status status() const = 0;

  // The last sample at or before `time_ns` (0 when before the first one).
  // Requires sample_count() > 0.
  size_t IndexAt(int64_t time_ns) const;
};

// A Recording kept whole in memory, for in-process sessions and tests.
class MemoryRecording final : public Recording {
 public:
  explicit MemoryRecording(CaptureInfo info);

  // Appends a sample; its time must not be before the previous one.
  void Append(Snapshot snapshot);
  void AddEvent(Event event);
  void SetStatus(absl::Status status);

  CaptureInfo info() const override;
  size_t sample_count() const override;
  int64_t sample_time_ns(size_t index) const override;
  SystemSample system_at(size_t index) const override;
  absl::StatusOr<Snapshot> SnapshotAt(size_t index) const override;
  std::vector<Event> EventsBetween(int64_t from_ns,
                                   int64_t to_ns) const override;
  absl::Status status() const override;

 private:
  mutable absl::Mutex mu_;
  CaptureInfo info_ ABSL_GUARDED_BY(mu_);
  std::vector<Snapshot> samples_ ABSL_GUARDED_BY(mu_);
  std::vector<Event> events_ ABSL_GUARDED_BY(mu_);  // sorted by time
  absl::Status status_ ABSL_GUARDED_BY(mu_);
};

}  // namespace overseer

#endif  // OVERSEER_PROBES_MODEL_RECORDING_H_
