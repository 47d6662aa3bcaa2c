// Workload: one demo program that runs on the runtime, with one entry point
// for every caller: the overseer-demo launcher, the GUI (which starts a demo
// in-process), the headless recorder and the tests. A workload declares its
// flags, starts its supervision tree in a Runtime it is given, reports one
// line of figures per second and a summary at the end, and stops.
//
// The registry of every workload is in samples/workloads/registry.h.
//
// Example (outside the runtime, e.g. a main or a GUI session):
//   absl::StatusOr<std::unique_ptr<Workload>> w =
//       MakeWorkload("buffered-task", {"--mode", "mfa"});
//   Runtime rt;
//   absl::StatusOr<Pid> root = (*w)->Start(rt);
//   ... every second: std::puts((*w)->Tick(/*take_peaks=*/true).c_str());
//   (*w)->Stop();
//   std::puts((*w)->Summary().c_str());
#ifndef OVERSEER_SAMPLES_COMMON_WORKLOAD_H_
#define OVERSEER_SAMPLES_COMMON_WORKLOAD_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/pid.h"
#include "core/runtime.h"
#include "samples/common/flags.h"

namespace overseer {

class Workload {
 public:
  Workload() = default;
  virtual ~Workload() = default;
  Workload(const Workload&) = delete;
  Workload& operator=(const Workload&) = delete;

  // The name the launcher knows it by ("buffered-task") and one line on
  // what it shows.
  virtual std::string_view name() const = 0;
  virtual std::string_view description() const = 0;

  // Declares the workload's flags, bound to its configuration. Parse them
  // (FlagSet::Parse) before Start(); the defaults run as they are.
  virtual void DefineFlags(FlagSet& flags) = 0;

  // Starts the workload's processes in `runtime` and returns the root of
  // its supervision tree. Call once, from outside the runtime. The workload
  // must outlive what it started: call Stop(), or destroy the runtime,
  // before destroying the workload. Errors: FailedPrecondition if started
  // already, or why a process did not start.
  virtual absl::StatusOr<Pid> Start(Runtime& runtime) = 0;

  // One line of figures since the previous Tick (meant once a second).
  // `take_peaks` restarts the runtime's peaks as it reads them; pass false
  // when a sampler (which owns the peaks) records the same runtime. Call
  // from one thread outside the runtime, after Start().
  virtual std::string Tick(bool take_peaks) = 0;

  // What the run showed, over several lines: the peaks the ticks saw and
  // the workload's own counters. Any time after Start(); same thread as Tick.
  virtual std::string Summary() = 0;

  // Stops the root (a shutdown exit signal, as a supervisor's parent would)
  // and waits up to `timeout` for the tree to end. Returns DeadlineExceeded
  // if it did not. Idempotent; fine to call before Start().
  virtual absl::Status Stop(absl::Duration timeout = absl::Seconds(10));

 protected:
  // Remembers what Start() started, for Stop().
  void SetStarted(Runtime& runtime, Pid root) {
    runtime_ = &runtime;
    root_ = std::move(root);
  }
  Runtime* runtime() const { return runtime_; }
  const Pid& root() const { return root_; }

 private:
  Runtime* runtime_ = nullptr;
  Pid root_;
};

// A duration divided by a time scale (> 0), so that a short run shows what
// a long one would: every flush interval, latency and timeout of a workload
// goes through it.
absl::Duration Scaled(absl::Duration d, double time_scale);

// The flag every workload takes: --time-scale X divides its durations.
void AddTimeScaleFlag(FlagSet& flags, double* time_scale);

// Checks a time scale parsed from a flag: InvalidArgument unless > 0.
absl::Status CheckTimeScale(double time_scale);

}  // namespace overseer

#endif  // OVERSEER_SAMPLES_COMMON_WORKLOAD_H_
