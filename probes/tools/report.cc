#include "probes/tools/report.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "probes/analysis/chrome_trace.h"
#include "probes/analysis/format.h"
#include "probes/analysis/row_query.h"
#include "probes/analysis/run_peaks.h"
#include "probes/analysis/table_export.h"
#include "probes/tools/report_render.h"

namespace overseer {
namespace {

using report_internal::ProfileView;
using report_internal::ReportContext;
using report_internal::TableView;

constexpr char kTool[] = "overseer-report";

// The sample at or before `at_ns` (default: the last), with a note when the
// asked time lies outside the run.
size_t ResolveIndex(const Recording& r, std::optional<int64_t> at_ns,
                    std::ostream& notes) {
  size_t last = r.sample_count() - 1;
  if (!at_ns) return last;
  int64_t first_ns = r.sample_time_ns(0);
  int64_t last_ns = r.sample_time_ns(last);
  if (*at_ns > last_ns) {
    notes << kTool << ": note: --at " << FormatDuration(*at_ns)
          << " is past the end of the capture (" << FormatDuration(last_ns)
          << "); showing the last sample\n";
    return last;
  }
  if (*at_ns < first_ns) {
    notes << kTool << ": note: --at " << FormatDuration(*at_ns)
          << " is before the first sample (" << FormatDuration(first_ns)
          << "); showing the first sample\n";
    return 0;
  }
  return r.IndexAt(*at_ns);
}

absl::StatusOr<TableView> MakeTableView(const ReportContext& c) {
  TableOptions table_options;
  table_options.rate_span_ns = c.options.rate_span_ns;
  absl::StatusOr<ProcessTable> table =
      ProcessTableAt(c.recording, c.index, table_options);
  if (!table.ok()) return table.status();
  TableView view;
  view.table = *std::move(table);
  if (c.scan) {
    ApplyRunPeaks(*c.scan, view.table);
    const SortKey k = c.options.sort;
    if (k == SortKey::kPeakMemory || k == SortKey::kPeakMsgq ||
        k == SortKey::kPeakMailboxBytes) {
      AppendEndedRows(*c.scan, view.table);
    }
  }
  if (c.options.pid) {
    const std::vector<ProcessRow>& rows = view.table.rows;
    auto it = std::find_if(rows.begin(), rows.end(),
                           [&](const ProcessRow& r) { return r.pid == *c.options.pid; });
    if (it == rows.end()) {
      return absl::NotFoundError(absl::StrCat("no process ", FormatPid(*c.options.pid),
                                              " at ", FormatDuration(c.time_ns)));
    }
    view.shown = {static_cast<uint32_t>(it - rows.begin())};
    view.matching = 1;
    return view;
  }
  RowQuery query{.filter = c.options.filter, .sort = c.options.sort};
  view.shown = SelectRows(view.table.rows, query);
  view.matching = view.shown.size();
  if (c.options.top > 0 && view.shown.size() > c.options.top) {
    view.shown.resize(c.options.top);
  }
  return view;
}

absl::StatusOr<ProfileView> MakeProfileView(const ReportContext& c, std::ostream& notes) {
  absl::StatusOr<Snapshot> now = c.recording.SnapshotAt(c.index);
  if (!now.ok()) return now.status();
  ProfileView view;
  view.from_ns = c.run.first_time_ns;
  if (!c.options.since_ns) {
    view.profile = BuildProfile(now->zones, c.options.pid);
    return view;
  }
  size_t since = c.recording.IndexAt(*c.options.since_ns);
  if (since >= c.index) {
    notes << kTool << ": note: --since " << FormatDuration(*c.options.since_ns)
          << " is not before the sample shown (" << FormatDuration(c.time_ns)
          << "); the interval is empty\n";
    view.from_ns = c.time_ns;
    view.interval = true;
    return view;
  }
  absl::StatusOr<Snapshot> before = c.recording.SnapshotAt(since);
  if (!before.ok()) return before.status();
  view.profile = ProfileBetween(before->zones, now->zones, c.options.pid);
  view.from_ns = before->time_ns;
  view.interval = true;
  return view;
}

absl::Status WriteProfile(const ReportContext& c, std::ostream& out,
                          std::ostream& notes) {
  absl::StatusOr<ProfileView> view = MakeProfileView(c, notes);
  if (!view.ok()) return view.status();
  switch (c.options.format) {
    case ReportFormat::kText:
      report_internal::WriteSummaryText(c, out);
      report_internal::WriteProfileText(c, *view, out);
      break;
    case ReportFormat::kCsv:
      report_internal::WriteProfileCsv(*view, out);
      break;
    case ReportFormat::kJson:
      report_internal::WriteProfileJson(c, *view, out);
      break;
  }
  return absl::OkStatus();
}

bool IsPeakSort(SortKey k) {
  return k == SortKey::kPeakMemory || k == SortKey::kPeakMsgq || k == SortKey::kPeakMailboxBytes;
}

absl::Status WriteSuspects(const ReportContext& c, std::ostream& out) {
  switch (c.options.format) {
    case ReportFormat::kText:
      report_internal::WriteSummaryText(c, out);
      report_internal::WriteSuspectsText(c.suspects, out);
      break;
    case ReportFormat::kCsv:
      report_internal::WriteSuspectsCsv(c.suspects, out);
      break;
    case ReportFormat::kJson:
      report_internal::WriteSuspectsJson(c, out);
      break;
  }
  return absl::OkStatus();
}

absl::Status WriteTable(const ReportContext& c, std::ostream& out) {
  absl::StatusOr<TableView> view = MakeTableView(c);
  if (!view.ok()) return view.status();
  switch (c.options.format) {
    case ReportFormat::kText:
      report_internal::WriteSummaryText(c, out);
      if (!c.options.pid) report_internal::WriteSuspectsText(c.suspects, out);
      report_internal::WriteTableText(c, *view, out);
      break;
    case ReportFormat::kCsv:
      WriteProcessCsv(view->table.rows, view->shown, out);
      break;
    case ReportFormat::kJson:
      report_internal::WriteTableJson(c, *view, out);
      break;
  }
  return absl::OkStatus();
}

int Fail(std::ostream& err, int code, const std::string& message) {
  err << kTool << ": " << message << "\n";
  return code;
}

// --compare A B: both captures must hold samples; a damaged tail warns.
int RunCompare(const ReportOptions& o, const RecordingOpener& open, std::ostream& out,
               std::ostream& err) {
  std::unique_ptr<Recording> runs[2];
  const std::string* paths[2] = {&o.capture_path, &o.compare_path};
  for (int i = 0; i < 2; ++i) {
    absl::StatusOr<std::unique_ptr<Recording>> r = open(*paths[i]);
    if (!r.ok()) {
      return Fail(err, kReportBadInput,
                  absl::StrCat("cannot read ", *paths[i], ": ", r.status().message()));
    }
    if ((*r)->sample_count() == 0) {
      return Fail(err, kReportBadInput, absl::StrCat(*paths[i], " holds no samples"));
    }
    runs[i] = *std::move(r);
  }
  absl::StatusOr<Comparison> c = CompareRecordings(*runs[0], *runs[1]);
  if (!c.ok()) return Fail(err, kReportBadInput, std::string(c.status().message()));
  switch (o.format) {
    case ReportFormat::kText:
      report_internal::WriteCompareText(*c, o.capture_path, o.compare_path, o.top, out);
      break;
    case ReportFormat::kCsv:
      report_internal::WriteCompareCsv(*c, out);
      break;
    case ReportFormat::kJson:
      report_internal::WriteCompareJson(*c, o.capture_path, o.compare_path, out);
      break;
  }
  out.flush();
  for (int i = 0; i < 2; ++i) {
    if (absl::Status damage = runs[i]->status(); !damage.ok()) {
      err << kTool << ": warning: " << *paths[i] << " is damaged, compared up to it: "
          << damage.message() << "\n";
    }
  }
  return kReportOk;
}

}  // namespace

absl::Status WriteReport(const Recording& recording, const ReportOptions& options,
                         std::ostream& out, std::ostream& notes) {
  if (recording.sample_count() == 0) {
    return absl::FailedPreconditionError("the capture holds no samples");
  }
  ReportContext c{.recording = recording,
                  .options = options,
                  .info = recording.info(),
                  .run = SummarizeRun(recording)};
  c.index = ResolveIndex(recording, options.at_ns, notes);
  c.time_ns = recording.sample_time_ns(c.index);
  if (options.profile) return WriteProfile(c, out, notes);
  // The window of the suspects and the peaks: --from/--to, else the run up
  // to the instant shown (peaks) or the whole run (suspects).
  TimeWindow window;
  if (options.from_ns) window.from_ns = *options.from_ns;
  if (options.to_ns) {
    window.to_ns = *options.to_ns;
  } else if (options.at_ns && !options.suspects_only) {
    window.to_ns = c.time_ns;
  }
  absl::StatusOr<RunScan> scan = ScanRun(recording, window);
  if (!scan.ok()) return scan.status();
  if (scan->sample_count == 0) {
    notes << kTool << ": note: no sample lies between --from and --to\n";
  }
  c.suspects = FindSuspects(*scan);
  c.scan = *std::move(scan);
  if (options.suspects_only) return WriteSuspects(c, out);
  if (IsPeakSort(options.sort) && options.format == ReportFormat::kText && !options.pid) {
    notes << kTool << ": note: peaks over " << FormatDuration(c.scan->first_ns) << " to "
          << FormatDuration(c.scan->last_ns) << ", processes that ended included\n";
  }
  return WriteTable(c, out);
}

int RunReport(const std::vector<std::string>& args, const RecordingOpener& open,
              std::ostream& out, std::ostream& err) {
  absl::StatusOr<ReportOptions> options = ParseReportArgs(args);
  if (!options.ok()) {
    return Fail(err, kReportUsage,
                absl::StrCat(options.status().message(), " (see --help)"));
  }
  if (options->help) {
    out << ReportUsage();
    return kReportOk;
  }
  if (!options->compare_path.empty()) return RunCompare(*options, open, out, err);
  const std::string& path = options->capture_path;
  absl::StatusOr<std::unique_ptr<Recording>> recording = open(path);
  if (!recording.ok()) {
    return Fail(err, kReportBadInput,
                absl::StrCat("cannot read ", path, ": ", recording.status().message()));
  }
  const Recording& r = **recording;
  absl::Status damage = r.status();
  if (r.sample_count() == 0) {
    return Fail(err, kReportBadInput,
                damage.ok() ? absl::StrCat(path, " holds no samples")
                            : absl::StrCat(path, ": ", damage.message()));
  }
  absl::Status done;
  if (!options->chrome_trace_path.empty()) {
    done = WriteChromeTraceFile(r, options->chrome_trace_path);
    // DataLoss: a sample could not be read, the trace holds all the others.
    if (done.ok() || done.code() == absl::StatusCode::kDataLoss) {
      out << "Wrote " << options->chrome_trace_path << ": Chrome trace of "
          << FormatCount(r.sample_count()) << " samples (open it in ui.perfetto.dev)\n";
      if (damage.ok()) damage = done;
      done = absl::OkStatus();
    }
  } else {
    done = WriteReport(r, *options, out, err);
  }
  out.flush();
  if (!done.ok()) return Fail(err, kReportBadInput, std::string(done.message()));
  if (!damage.ok()) {
    err << kTool << ": warning: " << path << " is damaged, showing the "
        << FormatCount(r.sample_count()) << " samples before it: " << damage.message()
        << "\n";
  }
  return kReportOk;
}

}  // namespace overseer
