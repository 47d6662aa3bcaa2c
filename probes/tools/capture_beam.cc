#include "probes/tools/capture_beam.h"

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "probes/beam/beam_connection.h"
#include "probes/beam/beam_recorder.h"
#include "probes/beam/beam_sampler.h"
#include "probes/metrics/metrics_server.h"
#include "probes/metrics/metrics_sink.h"
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
  // The same sinks as the runtime's recorder: a capture file, /metrics.
  BeamRecorder recorder(**connection, sampler, {interval, options.duration});
  const CaptureFileSink* file = nullptr;
  if (!options.out.empty()) {
    absl::StatusOr<std::unique_ptr<CaptureFileSink>> sink =
        CaptureFileSink::Open(options.out);
    if (!sink.ok()) return Fail(err, sink.status());
    file = sink->get();
    recorder.AddSink(*std::move(sink));
  }
  const MetricsSink* metrics = nullptr;
  if (!options.metrics.empty()) {
    absl::StatusOr<MetricsAddress> address = ParseMetricsAddress(options.metrics);
    if (!address.ok()) return Fail(err, address.status());
    absl::StatusOr<std::unique_ptr<MetricsSink>> sink = MetricsSink::Open(
        {.server = {.address = *address}, .metrics = {.top = options.metrics_top}});
    if (!sink.ok()) return Fail(err, sink.status());
    metrics = sink->get();
    recorder.AddSink(*std::move(sink));
  }
  std::fprintf(err, "overseer-capture: recording %s (%s) as hidden node %s%s%s, every %s\n",
               info->node.c_str(), info->runtime.c_str(), (*connection)->self_name().c_str(),
               file != nullptr ? " into " : "", options.out.c_str(),
               absl::FormatDuration(interval).c_str());
  if (metrics != nullptr) {
    std::fprintf(err, "overseer-capture: metrics on %s\n", metrics->url().c_str());
  }
  absl::Time next_progress = absl::Now() + absl::Seconds(1);
  const auto progress = [&](const BeamRecordProgress& p) {
    if (options.quiet || absl::Now() < next_progress) return;
    next_progress = absl::Now() + absl::Seconds(1);
    const std::string written =
        file != nullptr ? absl::StrCat("  ", FormatBytes(file->bytes_written()), " written")
                        : std::string();
    std::fprintf(err, "overseer-capture: %.1fs  %llu samples%s  %llu skipped\n",
                 absl::ToDoubleSeconds(p.elapsed), static_cast<unsigned long long>(p.samples),
                 written.c_str(), static_cast<unsigned long long>(p.skipped));
  };
  const absl::Status status = recorder.Run(*info, should_stop, progress);
  std::fprintf(err, "overseer-capture: %s; %s %llu samples (%s) to %s, %llu skipped\n",
               status.ok() ? "stopped" : "the recording ended early",
               file != nullptr ? "wrote" : "served",
               static_cast<unsigned long long>(recorder.samples()),
               FormatBytes(file != nullptr ? file->bytes_written() : 0).c_str(),
               file != nullptr ? options.out.c_str() : metrics->url().c_str(),
               static_cast<unsigned long long>(sampler.skipped()));
  if (!status.ok()) return Fail(err, status);
  if (recorder.samples() == 0) {
    std::fprintf(err, "overseer-capture: no sample was taken\n");
    return kCaptureFailed;
  }
  return kCaptureOk;
}

}  // namespace overseer
