// MetricsSink: a recorder's sink that serves /metrics, so that a program on
// the runtime can be scraped by Prometheus directly, with no tool beside it.
//
// Example:
//   Recorder rec(rt, {.program = "my-server"});
//   absl::StatusOr<std::unique_ptr<MetricsSink>> metrics =
//       MetricsSink::Open({.server = {.address = {.port = 9464}}});
//   if (!metrics.ok()) return metrics.status();
//   rec.AddSink(*std::move(metrics));       // before rec.Start()
#ifndef OVERSEER_PROBES_METRICS_METRICS_SINK_H_
#define OVERSEER_PROBES_METRICS_METRICS_SINK_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "probes/metrics/metrics_server.h"
#include "probes/metrics/node_metrics.h"
#include "probes/sampler/recorder.h"

namespace overseer {

struct MetricsSinkOptions {
  MetricsServerOptions server;
  NodeMetricsOptions metrics;
};

class MetricsSink final : public SampleSink {
 public:
  // Starts serving at once (the series are empty until the first sample).
  // Errors: those of MetricsServer::Start.
  static absl::StatusOr<std::unique_ptr<MetricsSink>> Open(MetricsSinkOptions options = {});
  ~MetricsSink() override;

  absl::Status Begin(const CaptureInfo& info) override;
  absl::Status Write(const Snapshot& sample, absl::Span<const Event> events) override;
  absl::Status End() override { return absl::OkStatus(); }

  std::string url() const { return server_->url(); }
  NodeMetrics& metrics() { return *metrics_; }

 private:
  MetricsSink(std::unique_ptr<NodeMetrics> metrics, std::unique_ptr<MetricsServer> server);
  std::unique_ptr<NodeMetrics> metrics_;
  std::unique_ptr<MetricsServer> server_;  // destroyed first
};

}  // namespace overseer

#endif  // OVERSEER_PROBES_METRICS_METRICS_SINK_H_
