// The command line of overseer-report, parsed into values, so the tool's
// behaviour is tested without starting a process.
//
// Example:
//   absl::StatusOr<ReportOptions> o =
//       ParseReportArgs({"run.ovc", "--top", "5", "--sort", "msgq"});
//   absl::StatusOr<int64_t> t = ParseTimeArg("1m30s");  // 90'000'000'000
//
// All functions are pure and thread-safe.
#ifndef OVERSEER_PROBES_TOOLS_REPORT_OPTIONS_H_
#define OVERSEER_PROBES_TOOLS_REPORT_OPTIONS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "probes/analysis/row_query.h"

namespace overseer {

enum class ReportFormat : uint8_t { kText, kCsv, kJson };

struct ReportOptions {
  std::string capture_path;
  size_t top = 10;  // 0: every process
  SortKey sort = SortKey::kMemory;
  std::optional<int64_t> at_ns;     // default: the last sample
  std::optional<int64_t> since_ns;  // profile over [since, at]
  ReportFormat format = ReportFormat::kText;
  std::string filter;           // as RowQuery::filter
  std::optional<uint64_t> pid;  // one process (table and profile)
  bool profile = false;
  bool suspects_only = false;       // --suspects: the findings and nothing else
  std::optional<int64_t> from_ns;   // the window of the suspects and peaks
  std::optional<int64_t> to_ns;
  std::string compare_path;         // --compare A B: B here, A in capture_path
  std::string chrome_trace_path;         // --export chrome-trace OUT.json
  int64_t rate_span_ns = 5'000'000'000;  // as TableOptions::rate_span_ns
  bool help = false;
};

// Parses the arguments after the program name. Errors: InvalidArgument with
// a one-line message naming the offending flag or value.
absl::StatusOr<ReportOptions> ParseReportArgs(const std::vector<std::string>& args);

// Parses a time or span such as "30s", "1m30s", "1500ms", "1.5s", "2h" or
// "0" into nanoseconds. Errors: InvalidArgument (no unit, negative, not a
// time).
absl::StatusOr<int64_t> ParseTimeArg(const std::string& text);

// Parses a pid as "42" or "<0.42.0>". Errors: InvalidArgument.
absl::StatusOr<uint64_t> ParsePidArg(const std::string& text);

// The --help text.
std::string ReportUsage();

}  // namespace overseer

#endif  // OVERSEER_PROBES_TOOLS_REPORT_OPTIONS_H_
