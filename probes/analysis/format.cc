#include "probes/analysis/format.h"

#include <cmath>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "probes/model/model.h"

namespace overseer {

std::string FormatDuration(int64_t ns) {
  if (ns < 0) {
    // Negate as unsigned so the most negative value does not overflow.
    uint64_t magnitude = 0 - static_cast<uint64_t>(ns);
    if (magnitude > static_cast<uint64_t>(INT64_MAX)) magnitude = INT64_MAX;
    return absl::StrCat("-", FormatDuration(static_cast<int64_t>(magnitude)));
  }
  constexpr int64_t kMs = 1'000'000;
  constexpr int64_t kS = 1'000 * kMs;
  constexpr int64_t kMin = 60 * kS;
  constexpr int64_t kHour = 60 * kMin;
  if (ns == 0) return "0s";
  if (ns < kMs) return absl::StrFormat("%.3gms", static_cast<double>(ns) / kMs);
  if (ns < kS) return absl::StrCat(ns / kMs, "ms");
  if (ns < 10 * kS && ns % kS != 0) {
    return absl::StrFormat("%.1fs", static_cast<double>(ns) / kS);
  }
  if (ns < kMin) return absl::StrCat(ns / kS, "s");
  if (ns < kHour) {
    int64_t seconds = (ns % kMin) / kS;
    if (seconds == 0) return absl::StrCat(ns / kMin, "m");
    return absl::StrFormat("%dm%02ds", ns / kMin, seconds);
  }
  return absl::StrFormat("%dh%02dm", ns / kHour, (ns % kHour) / kMin);
}

std::string FormatCount(uint64_t n) {
  std::string digits = absl::StrCat(n);
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string FormatRate(double bytes_per_second) {
  if (!std::isfinite(bytes_per_second)) return "? B/s";
  double magnitude = std::fabs(bytes_per_second);
  std::string text = FormatBytes(static_cast<uint64_t>(std::llround(magnitude)));
  bool negative = bytes_per_second < 0 && text != "0 B";
  return absl::StrCat(negative ? "-" : "", text, "/s");
}

std::string FormatRatio(double ratio) {
  if (!std::isfinite(ratio)) return "?x";
  if (ratio < 10.0) return absl::StrFormat("%.1fx", ratio);
  return absl::StrCat(FormatCount(static_cast<uint64_t>(std::llround(ratio))), "x");
}

std::string FormatMicros(double us) {
  if (!std::isfinite(us) || us < 0) return "?";
  if (us < 10.0) return absl::StrFormat("%.2f", us);
  if (us < 1000.0) return absl::StrFormat("%.1f", us);
  return FormatCount(static_cast<uint64_t>(std::llround(us)));
}

}  // namespace overseer
