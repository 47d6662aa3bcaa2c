// DemoSession: a demo workload run in-process and observed live. It owns a
// Runtime, the workload started in it, and a Recorder whose samples go into
// the session's MemoryRecording; the views follow as samples arrive. The
// refresh interval is the recorder's sampling interval.
//
// Example:
//   absl::StatusOr<std::unique_ptr<DemoSession>> s =
//       DemoSession::Start("buffered-task", {"--mode", "closure"});
//   if (s.ok()) window.SetSession(*std::move(s));
//
// Thread contract: GUI thread only (samples arrive from the recorder's
// thread through MemorySession::NotifySamplesAdded).
#ifndef OVERSEER_GUI_SESSION_DEMO_SESSION_H_
#define OVERSEER_GUI_SESSION_DEMO_SESSION_H_

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gui/session/memory_session.h"

namespace overseer {

class Recorder;
class Runtime;
class Workload;

// One entry of the Demo menu: a workload and the flags it runs with.
struct DemoChoice {
  std::string label;  // "buffered-task (closure mode)"
  std::string workload;
  std::vector<std::string> args;
};

// Every demo the build can run, in menu order. Thread-safe.
std::vector<DemoChoice> AvailableDemos();

class DemoSession final : public MemorySession {
  Q_OBJECT

 public:
  // Starts `workload` with `args` in a new runtime and samples it every
  // `interval`. Errors: those of MakeWorkload (NotFound, InvalidArgument),
  // of Workload::Start, or of the recorder's start.
  static absl::StatusOr<std::unique_ptr<DemoSession>> Start(
      const std::string& workload, const std::vector<std::string>& args,
      std::chrono::milliseconds interval = std::chrono::milliseconds(1000));

  // Stops sampling, then the workload, then the runtime.
  ~DemoSession() override;

  void SetRefreshInterval(std::chrono::milliseconds interval) override;
  // Stops the workload and the sampling; what was recorded stays. Returns
  // the recorder's first error, if any.
  absl::Status Stop();

 private:
  DemoSession(std::shared_ptr<MemoryRecording> recording, Options options);

  std::unique_ptr<Runtime> runtime_;
  std::unique_ptr<Workload> workload_;
  std::unique_ptr<Recorder> recorder_;
  bool stopped_ = false;
};

}  // namespace overseer

#endif  // OVERSEER_GUI_SESSION_DEMO_SESSION_H_
