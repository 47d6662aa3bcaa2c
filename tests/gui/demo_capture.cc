#include "tests/gui/demo_capture.h"

#include <memory>
#include <thread>
#include <utility>

#include "absl/strings/str_join.h"
#include "core/runtime.h"
#include "probes/sampler/recorder.h"
#include "samples/common/workload.h"
#include "samples/workloads/registry.h"

namespace overseer::testing {

absl::Status RecordDemoCapture(const std::string& path,
                               const std::vector<std::string>& args,
                               std::chrono::milliseconds run_for) {
  absl::StatusOr<std::unique_ptr<Workload>> w = MakeWorkload("buffered-task", args);
  if (!w.ok()) return w.status();
  Runtime runtime;
  absl::StatusOr<Pid> root = (*w)->Start(runtime);
  if (!root.ok()) return root.status();
  Recorder recorder(runtime,
                    {.sampler = {.interval = absl::Milliseconds(250)},
                     .program = "overseer-demo buffered-task " + absl::StrJoin(args, " ")});
  absl::StatusOr<std::unique_ptr<CaptureFileSink>> sink = CaptureFileSink::Open(path);
  if (!sink.ok()) return sink.status();
  recorder.AddSink(*std::move(sink));
  if (absl::Status s = recorder.Start(); !s.ok()) return s;
  std::this_thread::sleep_for(run_for);
  absl::Status stopped = recorder.Stop();
  (*w)->Stop().IgnoreError();
  return stopped;
}

}  // namespace overseer::testing
