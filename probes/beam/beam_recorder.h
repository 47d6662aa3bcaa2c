// BeamRecorder: records a BEAM node at an interval, handing every sample and
// the events since the previous one to the same sinks the runtime's
// Recorder feeds (a capture file, an in-memory recording). It runs on the
// caller's thread; between samples it keeps the connection alive.
//
// A sample the node does not answer in time is skipped (counted in
// SystemSample::dropped_samples, with a kDropped event); a node that goes
// away ends the recording with an error, and every sink is ended properly,
// so a capture file holds all the samples before.
//
// Example:
//   BeamRecorder rec(connection, sampler, {.interval = absl::Seconds(1)});
//   rec.AddSink(*CaptureFileSink::Open("node.ovc"));
//   absl::Status s = rec.Run(info, [] { return stop_requested; }, nullptr);
//
// Thread contract: one thread, the connection's (SetInterval: any).
#ifndef OVERSEER_PROBES_BEAM_BEAM_RECORDER_H_
#define OVERSEER_PROBES_BEAM_BEAM_RECORDER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "probes/beam/beam_connection.h"
#include "probes/beam/beam_sampler.h"
#include "probes/sampler/recorder.h"

namespace overseer {

struct BeamRecordOptions {
  absl::Duration interval = absl::Seconds(1);
  std::optional<absl::Duration> duration;  // none: until stopped
};

struct BeamRecordProgress {
  uint64_t samples = 0;  // written
  uint64_t skipped = 0;  // not answered in time
  absl::Duration elapsed;
};

class BeamRecorder {
 public:
  // `connection` and `sampler` (over that connection) must outlive this.
  BeamRecorder(BeamConnection& connection, BeamSampler& sampler,
               BeamRecordOptions options);

  // Before Run() only.
  void AddSink(std::unique_ptr<SampleSink> sink);

  // Begins every sink with `info` (from sampler.Describe), then samples
  // until `should_stop` returns true (asked at least every 100 ms), the
  // duration has passed, or the node goes away; then ends every sink.
  // `progress`, when set, is called after every sample. Returns OK, the
  // reason the node was lost (Unavailable; what was recorded is kept), or
  // the first sink error.
  absl::Status Run(const CaptureInfo& info, const std::function<bool()>& should_stop,
                   const std::function<void(const BeamRecordProgress&)>& progress);

  uint64_t samples() const { return samples_; }

  // Reads the node every `interval` (10 ms at least) from the next sample
  // on. Thread-safe.
  void SetInterval(absl::Duration interval);

 private:
  // Writes to every sink still working; false when none is left.
  bool WriteAll(const Snapshot& snapshot, const std::vector<Event>& events);
  // Waits until `until`, keeping the connection alive.
  absl::Status Wait(absl::Time until, const std::function<bool()>& should_stop);

  BeamConnection& connection_;
  BeamSampler& sampler_;
  BeamRecordOptions options_;
  std::atomic<int64_t> interval_ns_;
  std::vector<std::unique_ptr<SampleSink>> sinks_;
  std::vector<bool> failed_;
  absl::Status sink_error_;
  uint64_t samples_ = 0;
};

}  // namespace overseer

#endif  // OVERSEER_PROBES_BEAM_BEAM_RECORDER_H_
