// The metrics exposition formats: a set of metric families rendered as the
// OpenMetrics 1.0 text format (what Prometheus asks for first) or as the
// older Prometheus text format 0.0.4 (what promtool and simple scrapers
// read). The families are plain values; NodeMetrics (node_metrics.h) builds
// them from the samples it is shown.
//
// Names follow the conventions of both formats: a family with a unit ends in
// `_<unit>` ("overseer_memory_bytes"); a counter family is named without
// `_total` and its sample carries it ("overseer_messages_sent" renders
// `overseer_messages_sent_total`); an info family's sample ends in `_info`.
//
// Example:
//   MetricFamily f{.name = "overseer_processes", .type = MetricType::kGauge,
//                  .help = "Processes alive."};
//   f.points.push_back({.value = 42});
//   std::string body = RenderOpenMetrics({f});   // ... "# EOF\n"
#ifndef OVERSEER_PROBES_METRICS_EXPOSITION_H_
#define OVERSEER_PROBES_METRICS_EXPOSITION_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace overseer {

enum class MetricType { kGauge, kCounter, kInfo };

// One sample of a family: its labels (in the order given) and its value.
struct MetricPoint {
  std::vector<std::pair<std::string, std::string>> labels;
  double value = 0;
};

struct MetricFamily {
  std::string name;  // [a-zA-Z_:][a-zA-Z0-9_:]*, no _total / _info suffix
  MetricType type = MetricType::kGauge;
  std::string unit;  // "bytes", "seconds", "ratio"; empty: none
  std::string help;
  std::vector<MetricPoint> points;
};

// Content types of the two renderings.
inline constexpr char kOpenMetricsContentType[] =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";
inline constexpr char kPrometheusTextContentType[] =
    "text/plain; version=0.0.4; charset=utf-8";

// OpenMetrics text: # TYPE, # UNIT, # HELP per family, its samples, and the
// final "# EOF". Families without points still declare themselves.
std::string RenderOpenMetrics(absl::Span<const MetricFamily> families);

// Prometheus text format 0.0.4: # HELP and # TYPE per family (a counter's
// family name carries _total there; an info family is a gauge named _info).
std::string RenderPrometheusText(absl::Span<const MetricFamily> families);

// A label value escaped for both formats: backslash, double quote and line
// feed become \\, \" and \n. Invalid UTF-8 bytes become U+FFFD, as neither
// format allows them.
std::string EscapeLabelValue(absl::string_view value);

// True for a valid metric or label name.
bool IsValidMetricName(absl::string_view name);
bool IsValidLabelName(absl::string_view name);

// True when an HTTP Accept header asks for OpenMetrics.
bool AcceptsOpenMetrics(absl::string_view accept_header);

}  // namespace overseer

#endif  // OVERSEER_PROBES_METRICS_EXPOSITION_H_
