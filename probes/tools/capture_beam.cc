#include "probes/tools/capture_beam.h"

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "probes/beam/beam_connection.h"
#include "probes/beam/beam_recorder.h"
#include "probes/beam/beam_sampler.h"
#include "probes/model/model.h"
#include "probes/sampler/recorder.h"
#include "probes/tools/capture_run.h"

namespace overseer {
namespace {

int Fail(std::FILE* err, const absl::Status& s) {
  std::fprintf(err, "overseer-capture: %s\n", std::string(s.message()).c_str());
  return kCaptureFailed;
}

absl::StatusOr<std::string> Cookie(const CaptureToolOptions& options) {
  if (options.cookie) return *options.cookie;
  return ReadCookieFile(options.cookie_file.empty() ? DefaultCookieFile()
                                                    : options.cookie_file);
}

}  // namespace

int RecordBeamNode(const CaptureToolOptions& options,
                   const std::function<bool()>& should_stop, std::FILE* err) {
  absl::StatusOr<std::string> cookie = Cookie(options);
  if (!cookie.ok()) return Fail(err, cookie.status());
  absl::StatusOr<std::unique_ptr<BeamConnection>> connection =
      BeamConnection::Connect({options.node, *std::move(cookie), options.wait});
  if (!connection.ok()) return Fail(err, connection.status());
  BeamSampler sampler(**connection, {.timeout = options.sample_timeout});
  const absl::Duration interval = options.interval.value_or(absl::Seconds(1));
  absl::StatusOr<CaptureInfo> info = sampler.Describe(interval);
  if (!info.ok()) return Fail(err, info.status());
  absl::StatusOr<std::unique_ptr<CaptureFileSink>> sink =
      CaptureFileSink::Open(options.out);
  if (!sink.ok()) return Fail(err, sink.status());
  const CaptureFileSink* file = sink->get();

  std::fprintf(
      err, "overseer-capture: recording %s (%s) as hidden node %s into %s, every %s\n",
      info->node.c_str(), info->runtime.c_str(), (*connection)->self_name().c_str(),
      options.out.c_str(), absl::FormatDuration(interval).c_str());
  BeamRecorder recorder(**connection, sampler, {interval, options.duration});
  recorder.AddSink(*std::move(sink));
  absl::Time next_progress = absl::Now() + absl::Seconds(1);
  const auto progress = [&](const BeamRecordProgress& p) {
    if (options.quiet || absl::Now() < next_progress) return;
    next_progress = absl::Now() + absl::Seconds(1);
    std::fprintf(err, "overseer-capture: %.1fs  %llu samples  %s written  %llu skipped\n",
                 absl::ToDoubleSeconds(p.elapsed),
                 static_cast<unsigned long long>(p.samples),
                 FormatBytes(file->bytes_written()).c_str(),
                 static_cast<unsigned long long>(p.skipped));
  };
  const absl::Status status = recorder.Run(*info, should_stop, progress);
  std::fprintf(err, "overseer-capture: %s; wrote %llu samples (%s) to %s, %llu skipped\n",
               status.ok() ? "stopped" : "the recording ended early",
               static_cast<unsigned long long>(recorder.samples()),
               FormatBytes(file->bytes_written()).c_str(), options.out.c_str(),
               static_cast<unsigned long long>(sampler.skipped()));
  if (!status.ok()) return Fail(err, status);
  if (recorder.samples() == 0) {
    std::fprintf(err, "overseer-capture: no sample was taken\n");
    return kCaptureFailed;
  }
  return kCaptureOk;
}

}  // namespace overseer
