// SessionSink: a recorder's sink that appends every sample and its events to
// a MemorySession's recording and tells the session, so that the views
// follow a live run. Shared by the in-process demo and the BEAM node
// sessions: both are producers of the same samples.
//
// Example:
//   recorder.AddSink(std::make_unique<SessionSink>(recording.get(), session));
#ifndef OVERSEER_GUI_SESSION_SESSION_SINK_H_
#define OVERSEER_GUI_SESSION_SESSION_SINK_H_

#include "gui/session/memory_session.h"
#include "probes/sampler/recorder.h"

namespace overseer {

class SessionSink final : public SampleSink {
 public:
  // Both must outlive the sink.
  SessionSink(MemoryRecording* recording, MemorySession* session)
      : recording_(recording), session_(session) {}
  absl::Status Begin(const CaptureInfo&) override { return absl::OkStatus(); }
  absl::Status Write(const Snapshot& sample, absl::Span<const Event> events) override {
    for (const Event& e : events) recording_->AddEvent(e);
    recording_->Append(sample);
    session_->NotifySamplesAdded();
    return absl::OkStatus();
  }
  // The run ended: no more samples.
  absl::Status End() override {
    session_->NotifyFinished();
    return absl::OkStatus();
  }

 private:
  MemoryRecording* recording_;
  MemorySession* session_;
};

}  // namespace overseer

#endif  // OVERSEER_GUI_SESSION_SESSION_SINK_H_
