// Recorder: samples a live runtime at an interval on its own thread and
// hands every sample and the events since the previous one to its sinks: a
// capture file, an in-memory recording (the GUI's in-process session), the
// attach endpoint. A sink that fails is dropped and its error kept; the
// others, and what they recorded, go on.
//
// Example:
//   Recorder rec(rt, {.sampler = {.interval = absl::Milliseconds(100)}});
//   rec.AddSink(*CaptureFileSink::Open("run.ovc"));
//   RETURN_IF_ERROR(rec.Start());
//   ...
//   RETURN_IF_ERROR(rec.Stop());   // a last sample, then the file's index
#ifndef OVERSEER_PROBES_SAMPLER_RECORDER_H_
#define OVERSEER_PROBES_SAMPLER_RECORDER_H_

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/types/span.h"
#include "core/runtime.h"
#include "probes/capture/capture_writer.h"
#include "probes/model/recording.h"
#include "probes/sampler/sampler.h"

namespace overseer {

// Where samples go. Called on the recorder's thread only.
class SampleSink {
 public:
  virtual ~SampleSink() = default;
  virtual absl::Status Begin(const CaptureInfo& info) = 0;
  virtual absl::Status Write(const Snapshot& sample,
                             absl::Span<const Event> events) = 0;
  virtual absl::Status End() = 0;
  // Samples this sink had to drop (a slow consumer); 0 for most.
  virtual uint64_t dropped() const { return 0; }
};

// Writes a capture file.
class CaptureFileSink final : public SampleSink {
 public:
  static absl::StatusOr<std::unique_ptr<CaptureFileSink>> Open(
      const std::string& path, CaptureWriterOptions options = {});
  absl::Status Begin(const CaptureInfo& info) override;
  absl::Status Write(const Snapshot& sample, absl::Span<const Event> events) override;
  absl::Status End() override;
  uint64_t bytes_written() const { return writer_->bytes_written(); }

 private:
  explicit CaptureFileSink(std::unique_ptr<CaptureWriter> writer);
  std::unique_ptr<CaptureWriter> writer_;
};

// Appends to a MemoryRecording the caller keeps (it must outlive the sink).
class RecordingSink final : public SampleSink {
 public:
  explicit RecordingSink(MemoryRecording* recording) : recording_(recording) {}
  absl::Status Begin(const CaptureInfo&) override { return absl::OkStatus(); }
  absl::Status Write(const Snapshot& sample, absl::Span<const Event> events) override;
  absl::Status End() override { return absl::OkStatus(); }

 private:
  MemoryRecording* recording_;
};

struct RecorderOptions {
  SamplerOptions sampler;
  std::string program;             // what runs, for the capture's header
  std::string source = "in-process";
};

class Recorder {
 public:
  Recorder(Runtime& runtime, RecorderOptions options);
  ~Recorder();  // stops if running
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  // Before Start() only.
  void AddSink(std::unique_ptr<SampleSink> sink);
  // Begins every sink and starts sampling. Errors: a sink's Begin error.
  absl::Status Start();
  // Takes a last sample, ends every sink, joins. Returns the first error
  // any sink had (what it wrote before stays). Idempotent.
  absl::Status Stop();
  // Changes the interval from the next sample on. Thread-safe.
  void SetInterval(absl::Duration interval);

  uint64_t samples() const { return samples_.load(); }
  absl::Status status() const;
  const CaptureInfo& info() const { return info_; }

 private:
  void Loop();
  void TakeOne();
  void Fail(size_t sink, absl::Status status);

  Runtime& runtime_;
  RecorderOptions options_;
  Sampler sampler_;
  CaptureInfo info_;
  std::vector<std::unique_ptr<SampleSink>> sinks_;
  std::atomic<int64_t> interval_ns_;
  std::atomic<uint64_t> samples_{0};
  absl::Notification stop_;
  std::thread thread_;
  bool started_ = false;
  bool stopped_ = false;
  mutable absl::Mutex mu_;
  absl::Status status_ ABSL_GUARDED_BY(mu_);
};

}  // namespace overseer

#endif  // OVERSEER_PROBES_SAMPLER_RECORDER_H_
