#include "gui/session/demo_session.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "core/runtime.h"
#include "gui/session/session_sink.h"
#include "probes/sampler/recorder.h"
#include "samples/common/workload.h"
#include "samples/workloads/registry.h"

namespace overseer {

std::vector<DemoChoice> AvailableDemos() {
  std::vector<DemoChoice> out;
  for (const WorkloadEntry& e : Workloads()) {
    std::string name = e.name;
    if (name == "buffered-task") {
      out.push_back({name + " (closure mode: the leak)", name, {"--mode", "closure"}});
      out.push_back({name + " (function mode: the fix)", name, {"--mode", "mfa"}});
    } else {
      out.push_back({name, name, {}});
    }
  }
  return out;
}

DemoSession::DemoSession(std::shared_ptr<MemoryRecording> recording, Options options)
    : MemorySession(std::move(recording), std::move(options)) {}

absl::StatusOr<std::unique_ptr<DemoSession>> DemoSession::Start(
    const std::string& workload, const std::vector<std::string>& args,
    std::chrono::milliseconds interval) {
  absl::StatusOr<std::unique_ptr<Workload>> made = MakeWorkload(workload, args);
  if (!made.ok()) return made.status();
  std::string program = absl::StrCat("overseer-demo ", workload,
                                     args.empty() ? "" : " ", absl::StrJoin(args, " "));
  CaptureInfo info;
  info.program = program;
  info.source = "in-process";
  auto recording = std::make_shared<MemoryRecording>(info);
  Options options{.label = QStringLiteral("demo %1").arg(QString::fromStdString(
                      program.substr(program.find(' ') + 1))),
                  .source = Source::kInProcess,
                  .live = true,
                  .refresh_interval = interval};
  std::unique_ptr<DemoSession> session(new DemoSession(recording, options));
  session->runtime_ = std::make_unique<Runtime>();
  session->workload_ = *std::move(made);
  absl::StatusOr<Pid> root = session->workload_->Start(*session->runtime_);
  if (!root.ok()) return root.status();
  RecorderOptions recorder_options;
  recorder_options.sampler.interval = absl::FromChrono(interval);
  recorder_options.program = program;
  session->recorder_ = std::make_unique<Recorder>(*session->runtime_, recorder_options);
  session->recorder_->AddSink(std::make_unique<SessionSink>(recording.get(), session.get()));
  if (absl::Status s = session->recorder_->Start(); !s.ok()) return s;
  return session;
}

DemoSession::~DemoSession() { Stop().IgnoreError(); }

void DemoSession::SetRefreshInterval(std::chrono::milliseconds interval) {
  MemorySession::SetRefreshInterval(interval);
  if (recorder_ && !stopped_) recorder_->SetInterval(absl::FromChrono(refresh_interval()));
}

absl::Status DemoSession::Stop() {
  if (stopped_) return absl::OkStatus();
  stopped_ = true;
  absl::Status status = recorder_ ? recorder_->Stop() : absl::OkStatus();
  if (workload_) workload_->Stop().IgnoreError();
  recorder_.reset();
  workload_.reset();
  runtime_.reset();
  return status;
}

}  // namespace overseer
