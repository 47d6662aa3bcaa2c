#include "probes/metrics/exposition.h"

#include <cmath>
#include <cstdint>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace overseer {
namespace {

// Integers exactly (counters of bytes pass 2^53 only after petabytes);
// other values with the digits that round-trip.
std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 9.0e15) {
    return absl::StrCat(static_cast<int64_t>(v));
  }
  return absl::StrFormat("%.17g", v);
}

// HELP text: OpenMetrics escapes backslash, quote and line feed; the 0.0.4
// format escapes backslash and line feed only.
std::string EscapeHelp(absl::string_view help, bool open_metrics) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && open_metrics) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

// The length of the valid UTF-8 sequence at s[i], or 0.
size_t Utf8Length(absl::string_view s, size_t i) {
  const auto b = static_cast<unsigned char>(s[i]);
  size_t n = 0;
  uint32_t min = 0;
  if (b < 0x80) return 1;
  if ((b & 0xE0) == 0xC0) {
    n = 2;
    min = 0x80;
  } else if ((b & 0xF0) == 0xE0) {
    n = 3;
    min = 0x800;
  } else if ((b & 0xF8) == 0xF0) {
    n = 4;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  uint32_t cp = b & (0xFF >> (n + 1));
  for (size_t k = 1; k < n; ++k) {
    const auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (c & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

void AppendLabels(const MetricPoint& p, std::string& out) {
  if (p.labels.empty()) return;
  out += '{';
  bool first = true;
  for (const auto& [name, value] : p.labels) {
    if (!first) out += ',';
    first = false;
    absl::StrAppend(&out, name, "=\"", EscapeLabelValue(value), "\"");
  }
  out += '}';
}

absl::string_view SampleSuffix(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "_total";
    case MetricType::kInfo:
      return "_info";
    case MetricType::kGauge:
      break;
  }
  return "";
}

void AppendPoints(const MetricFamily& f, std::string& out) {
  const absl::string_view suffix = SampleSuffix(f.type);
  for (const MetricPoint& p : f.points) {
    absl::StrAppend(&out, f.name, suffix);
    AppendLabels(p, out);
    absl::StrAppend(&out, " ", FormatValue(p.value), "\n");
  }
}

bool NameChar(char c, bool first, bool colon) {
  if (absl::ascii_isalpha(static_cast<unsigned char>(c)) || c == '_') return true;
  if (colon && c == ':') return true;
  return !first && absl::ascii_isdigit(static_cast<unsigned char>(c));
}

bool ValidName(absl::string_view name, bool colon) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    if (!NameChar(name[i], i == 0, colon)) return false;
  }
  return true;
}

}  // namespace

std::string EscapeLabelValue(absl::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (size_t i = 0; i < value.size();) {
    const char c = value[i];
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      const size_t n = Utf8Length(value, i);
      if (n == 0) {
        out += "\xEF\xBF\xBD";  // U+FFFD
        ++i;
        continue;
      }
      out.append(value.data() + i, n);
      i += n;
      continue;
    }
    ++i;
  }
  return out;
}

bool IsValidMetricName(absl::string_view name) { return ValidName(name, true); }

bool IsValidLabelName(absl::string_view name) { return ValidName(name, false); }

std::string RenderOpenMetrics(absl::Span<const MetricFamily> families) {
  std::string out;
  for (const MetricFamily& f : families) {
    const char* type = f.type == MetricType::kCounter ? "counter"
                       : f.type == MetricType::kInfo  ? "info"
                                                      : "gauge";
    absl::StrAppend(&out, "# TYPE ", f.name, " ", type, "\n");
    if (!f.unit.empty()) absl::StrAppend(&out, "# UNIT ", f.name, " ", f.unit, "\n");
    if (!f.help.empty()) {
      absl::StrAppend(&out, "# HELP ", f.name, " ", EscapeHelp(f.help, true), "\n");
    }
    AppendPoints(f, out);
  }
  out += "# EOF\n";
  return out;
}

std::string RenderPrometheusText(absl::Span<const MetricFamily> families) {
  std::string out;
  for (const MetricFamily& f : families) {
    const std::string name = absl::StrCat(f.name, SampleSuffix(f.type));
    const char* type = f.type == MetricType::kCounter ? "counter" : "gauge";
    if (!f.help.empty()) {
      absl::StrAppend(&out, "# HELP ", name, " ", EscapeHelp(f.help, false), "\n");
    }
    absl::StrAppend(&out, "# TYPE ", name, " ", type, "\n");
    AppendPoints(f, out);
  }
  return out;
}

bool AcceptsOpenMetrics(absl::string_view accept_header) {
  for (absl::string_view part : absl::StrSplit(accept_header, ',')) {
    absl::string_view media = absl::StripAsciiWhitespace(part);
    media = media.substr(0, media.find(';'));
    if (absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(media),
                               "application/openmetrics-text")) {
      return true;
    }
  }
  return false;
}

}  // namespace overseer
