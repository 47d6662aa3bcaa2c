#include "probes/metrics/metrics_env.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace overseer {

absl::StatusOr<std::optional<MetricsSinkOptions>> MetricsOptionsFromEnv(const char* metrics,
                                                                        const char* top) {
  const std::string value = metrics == nullptr ? "" : metrics;
  if (value.empty() || value == "0" || value == "off") return std::nullopt;
  absl::StatusOr<MetricsAddress> address = ParseMetricsAddress(value);
  if (!address.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(kMetricsEnv, ": ", address.status().message()));
  }
  MetricsSinkOptions options;
  options.server.address = *address;
  if (top != nullptr && *top != '\0') {
    size_t n = 0;
    if (!absl::SimpleAtoi(top, &n) || n == 0 || n > 10000) {
      return absl::InvalidArgumentError(absl::StrCat(
          kMetricsTopEnv, "='", top, "': a number of processes from 1 to 10000"));
    }
    options.metrics.top = n;
  }
  return options;
}

absl::Status MaybeAddMetricsFromEnv(Recorder& recorder) {
  absl::StatusOr<std::optional<MetricsSinkOptions>> options =
      MetricsOptionsFromEnv(std::getenv(kMetricsEnv), std::getenv(kMetricsTopEnv));
  if (!options.ok()) return options.status();
  if (!options->has_value()) return absl::OkStatus();
  absl::StatusOr<std::unique_ptr<MetricsSink>> sink = MetricsSink::Open(**options);
  if (!sink.ok()) return sink.status();
  std::fprintf(stderr, "overseer: metrics on %s\n", (*sink)->url().c_str());
  recorder.AddSink(*std::move(sink));
  return absl::OkStatus();
}

}  // namespace overseer
