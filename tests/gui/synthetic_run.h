// Synthetic runs for the GUI tests, the screenshots and the benchmarks.
//
// MakeLeakRun builds a small run shaped like the seed's leak: under
// Indexer.InternalTransaction.Supervisor, the TaskSupervisor's memory grows
// to tens of megabytes (closure-carrying start requests in its mailbox) and
// the Fetcher's MsgQ grows to about 1,800, among some fifty small processes,
// with call timeouts from the catchup process. The fetcher's largest message
// of each interval (largest_send_bytes) is the closure carrying its whole
// backlog, sent to the task supervisor: its state copied into messages. It is synthetic: the figures
// have the shape of the real demo, not its measured values.
//
// Tests find processes by name (RunUnderTest), never by pid, so the source
// can become a recorded capture of the real demo without touching them.
//
// Example:
//   RunUnderTest run = OpenRunUnderTest();
//   session = std::make_unique<MemorySession>(run.recording, {});
#ifndef OVERSEER_TESTS_GUI_SYNTHETIC_RUN_H_
#define OVERSEER_TESTS_GUI_SYNTHETIC_RUN_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "probes/model/model.h"
#include "probes/model/recording.h"

namespace overseer::testing {

inline constexpr char kTaskSupervisorName[] =
    "Indexer.InternalTransaction.TaskSupervisor";
inline constexpr char kFetcherName[] = "Indexer.InternalTransaction.Fetcher";
inline constexpr char kSubtreeRootName[] = "Indexer.InternalTransaction.Supervisor";

struct LeakRunOptions {
  size_t samples = 60;
  size_t pool_workers = 40;
  int64_t interval_ns = 1'000'000'000;
  // false: the same node without the leak (no growing backlog, no closures,
  // no timeouts, no tasks), a run without suspects.
  bool leak = true;
  // > 0: the first pool worker holds kSpikeBytes in that sample only (a
  // spike no other sample's current value shows).
  size_t spike_at = 0;
};

inline constexpr uint64_t kSpikeBytes = 80'000'000;
// The pid of the pool worker that spikes.
inline constexpr uint64_t kSpikePid = 11;

// The leak-shaped run, whole in memory. Deterministic.
std::shared_ptr<MemoryRecording> MakeLeakRun(const LeakRunOptions& options = {});

// The run the GUI smoke tests open, with a sample in the thick of the leak.
struct RunUnderTest {
  std::shared_ptr<MemoryRecording> recording;
  int64_t leak_time_ns = 0;  // a time well into the run
};
RunUnderTest OpenRunUnderTest();

// The pid of the process registered as `name` in `snapshot`, or 0.
uint64_t PidOfName(const Snapshot& snapshot, const std::string& name);

// A wide, flat-ish snapshot for benchmarks: one root, pools of 1,000
// workers, `processes` in all, figures varied by `seed` and `time_ns`.
Snapshot MakeWideSnapshot(size_t processes, int64_t time_ns, uint64_t seed);

// A Recording whose samples are MakeWideSnapshot(processes, ...) built when
// read (as a decoder would), so a long run of a million processes costs no
// memory. Append() adds a sample; thread-safe as Recording.
class WideRecording final : public Recording {
 public:
  WideRecording(size_t processes, int64_t interval_ns);
  void Append();

  CaptureInfo info() const override;
  size_t sample_count() const override;
  int64_t sample_time_ns(size_t index) const override;
  SystemSample system_at(size_t index) const override;
  absl::StatusOr<Snapshot> SnapshotAt(size_t index) const override;
  std::vector<Event> EventsBetween(int64_t from_ns, int64_t to_ns) const override;
  absl::Status status() const override { return absl::OkStatus(); }

 private:
  const size_t processes_;
  const int64_t interval_ns_;
  std::atomic<size_t> count_{0};
};

}  // namespace overseer::testing

#endif  // OVERSEER_TESTS_GUI_SYNTHETIC_RUN_H_
