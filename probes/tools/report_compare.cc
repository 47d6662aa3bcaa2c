// overseer-report --compare A B: two runs side by side, ratio B/A.
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "probes/analysis/format.h"
#include "probes/analysis/text_escape.h"
#include "probes/tools/report_render.h"
#include "probes/tools/text_table.h"

namespace overseer::report_internal {
namespace {

constexpr size_t kProfileRows = 5;

std::string RatioText(double a, double b) {
  std::optional<double> r = RatioOf(a, b);
  if (!r) return "new";
  return absl::StrFormat("%.2fx", *r);
}

std::string RatioJson(double a, double b) {
  std::optional<double> r = RatioOf(a, b);
  return r ? JsonNumber(*r) : "null";
}

std::string Rate1(double v) { return absl::StrFormat("%.1f", v); }

template <typename Row>
void AddFigure(TextTable& t, const std::string& what, double a, double b, Row format) {
  t.AddRow({what, format(a), format(b), RatioText(a, b)});
}

std::string Present(const MatchedFigures& m, const std::string& text) {
  return m.processes == 0 ? "-" : text;
}

bool Lacks(const RunFigures& f, Figure figure) {
  return (f.absent & static_cast<uint32_t>(figure)) != 0;
}

std::string MatchedJson(const MatchedFigures& m) {
  if (m.processes == 0) return "null";
  return absl::StrCat("{\"processes\":", m.processes, ",\"peak_memory\":", m.peak_memory,
                      ",\"peak_msgq\":", m.peak_msgq,
                      ",\"messages_per_s\":", JsonNumber(m.messages_per_s),
                      ",\"reductions_per_s\":", JsonNumber(m.reductions_per_s),
                      ",\"call_timeouts\":", m.call_timeouts, "}");
}

std::string RunJson(const RunFigures& f, const std::string& path) {
  std::string profile = "[";
  for (size_t i = 0; i < f.profile.rows.size() && i < kProfileRows; ++i) {
    const ProfileRow& r = f.profile.rows[i];
    absl::StrAppend(&profile, i ? "," : "", "{\"zone\":", JsonString(r.zone),
                    ",\"calls\":", r.calls, ",\"total_ns\":", r.total_ns,
                    ",\"percent\":", JsonNumber(r.percent), "}");
  }
  profile += "]";
  return absl::StrCat(
      "{\"path\":", JsonString(path), ",\"program\":", JsonString(f.program),
      ",\"duration_ns\":", f.duration_ns, ",\"samples\":", f.samples,
      ",\"max_processes\":", f.max_processes, ",\"processes_seen\":", f.processes_seen,
      ",\"peak_total_memory\":", f.peak_total_memory,
      ",\"messages_per_s\":", JsonNumber(f.messages_per_s),
      ",\"reductions_per_s\":", JsonNumber(f.reductions_per_s),
      ",\"spawns_per_s\":", JsonNumber(f.spawns_per_s),
      ",\"call_timeouts\":", f.call_timeouts, ",\"profile\":", profile, "}");
}

void WriteProfileSide(const char* label, const RunFigures& f, std::ostream& out) {
  out << "\nProfile of " << label << " (top " << kProfileRows << ")\n";
  if (f.profile.rows.empty()) {
    out << (Lacks(f, Figure::kZones) ? "(n/a: this source has no timed zones)\n"
                                     : "(no timed zones)\n");
    return;
  }
  TextTable t({{"FUNCTION"}, {"CALLS", TextTable::kRight}, {"%", TextTable::kRight},
               {"TIME", TextTable::kRight}});
  for (size_t i = 0; i < f.profile.rows.size() && i < kProfileRows; ++i) {
    const ProfileRow& r = f.profile.rows[i];
    t.AddRow({r.zone, FormatCount(r.calls), absl::StrFormat("%.1f", r.percent),
              FormatDuration(static_cast<int64_t>(r.total_ns))});
  }
  out << t.Render();
}

}  // namespace

void WriteCompareText(const Comparison& c, const std::string& path_a,
                      const std::string& path_b, size_t top, std::ostream& out) {
  out << "A  " << path_a << (c.a.program.empty() ? "" : "  (" + c.a.program + ")") << "\n"
      << "B  " << path_b << (c.b.program.empty() ? "" : "  (" + c.b.program + ")") << "\n\n";
  TextTable run({{"RUN"}, {"A", TextTable::kRight}, {"B", TextTable::kRight},
                 {"B/A", TextTable::kRight}});
  auto dur = [](double v) { return FormatDuration(static_cast<int64_t>(v)); };
  auto bytes = [](double v) { return FormatBytes(static_cast<uint64_t>(v)); };
  auto count = [](double v) { return FormatCount(static_cast<uint64_t>(v)); };
  AddFigure(run, "duration", static_cast<double>(c.a.duration_ns),
            static_cast<double>(c.b.duration_ns), dur);
  AddFigure(run, "peak memory", static_cast<double>(c.a.peak_total_memory),
            static_cast<double>(c.b.peak_total_memory), bytes);
  AddFigure(run, "most processes", static_cast<double>(c.a.max_processes),
            static_cast<double>(c.b.max_processes), count);
  if (Lacks(c.a, Figure::kMessagesSent) || Lacks(c.b, Figure::kMessagesSent)) {
    run.AddRow({"messages/s", Lacks(c.a, Figure::kMessagesSent) ? "n/a" : Rate1(c.a.messages_per_s),
                Lacks(c.b, Figure::kMessagesSent) ? "n/a" : Rate1(c.b.messages_per_s), "-"});
  } else {
    AddFigure(run, "messages/s", c.a.messages_per_s, c.b.messages_per_s, Rate1);
  }
  AddFigure(run, "reductions/s", c.a.reductions_per_s, c.b.reductions_per_s, Rate1);
  AddFigure(run, "processes started/s", c.a.spawns_per_s, c.b.spawns_per_s, Rate1);
  if (Lacks(c.a, Figure::kCallTimeouts) || Lacks(c.b, Figure::kCallTimeouts)) {
    run.AddRow({"call timeouts",
                Lacks(c.a, Figure::kCallTimeouts) ? "n/a" : count(static_cast<double>(c.a.call_timeouts)),
                Lacks(c.b, Figure::kCallTimeouts) ? "n/a" : count(static_cast<double>(c.b.call_timeouts)), "-"});
  } else {
    AddFigure(run, "call timeouts", static_cast<double>(c.a.call_timeouts),
              static_cast<double>(c.b.call_timeouts), count);
  }
  out << run.Render();

  const size_t shown = top > 0 && top < c.processes.size() ? top : c.processes.size();
  out << "\nProcesses matched by name or initial call (" << FormatCount(shown) << " of "
      << FormatCount(c.processes.size()) << ", largest peak memory first)\n";
  TextTable t({{"PROCESS", TextTable::kLeft, 44},
               {"N A/B", TextTable::kRight},
               {"PEAK MEM A", TextTable::kRight},
               {"PEAK MEM B", TextTable::kRight},
               {"B/A", TextTable::kRight},
               {"PEAK MSGQ A", TextTable::kRight},
               {"B", TextTable::kRight},
               {"MSG/S A", TextTable::kRight},
               {"B", TextTable::kRight},
               {"RED/S B/A", TextTable::kRight},
               {"TIMEOUTS A/B", TextTable::kRight}});
  const bool timeouts_known =
      !Lacks(c.a, Figure::kCallTimeouts) && !Lacks(c.b, Figure::kCallTimeouts);
  for (size_t i = 0; i < shown; ++i) {
    const ComparedProcess& p = c.processes[i];
    const double ma = static_cast<double>(p.a.peak_memory);
    const double mb = static_cast<double>(p.b.peak_memory);
    t.AddRow({p.key, absl::StrCat(p.a.processes, "/", p.b.processes),
              Present(p.a, FormatBytes(p.a.peak_memory)),
              Present(p.b, FormatBytes(p.b.peak_memory)),
              p.a.processes && p.b.processes ? RatioText(ma, mb) : "-",
              Present(p.a, FormatCount(p.a.peak_msgq)), Present(p.b, FormatCount(p.b.peak_msgq)),
              Lacks(c.a, Figure::kMessageCounts) ? "n/a" : Present(p.a, Rate1(p.a.messages_per_s)),
              Lacks(c.b, Figure::kMessageCounts) ? "n/a" : Present(p.b, Rate1(p.b.messages_per_s)),
              p.a.processes && p.b.processes
                  ? RatioText(p.a.reductions_per_s, p.b.reductions_per_s)
                  : "-",
              timeouts_known ? absl::StrCat(p.a.call_timeouts, "/", p.b.call_timeouts)
                             : std::string("n/a")});
  }
  out << t.Render();
  WriteProfileSide("A", c.a, out);
  WriteProfileSide("B", c.b, out);
}

void WriteCompareCsv(const Comparison& c, std::ostream& out) {
  out << "process,processes_a,processes_b,peak_memory_a,peak_memory_b,peak_memory_ratio,"
         "peak_msgq_a,peak_msgq_b,peak_msgq_ratio,messages_per_s_a,messages_per_s_b,"
         "messages_per_s_ratio,reductions_per_s_a,reductions_per_s_b,reductions_per_s_ratio,"
         "call_timeouts_a,call_timeouts_b\n";
  for (const ComparedProcess& p : c.processes) {
    // A key of one run only has no ratios (as "-" in the text).
    const bool both = p.a.processes > 0 && p.b.processes > 0;
    auto ratio = [both](double a, double b) {
      std::optional<double> r = RatioOf(a, b);
      return both && r ? JsonNumber(*r) : std::string();
    };
    out << CsvField(p.key) << "," << p.a.processes << "," << p.b.processes << ","
        << p.a.peak_memory << "," << p.b.peak_memory << ","
        << ratio(static_cast<double>(p.a.peak_memory), static_cast<double>(p.b.peak_memory))
        << "," << p.a.peak_msgq << "," << p.b.peak_msgq << ","
        << ratio(static_cast<double>(p.a.peak_msgq), static_cast<double>(p.b.peak_msgq)) << ","
        << JsonNumber(p.a.messages_per_s) << "," << JsonNumber(p.b.messages_per_s) << ","
        << ratio(p.a.messages_per_s, p.b.messages_per_s) << ","
        << JsonNumber(p.a.reductions_per_s) << "," << JsonNumber(p.b.reductions_per_s) << ","
        << ratio(p.a.reductions_per_s, p.b.reductions_per_s) << "," << p.a.call_timeouts
        << "," << p.b.call_timeouts << "\n";
  }
}

void WriteCompareJson(const Comparison& c, const std::string& path_a,
                      const std::string& path_b, std::ostream& out) {
  out << "{\"a\":" << RunJson(c.a, path_a) << ",\n\"b\":" << RunJson(c.b, path_b)
      << ",\n\"ratios\":{\"duration\":"
      << RatioJson(static_cast<double>(c.a.duration_ns), static_cast<double>(c.b.duration_ns))
      << ",\"peak_total_memory\":"
      << RatioJson(static_cast<double>(c.a.peak_total_memory),
                   static_cast<double>(c.b.peak_total_memory))
      << ",\"messages_per_s\":" << RatioJson(c.a.messages_per_s, c.b.messages_per_s)
      << ",\"reductions_per_s\":" << RatioJson(c.a.reductions_per_s, c.b.reductions_per_s)
      << ",\"spawns_per_s\":" << RatioJson(c.a.spawns_per_s, c.b.spawns_per_s)
      << ",\"call_timeouts\":"
      << RatioJson(static_cast<double>(c.a.call_timeouts), static_cast<double>(c.b.call_timeouts))
      << "},\n\"processes\":[";
  for (size_t i = 0; i < c.processes.size(); ++i) {
    const ComparedProcess& p = c.processes[i];
    // A key of one run only has no ratios (as "-" in the text).
    const bool both = p.a.processes > 0 && p.b.processes > 0;
    auto ratio = [both](double a, double b) { return both ? RatioJson(a, b) : "null"; };
    out << (i ? ",\n" : "\n") << "{\"process\":" << JsonString(p.key)
        << ",\"a\":" << MatchedJson(p.a) << ",\"b\":" << MatchedJson(p.b)
        << ",\"peak_memory_ratio\":"
        << ratio(static_cast<double>(p.a.peak_memory), static_cast<double>(p.b.peak_memory))
        << ",\"peak_msgq_ratio\":"
        << ratio(static_cast<double>(p.a.peak_msgq), static_cast<double>(p.b.peak_msgq))
        << ",\"messages_per_s_ratio\":" << ratio(p.a.messages_per_s, p.b.messages_per_s)
        << ",\"reductions_per_s_ratio\":"
        << ratio(p.a.reductions_per_s, p.b.reductions_per_s) << "}";
  }
  out << (c.processes.empty() ? "]}\n" : "\n]}\n");
}

}  // namespace overseer::report_internal
