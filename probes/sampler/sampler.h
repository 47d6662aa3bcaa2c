// Sampler: reads every process of a live runtime into a Snapshot, without
// stopping it (each figure is an atomic the owner updates, so a scan is a
// read of memory), and collects the runtime's events as they happen.
//
// Each gauge is read with its peak since the previous sample, so that a
// spike between two samples (a megabyte start request that sat 30 ms in a
// mailbox) shows. Processes worth a closer look (the largest mailboxes and
// every supervisor holding child specs) are asked to describe themselves;
// their answers become the snapshot's details.
//
// Thread contract: one thread calls Sample(); events arrive on any thread.
//
// Example:
//   Sampler sampler(rt, {});
//   Snapshot s = sampler.Sample();
//   std::vector<Event> events = sampler.TakeEvents();
#ifndef OVERSEER_PROBES_SAMPLER_SAMPLER_H_
#define OVERSEER_PROBES_SAMPLER_SAMPLER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "core/observer.h"
#include "core/runtime.h"
#include "probes/model/model.h"

namespace overseer {

struct SamplerOptions {
  absl::Duration interval = absl::Seconds(1);  // 10 ms .. any
  // How many of the largest mailboxes to describe per sample.
  int inspect_mailboxes = 8;
  // How long a sample waits for the processes it asked to describe.
  absl::Duration inspect_wait = absl::Milliseconds(50);
  int preview_messages = 5;
  // Turn the runtime's timed zones on (the profile).
  bool profile = true;
};

class Sampler final : public RuntimeObserver {
 public:
  // Installs itself as `runtime`'s observer until destroyed.
  Sampler(Runtime& runtime, SamplerOptions options);
  ~Sampler() override;
  Sampler(const Sampler&) = delete;
  Sampler& operator=(const Sampler&) = delete;

  // The run's description (program is the caller's to fill).
  CaptureInfo Info(std::string program, std::string source) const;
  // One reading of every process now.
  Snapshot Sample();
  // Events since the last call, in time order.
  std::vector<Event> TakeEvents();
  // The samples consumers lost so far, reported in later samples.
  void SetDropped(uint64_t total);

  const SamplerOptions& options() const { return options_; }
  int64_t start_ns() const { return start_ns_; }

  void OnEvent(const RuntimeEvent& event) override;

 private:
  void ReadProcesses(Snapshot& out);
  void ReadDetails(Snapshot& out);
  void ReadSystem(Snapshot& out);

  Runtime& runtime_;
  const SamplerOptions options_;
  const int64_t start_ns_;
  int64_t last_ns_ = 0;
  std::vector<int64_t> last_busy_;
  absl::Mutex mu_;
  std::vector<Event> events_ ABSL_GUARDED_BY(mu_);
  uint64_t dropped_ ABSL_GUARDED_BY(mu_) = 0;
};

// Converts one runtime reading to the model's form.
ProcessSample ToSample(const ProcessInfo& info);
ProcessDetail ToDetail(const ProcessInspection& inspection);

}  // namespace overseer

#endif  // OVERSEER_PROBES_SAMPLER_SAMPLER_H_
