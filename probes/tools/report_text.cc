// The text sections of overseer-report: aligned, in human units.
#include <array>
#include <cmath>
#include <iterator>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "probes/analysis/format.h"
#include "probes/analysis/row_query.h"
#include "probes/tools/report_render.h"
#include "probes/tools/text_table.h"

namespace overseer::report_internal {
namespace {

constexpr size_t kNameWidth = 40;
constexpr size_t kFunctionWidth = 36;

// Names of event kinds, one and many, indexed by EventKind.
struct EventName {
  const char* one;
  const char* many;
};
constexpr EventName kEventNames[] = {
    {"spawn", "spawns"},
    {"exit", "exits"},
    {"restart", "restarts"},
    {"call timeout", "call timeouts"},
    {"restart intensity exceeded", "restart intensities exceeded"},
    {"log line", "log lines"},
    {"dropped-sample notice", "dropped-sample notices"}};
static_assert(std::size(kEventNames) ==
              std::tuple_size_v<decltype(RunSummary::event_counts)>);

std::string Percent(uint64_t part, uint64_t whole) {
  if (whole == 0) return "-";
  return absl::StrFormat("%.1f%%",
                         100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

// Renders rows of (name, bytes, percent) indented under a heading line.
void WriteIndentedTable(TextTable& t, std::ostream& out) {
  std::string rendered = t.Render();
  // Drop the empty header line; indent the categories under "Memory".
  for (absl::string_view line : absl::StrSplit(rendered.substr(rendered.find('\n') + 1),
                                               '\n', absl::SkipEmpty())) {
    out << "             " << line << "\n";
  }
}

// A BEAM node's memory as the node counts it (erlang:memory/0).
void WriteNodeMemoryLines(const ReportContext& c, const SystemSample& system,
                          std::ostream& out) {
  uint64_t total = 0;
  for (const MemoryCategory& m : system.memory_categories) {
    if (m.name == "total") total = m.bytes;
  }
  out << "Memory     " << FormatBytes(total) << " at " << FormatDuration(c.time_ns)
      << ", as the node counts it";
  if (c.run.sample_count > 1) {
    out << "; peak of processes + binary " << FormatBytes(c.run.peak_total_memory) << " at "
        << FormatDuration(c.run.peak_memory_time_ns);
  }
  out << "\n";
  TextTable t({{""}, {"", TextTable::kRight}, {"", TextTable::kRight}});
  for (const MemoryCategory& m : system.memory_categories) {
    if (m.name == "total") continue;
    t.AddRow({m.name, FormatBytes(m.bytes), Percent(m.bytes, total)});
  }
  WriteIndentedTable(t, out);
  if (!c.info.Has(Figure::kMailboxBytes) || !c.info.Has(Figure::kHeldSpecBytes)) {
    out << "             mailbox bytes, held child specs: n/a (not given by this source)\n";
  }
}

void WriteMemoryLines(const ReportContext& c, std::ostream& out) {
  const SystemSample system = c.recording.system_at(c.index);
  if (!system.memory_categories.empty()) {
    WriteNodeMemoryLines(c, system, out);
    return;
  }
  MemoryByCategory m = MemoryByCategoryOf(system);
  out << "Memory     " << FormatBytes(m.total) << " at " << FormatDuration(c.time_ns);
  if (c.run.sample_count > 1) {
    out << "; peak " << FormatBytes(c.run.peak_total_memory) << " at "
        << FormatDuration(c.run.peak_memory_time_ns);
  }
  out << "\n";
  TextTable t({{""}, {"", TextTable::kRight}, {"", TextTable::kRight}});
  std::array<uint64_t, MemoryByCategory::kCategoryCount> values = m.values();
  for (size_t i = 0; i < values.size(); ++i) {
    t.AddRow({MemoryByCategory::CategoryName(i), FormatBytes(values[i]),
              Percent(values[i], m.total)});
  }
  WriteIndentedTable(t, out);
}

void WriteEventsLine(const RunSummary& run, std::ostream& out) {
  std::vector<std::string> parts;
  for (size_t k = 0; k < run.event_counts.size(); ++k) {
    if (run.event_counts[k] == 0) continue;
    uint64_t n = run.event_counts[k];
    parts.push_back(absl::StrCat(FormatCount(n), " ",
                                 n == 1 ? kEventNames[k].one : kEventNames[k].many));
  }
  out << "Events     " << (parts.empty() ? "none" : absl::StrJoin(parts, ", ")) << "\n";
}

std::string TableTitle(const ReportContext& c, const TableView& v) {
  const ReportOptions& o = c.options;
  std::string when = FormatDuration(c.time_ns);
  size_t total = v.table.rows.size();
  if (o.pid) return absl::StrCat("Process ", FormatPid(*o.pid), " at ", when);
  std::string title = v.shown.size() < v.matching
                          ? absl::StrCat("Top ", FormatCount(v.shown.size()), " of ",
                                         FormatCount(v.matching), " processes")
                          : absl::StrCat(FormatCount(v.matching), " processes");
  if (!o.filter.empty()) {
    absl::StrAppend(&title, " matching \"", o.filter, "\" (of ", FormatCount(total), ")");
  }
  absl::StrAppend(&title, " by ", ToString(o.sort), " at ", when);
  if (v.table.has_base) {
    absl::StrAppend(&title, ", rates over ",
                    FormatDuration(v.table.time_ns - v.table.base_time_ns));
  }
  return title;
}

}  // namespace

void WriteSummaryText(const ReportContext& c, std::ostream& out) {
  const RunSummary& run = c.run;
  out << "Capture    " << c.options.capture_path << "\n";
  if (!c.info.program.empty()) out << "Program    " << c.info.program << "\n";
  if (!c.info.node.empty()) {
    out << "Node       " << c.info.node;
    if (!c.info.runtime.empty()) out << ", " << c.info.runtime;
    out << " (recorded as a hidden node)\n";
  }
  out << "Run        " << FormatDuration(run.duration_ns) << ", "
      << FormatCount(run.sample_count) << " samples";
  if (c.info.interval_ns > 0) {
    out << " every " << FormatDuration(c.info.interval_ns);
  }
  out << "\n";
  SystemSample system = c.recording.system_at(c.index);
  out << "Processes  " << FormatCount(system.process_count) << " at "
      << FormatDuration(c.time_ns) << " (min " << FormatCount(run.min_processes)
      << ", max " << FormatCount(run.max_processes) << ")\n";
  WriteMemoryLines(c, out);
  WriteEventsLine(run, out);
  if (run.dropped_samples > 0) {
    out << "Dropped    " << FormatCount(run.dropped_samples)
        << (c.info.source == "beam" ? " samples the node did not answer in time\n"
                                    : " samples lost to a slow consumer\n");
  }
}

void WriteTableText(const ReportContext& c, const TableView& v, std::ostream& out) {
  out << "\n" << TableTitle(c, v) << "\n";
  if (v.shown.empty()) {
    out << "(no process matches)\n";
    return;
  }
  TextTable t({{"PID"},
               {"NAME", TextTable::kLeft, kNameWidth},
               {"MEMORY", TextTable::kRight},
               {"MSGQ", TextTable::kRight},
               {"HELD", TextTable::kRight},
               {"GROWTH", TextTable::kRight},
               {"PEAK MEM", TextTable::kRight},
               {"PEAK MSGQ", TextTable::kRight},
               {"REDUCTIONS", TextTable::kRight},
               {"CURRENT FUNCTION", TextTable::kLeft, kFunctionWidth},
               {"OUTLIER"}});
  size_t flagged = 0;
  const bool has_held = c.info.Has(Figure::kHeldSpecBytes);
  for (uint32_t i : v.shown) {
    const ProcessRow& r = v.table.rows[i];
    if (r.is_outlier()) ++flagged;
    t.AddRow({FormatPid(r.pid), r.name, FormatBytes(r.memory), FormatCount(r.msgq),
              !has_held ? "n/a" : r.held_spec_bytes ? FormatBytes(r.held_spec_bytes) : "-",
              r.has_rate ? FormatRate(r.memory_growth_per_s) : "-",
              r.has_run_peaks ? absl::StrCat(FormatBytes(r.run_peak_memory), " @",
                                             FormatDuration(r.run_peak_memory_ns))
                              : "-",
              r.has_run_peaks ? absl::StrCat(FormatCount(r.run_peak_msgq), " @",
                                             FormatDuration(r.run_peak_msgq_ns))
                              : "-",
              FormatCount(r.reductions), r.ended ? "(ended)" : r.current_function,
              r.is_outlier() ? "! " + r.outlier_reason : ""});
  }
  out << t.Render();
  out << "\n"
      << FormatCount(v.table.outlier_count) << " outlier"
      << (v.table.outlier_count == 1 ? "" : "s") << " among "
      << FormatCount(v.table.rows.size()) << " processes";
  if (v.table.outlier_count > flagged) {
    out << " (" << FormatCount(flagged) << " shown above)";
  }
  out << "; median memory " << FormatBytes(v.table.medians.memory) << ", median MsgQ "
      << FormatCount(v.table.medians.msgq) << "\n";
}

void WriteProfileText(const ReportContext& c, const ProfileView& v, std::ostream& out) {
  std::string who = c.options.pid ? absl::StrCat("process ", FormatPid(*c.options.pid))
                                  : "all processes";
  out << "\nProfile of " << who << ", "
      << (v.interval ? absl::StrCat("from ", FormatDuration(v.from_ns), " to ",
                                    FormatDuration(c.time_ns))
                     : absl::StrCat("from the start to ", FormatDuration(c.time_ns)))
      << "\n";
  if (v.profile.rows.empty()) {
    out << (c.info.Has(Figure::kZones) ? "(no timed zones)\n"
                                       : "(n/a: this source has no timed zones)\n");
    return;
  }
  TextTable t({{"FUNCTION"},
               {"CALLS", TextTable::kRight},
               {"%", TextTable::kRight},
               {"TIME (us)", TextTable::kRight},
               {"us/CALL", TextTable::kRight}});
  for (const ProfileRow& r : v.profile.rows) {
    t.AddRow({r.zone, FormatCount(r.calls), absl::StrFormat("%.2f", r.percent),
              FormatMicros(r.total_us), FormatMicros(r.us_per_call)});
  }
  double total_us = static_cast<double>(v.profile.total_ns) / 1000.0;
  t.AddRow({"Total", FormatCount(v.profile.total_calls), "100.00", FormatMicros(total_us),
            ""});
  out << t.Render();
}

}  // namespace overseer::report_internal
