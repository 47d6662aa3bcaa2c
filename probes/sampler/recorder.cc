#include "probes/sampler/recorder.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace overseer {

absl::StatusOr<std::unique_ptr<CaptureFileSink>> CaptureFileSink::Open(
    const std::string& path, CaptureWriterOptions options) {
  absl::StatusOr<std::unique_ptr<ByteSink>> file = OpenFileSink(path);
  if (!file.ok()) return file.status();
  return std::unique_ptr<CaptureFileSink>(new CaptureFileSink(
      std::make_unique<CaptureWriter>(*std::move(file), options)));
}

CaptureFileSink::CaptureFileSink(std::unique_ptr<CaptureWriter> writer)
    : writer_(std::move(writer)) {}

absl::Status CaptureFileSink::Begin(const CaptureInfo& info) {
  return writer_->Begin(info);
}

absl::Status CaptureFileSink::Write(const Snapshot& sample,
                                    absl::Span<const Event> events) {
  // Events first: those that led to this sample are before it in the file.
  if (!events.empty()) {
    absl::Status s = writer_->WriteEvents(events);
    if (!s.ok()) return s;
  }
  return writer_->WriteSample(sample);
}

absl::Status CaptureFileSink::End() { return writer_->Finish(); }

absl::Status RecordingSink::Write(const Snapshot& sample,
                               absl::Span<const Event> events) {
  for (const Event& e : events) recording_->AddEvent(e);
  recording_->Append(sample);
  return absl::OkStatus();
}

Recorder::Recorder(Runtime& runtime, RecorderOptions options)
    : runtime_(runtime),
      options_(std::move(options)),
      sampler_(runtime, options_.sampler),
      interval_ns_(absl::ToInt64Nanoseconds(options_.sampler.interval)) {
  info_ = sampler_.Info(options_.program, options_.source);
}

Recorder::~Recorder() { (void)Stop(); }

void Recorder::AddSink(std::unique_ptr<SampleSink> sink) {
  sinks_.push_back(std::move(sink));
}

absl::Status Recorder::Start() {
  if (started_) return absl::FailedPreconditionError("recorder already started");
  for (auto& sink : sinks_) {
    absl::Status s = sink->Begin(info_);
    if (!s.ok()) return s;
  }
  started_ = true;
  TakeOne();  // time 0: the first view is there at once
  thread_ = std::thread([this] { Loop(); });
  return absl::OkStatus();
}

absl::Status Recorder::Stop() {
  if (!started_ || stopped_) return status();
  stopped_ = true;
  stop_.Notify();
  thread_.join();
  TakeOne();
  for (size_t i = 0; i < sinks_.size(); ++i) {
    if (sinks_[i] == nullptr) continue;
    absl::Status s = sinks_[i]->End();
    if (!s.ok()) Fail(i, s);
  }
  return status();
}

void Recorder::SetInterval(absl::Duration interval) {
  if (interval < absl::Milliseconds(10)) interval = absl::Milliseconds(10);
  interval_ns_.store(absl::ToInt64Nanoseconds(interval));
}

absl::Status Recorder::status() const {
  absl::MutexLock lock(&mu_);
  return status_;
}

void Recorder::Loop() {
  absl::Time next = absl::Now();
  for (;;) {
    next += absl::Nanoseconds(interval_ns_.load());
    if (stop_.WaitForNotificationWithDeadline(next)) return;
    TakeOne();
  }
}

void Recorder::TakeOne() {
  uint64_t dropped = 0;
  for (const auto& sink : sinks_) {
    if (sink) dropped += sink->dropped();
  }
  sampler_.SetDropped(dropped);
  Snapshot s = sampler_.Sample();
  std::vector<Event> events = sampler_.TakeEvents();
  for (size_t i = 0; i < sinks_.size(); ++i) {
    if (sinks_[i] == nullptr) continue;
    absl::Status st = sinks_[i]->Write(s, events);
    if (!st.ok()) Fail(i, st);
  }
  samples_.fetch_add(1);
}

void Recorder::Fail(size_t sink, absl::Status status) {
  {
    absl::MutexLock lock(&mu_);
    if (status_.ok()) {
      status_ = absl::Status(status.code(),
                             absl::StrCat("sink ", sink, ": ", status.message()));
    }
  }
  (void)sinks_[sink]->End();
  sinks_[sink].reset();
}

}  // namespace overseer
