// The suspects section of overseer-report, in text, csv and json.
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "probes/analysis/format.h"
#include "probes/analysis/text_escape.h"
#include "probes/tools/report_render.h"

namespace overseer::report_internal {
namespace {

// Wraps `text` at `width` columns, every line after the first indented.
std::string Wrap(const std::string& text, size_t width, const std::string& indent) {
  std::string out;
  size_t line = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = text.find(' ', i);
    if (end == std::string::npos) end = text.size();
    const size_t word = end - i;
    if (line > 0 && line + 1 + word > width) {
      absl::StrAppend(&out, "\n", indent);
      line = 0;
    } else if (line > 0) {
      out.push_back(' ');
      ++line;
    }
    out.append(text, i, word);
    line += word;
    i = end + 1;
  }
  return out;
}

std::string WindowText(const SuspectReport& r) {
  return absl::StrCat(FormatDuration(r.first_ns), " to ", FormatDuration(r.last_ns), ", ",
                      FormatCount(r.sample_count), " samples, ",
                      FormatCount(r.process_count), " processes");
}

std::string EvidenceJson(const Evidence& e) {
  return absl::StrCat("{\"what\":", JsonString(e.what), ",\"value\":", JsonNumber(e.value),
                      ",\"unit\":", JsonString(e.unit), ",\"at_ns\":",
                      e.at_ns ? absl::StrCat(*e.at_ns) : std::string("null"),
                      ",\"text\":", JsonString(e.text), "}");
}

}  // namespace

void WriteSuspectsText(const SuspectReport& r, std::ostream& out) {
  out << "\nSuspects over " << WindowText(r) << "\n";
  if (r.suspects.empty()) {
    out << "  none: no process copies its state into messages, grows without coming\n"
           "  back, backs up its mailbox, pins child specs, spends its time sending,\n"
           "  or makes callers time out.\n";
  }
  for (size_t i = 0; i < r.suspects.size(); ++i) {
    const Suspect& s = r.suspects[i];
    const std::string head = absl::StrFormat("%2d. ", i + 1);
    out << head << Describe(s.kind) << ": " << s.name << " " << FormatPid(s.pid)
        << absl::StrFormat("  (score %.0f, look at %s)", s.score, FormatDuration(s.at_ns))
        << "\n";
    out << "    " << Wrap(s.explanation, 76, "    ") << "\n";
    std::string figures;
    for (const Evidence& e : s.evidence) {
      std::string one = absl::StrCat(e.what, " ", e.text);
      if (e.at_ns) absl::StrAppend(&one, " @", FormatDuration(*e.at_ns));
      absl::StrAppend(&figures, figures.empty() ? "" : "; ", one);
    }
    out << "    evidence: " << Wrap(figures, 66, "              ") << "\n";
    if (!s.explains.empty()) {
      std::string list;
      for (size_t j : s.explains) absl::StrAppend(&list, list.empty() ? "#" : ", #", j + 1);
      out << "    accounts for " << list << "\n";
    }
  }
  if (!r.has_send_sizes) {
    out << "  (this capture has no message sizes: the state-in-messages rule did not run)\n";
  }
  if (!r.status.ok()) out << "  (read up to the damage: " << r.status.message() << ")\n";
}

std::string SuspectsJson(const SuspectReport& r) {
  std::string out = "[";
  for (size_t i = 0; i < r.suspects.size(); ++i) {
    const Suspect& s = r.suspects[i];
    absl::StrAppend(&out, i ? ",\n" : "\n", "{\"rank\":", i + 1,
                    ",\"kind\":", JsonString(ToString(s.kind)), ",\"pid\":", s.pid,
                    ",\"name\":", JsonString(s.name), ",\"other_pid\":",
                    s.other_pid ? absl::StrCat(s.other_pid) : std::string("null"),
                    ",\"other_name\":", JsonString(s.other_name),
                    ",\"score\":", JsonNumber(s.score), ",\"at_ns\":", s.at_ns,
                    ",\"explanation\":", JsonString(s.explanation), ",\"evidence\":[");
    for (size_t e = 0; e < s.evidence.size(); ++e) {
      absl::StrAppend(&out, e ? "," : "", EvidenceJson(s.evidence[e]));
    }
    absl::StrAppend(&out, "],\"explains\":[");
    for (size_t j = 0; j < s.explains.size(); ++j) {
      absl::StrAppend(&out, j ? "," : "", s.explains[j] + 1);
    }
    absl::StrAppend(&out, "]}");
  }
  absl::StrAppend(&out, r.suspects.empty() ? "]" : "\n]");
  return out;
}

std::string SuspectWindowJson(const SuspectReport& r) {
  return absl::StrCat("{\"from_ns\":", r.first_ns, ",\"to_ns\":", r.last_ns,
                      ",\"samples\":", r.sample_count, ",\"processes\":", r.process_count,
                      ",\"has_send_sizes\":", r.has_send_sizes ? "true" : "false", "}");
}

void WriteSuspectsCsv(const SuspectReport& r, std::ostream& out) {
  out << "rank,kind,pid,name,other_pid,other_name,score,at_ns,explanation\n";
  for (size_t i = 0; i < r.suspects.size(); ++i) {
    const Suspect& s = r.suspects[i];
    out << i + 1 << "," << ToString(s.kind) << "," << s.pid << "," << CsvField(s.name)
        << "," << (s.other_pid ? absl::StrCat(s.other_pid) : "") << ","
        << CsvField(s.other_name) << "," << JsonNumber(s.score) << "," << s.at_ns << ","
        << CsvField(s.explanation) << "\n";
  }
}

}  // namespace overseer::report_internal
