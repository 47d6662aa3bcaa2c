#include "probes/metrics/metrics_sink.h"

#include <utility>

namespace overseer {

absl::StatusOr<std::unique_ptr<MetricsSink>> MetricsSink::Open(MetricsSinkOptions options) {
  auto metrics = std::make_unique<NodeMetrics>(options.metrics);
  absl::StatusOr<std::unique_ptr<MetricsServer>> server =
      MetricsServer::Start(*metrics, std::move(options.server));
  if (!server.ok()) return server.status();
  return std::unique_ptr<MetricsSink>(
      new MetricsSink(std::move(metrics), *std::move(server)));
}

MetricsSink::MetricsSink(std::unique_ptr<NodeMetrics> metrics,
                         std::unique_ptr<MetricsServer> server)
    : metrics_(std::move(metrics)), server_(std::move(server)) {}

MetricsSink::~MetricsSink() { server_.reset(); }

absl::Status MetricsSink::Begin(const CaptureInfo& info) {
  metrics_->Begin(info);
  return absl::OkStatus();
}

absl::Status MetricsSink::Write(const Snapshot& sample, absl::Span<const Event> events) {
  metrics_->Observe(sample, events);
  return absl::OkStatus();
}

}  // namespace overseer
