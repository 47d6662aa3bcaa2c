// Internal to overseer-report: the pieces report.cc assembles, one per
// output section and format. Not for use outside probes/tools.
#ifndef OVERSEER_PROBES_TOOLS_REPORT_RENDER_H_
#define OVERSEER_PROBES_TOOLS_REPORT_RENDER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "probes/analysis/compare.h"
#include "probes/analysis/process_table.h"
#include "probes/analysis/profile.h"
#include "probes/analysis/summary.h"
#include "probes/analysis/suspects.h"
#include "probes/model/recording.h"
#include "probes/tools/report_options.h"

namespace overseer::report_internal {

// What every section needs: the run, the chosen sample and the options.
struct ReportContext {
  const Recording& recording;
  const ReportOptions& options;
  CaptureInfo info;
  RunSummary run;
  size_t index = 0;     // the sample shown
  int64_t time_ns = 0;  // its time
  SuspectReport suspects;  // over the --from/--to window
  std::optional<RunScan> scan;  // the same window's scan (peaks)
};

// The process table at the chosen sample and the rows to show, in order.
struct TableView {
  ProcessTable table;
  std::vector<uint32_t> shown;
  size_t matching = 0;  // rows that passed the filter, before --top
};

// The profile at the chosen sample, and what it covers.
struct ProfileView {
  Profile profile;
  int64_t from_ns = 0;  // since_ns's sample time, or the start of the run
  bool interval = false;
};

void WriteSummaryText(const ReportContext& c, std::ostream& out);
void WriteTableText(const ReportContext& c, const TableView& v, std::ostream& out);
void WriteProfileText(const ReportContext& c, const ProfileView& v, std::ostream& out);

void WriteTableJson(const ReportContext& c, const TableView& v, std::ostream& out);
void WriteProfileJson(const ReportContext& c, const ProfileView& v, std::ostream& out);
void WriteProfileCsv(const ProfileView& v, std::ostream& out);

void WriteSuspectsText(const SuspectReport& r, std::ostream& out);
void WriteSuspectsCsv(const SuspectReport& r, std::ostream& out);
std::string SuspectsJson(const SuspectReport& r);        // the array
std::string SuspectWindowJson(const SuspectReport& r);   // what it covers
void WriteSuspectsJson(const ReportContext& c, std::ostream& out);

void WriteCompareText(const Comparison& c, const std::string& path_a,
                      const std::string& path_b, size_t top, std::ostream& out);
void WriteCompareCsv(const Comparison& c, std::ostream& out);
void WriteCompareJson(const Comparison& c, const std::string& path_a,
                      const std::string& path_b, std::ostream& out);

}  // namespace overseer::report_internal

#endif  // OVERSEER_PROBES_TOOLS_REPORT_RENDER_H_
