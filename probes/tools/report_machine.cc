// The csv and json sections of overseer-report: exact figures for scripts.
#include <string>

#include "absl/strings/str_cat.h"
#include "probes/analysis/row_query.h"
#include "probes/analysis/table_export.h"
#include "probes/analysis/text_escape.h"
#include "probes/tools/report_render.h"

namespace overseer::report_internal {
namespace {

std::string OptionalNumber(bool present, int64_t value) {
  return present ? absl::StrCat(value) : "null";
}

// The figures the source could not give: rows read 0 for them.
std::string AbsentJson(const CaptureInfo& info) {
  std::string out = "[";
  for (Figure f : AbsentFigures(info)) {
    absl::StrAppend(&out, out.size() > 1 ? "," : "", JsonString(ToString(f)));
  }
  return out + "]";
}

// The "capture" object: what was read, and whether all of it was.
std::string CaptureJson(const ReportContext& c) {
  absl::Status status = c.recording.status();
  return absl::StrCat(
      "{\"path\":", JsonString(c.options.capture_path),
      ",\"program\":", JsonString(c.info.program), ",\"source\":", JsonString(c.info.source),
      ",\"node\":", JsonString(c.info.node), ",\"runtime\":", JsonString(c.info.runtime),
      ",\"absent\":", AbsentJson(c.info), ",\"samples\":", c.run.sample_count,
      ",\"duration_ns\":", c.run.duration_ns, ",\"min_processes\":", c.run.min_processes,
      ",\"max_processes\":", c.run.max_processes,
      ",\"peak_total_memory\":", c.run.peak_total_memory,
      ",\"peak_memory_time_ns\":", c.run.peak_memory_time_ns, ",\"damage\":",
      status.ok() ? std::string("null") : JsonString(std::string(status.message())), "}");
}

std::string MemoryJson(const ReportContext& c) {
  const SystemSample system = c.recording.system_at(c.index);
  MemoryByCategory m = MemoryByCategoryOf(system);
  const auto figure = [&](Figure f, uint64_t value) {
    return c.info.Has(f) ? absl::StrCat(value) : std::string("null");
  };
  std::string node = "{";
  for (const MemoryCategory& n : system.memory_categories) {
    absl::StrAppend(&node, node.size() > 1 ? "," : "", JsonString(n.name), ":", n.bytes);
  }
  node += "}";
  return absl::StrCat("{\"process_accounts\":", m.process_accounts,
                      ",\"mailboxes\":", figure(Figure::kMailboxBytes, m.mailboxes),
                      ",\"held_specs\":", figure(Figure::kHeldSpecBytes, m.held_specs),
                      ",\"binaries\":", m.binaries, ",\"total\":", m.total,
                      ",\"node\":", node, "}");
}

}  // namespace

void WriteTableJson(const ReportContext& c, const TableView& v, std::ostream& out) {
  const ProcessTable& t = v.table;
  out << "{\"capture\":" << CaptureJson(c) << ",\n\"at_ns\":" << c.time_ns
      << ",\"base_ns\":" << OptionalNumber(t.has_base, t.base_time_ns)
      << ",\"sort\":" << JsonString(ToString(c.options.sort))
      << ",\"filter\":" << JsonString(c.options.filter)
      << ",\"process_count\":" << t.rows.size() << ",\"matching\":" << v.matching
      << ",\"outlier_count\":" << t.outlier_count
      << ",\"median_memory\":" << t.medians.memory
      << ",\"median_msgq\":" << t.medians.msgq << ",\n\"memory\":" << MemoryJson(c)
      << ",\n\"window\":" << SuspectWindowJson(c.suspects)
      << ",\n\"suspects\":" << SuspectsJson(c.suspects) << ",\n\"processes\":";
  WriteProcessJson(t.rows, v.shown, out);
  out << "}\n";
}

void WriteSuspectsJson(const ReportContext& c, std::ostream& out) {
  out << "{\"capture\":" << CaptureJson(c) << ",\n\"window\":" << SuspectWindowJson(c.suspects)
      << ",\n\"suspects\":" << SuspectsJson(c.suspects) << "}\n";
}

void WriteProfileJson(const ReportContext& c, const ProfileView& v, std::ostream& out) {
  out << "{\"capture\":" << CaptureJson(c) << ",\n\"at_ns\":" << c.time_ns
      << ",\"from_ns\":" << v.from_ns << ",\"pid\":"
      << (c.options.pid ? absl::StrCat(*c.options.pid) : std::string("null"))
      << ",\"total_calls\":" << v.profile.total_calls
      << ",\"total_ns\":" << v.profile.total_ns << ",\n\"rows\":[";
  bool first = true;
  for (const ProfileRow& r : v.profile.rows) {
    out << (first ? "\n" : ",\n") << "{\"zone\":" << JsonString(r.zone)
        << ",\"calls\":" << r.calls << ",\"percent\":" << JsonNumber(r.percent)
        << ",\"total_ns\":" << r.total_ns << ",\"total_us\":" << JsonNumber(r.total_us)
        << ",\"us_per_call\":" << JsonNumber(r.us_per_call) << "}";
    first = false;
  }
  out << (first ? "]}\n" : "\n]}\n");
}

void WriteProfileCsv(const ProfileView& v, std::ostream& out) {
  out << "zone,calls,percent,total_ns,total_us,us_per_call\n";
  for (const ProfileRow& r : v.profile.rows) {
    out << CsvField(r.zone) << "," << r.calls << "," << JsonNumber(r.percent) << ","
        << r.total_ns << "," << JsonNumber(r.total_us) << "," << JsonNumber(r.us_per_call)
        << "\n";
  }
}

}  // namespace overseer::report_internal
