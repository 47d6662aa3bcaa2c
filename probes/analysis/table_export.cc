#include "probes/analysis/table_export.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "probes/analysis/text_escape.h"

namespace overseer {
namespace {

std::string Rate(const ProcessRow& row, double value) {
  if (!row.has_rate) return "";
  return JsonNumber(std::round(value * 1000.0) / 1000.0);
}

std::string OutlierNames(uint32_t flags) {
  std::string out;
  auto add = [&](uint32_t bit, const char* name) {
    if (flags & bit) absl::StrAppend(&out, out.empty() ? "" : "|", name);
  };
  add(kOutlierMemory, "memory");
  add(kOutlierMsgq, "msgq");
  add(kOutlierHeldSpecs, "held");
  add(kOutlierGrowth, "growth");
  return out;
}

}  // namespace

const std::vector<std::string>& ProcessColumns() {
  static const std::vector<std::string>* const kColumns =
      new std::vector<std::string>{"pid",
                                   "name",
                                   "registered",
                                   "kind",
                                   "status",
                                   "memory",
                                   "memory_peak",
                                   "msgq",
                                   "msgq_peak",
                                   "mailbox_bytes",
                                   "held_spec_bytes",
                                   "binary_bytes",
                                   "reductions",
                                   "reductions_delta",
                                   "reductions_per_s",
                                   "memory_growth_per_s",
                                   "current_function",
                                   "outlier",
                                   "outlier_reason",
                                   "ended",
                                   "peak_memory",
                                   "peak_memory_ns",
                                   "peak_msgq",
                                   "peak_msgq_ns",
                                   "peak_mailbox_bytes",
                                   "peak_mailbox_bytes_ns"};
  return *kColumns;
}

void WriteProcessCsv(const std::vector<ProcessRow>& rows, std::span<const uint32_t> order,
                     std::ostream& out) {
  const std::vector<std::string>& columns = ProcessColumns();
  for (size_t i = 0; i < columns.size(); ++i) {
    out << (i ? "," : "") << columns[i];
  }
  out << "\n";
  for (uint32_t index : order) {
    if (index >= rows.size()) continue;
    const ProcessRow& r = rows[index];
    out << absl::StrCat(
        r.pid, ",", CsvField(r.name), ",", r.registered ? "true" : "false", ",",
        CsvField(ToString(r.kind)), ",", CsvField(ToString(r.status)), ",", r.memory, ",",
        r.memory_peak, ",", r.msgq, ",", r.msgq_peak, ",", r.mailbox_bytes, ",",
        r.held_spec_bytes, ",", r.binary_bytes, ",", r.reductions, ",",
        r.reductions_delta, ",", Rate(r, r.reductions_per_s), ",",
        Rate(r, r.memory_growth_per_s), ",", CsvField(r.current_function), ",",
        OutlierNames(r.outlier), ",", CsvField(r.outlier_reason), ",",
        r.ended ? "true" : "false");
    if (r.has_run_peaks) {
      out << absl::StrCat(",", r.run_peak_memory, ",", r.run_peak_memory_ns, ",",
                          r.run_peak_msgq, ",", r.run_peak_msgq_ns, ",",
                          r.run_peak_mailbox_bytes, ",", r.run_peak_mailbox_bytes_ns);
    } else {
      out << ",,,,,,";
    }
    out << "\n";
  }
}

std::string ProcessRowJson(const ProcessRow& r) {
  auto rate = [&](double v) {
    std::string text = Rate(r, v);
    return text.empty() ? std::string("null") : text;
  };
  std::string out = absl::StrCat("{\"pid\":", r.pid, ",\"name\":");
  AppendJsonString(r.name, out);
  absl::StrAppend(&out, ",\"registered\":", r.registered ? "true" : "false",
                  ",\"kind\":", JsonString(ToString(r.kind)),
                  ",\"status\":", JsonString(ToString(r.status)),
                  ",\"memory\":", r.memory, ",\"memory_peak\":", r.memory_peak,
                  ",\"msgq\":", r.msgq, ",\"msgq_peak\":", r.msgq_peak,
                  ",\"mailbox_bytes\":", r.mailbox_bytes);
  absl::StrAppend(&out, ",\"held_spec_bytes\":", r.held_spec_bytes,
                  ",\"binary_bytes\":", r.binary_bytes, ",\"reductions\":", r.reductions,
                  ",\"reductions_delta\":", r.reductions_delta,
                  ",\"reductions_per_s\":", rate(r.reductions_per_s),
                  ",\"memory_growth_per_s\":", rate(r.memory_growth_per_s),
                  ",\"current_function\":");
  AppendJsonString(r.current_function, out);
  absl::StrAppend(&out, ",\"outlier\":", JsonString(OutlierNames(r.outlier)),
                  ",\"outlier_reason\":");
  AppendJsonString(r.outlier_reason, out);
  absl::StrAppend(&out, ",\"ended\":", r.ended ? "true" : "false");
  if (r.has_run_peaks) {
    absl::StrAppend(&out, ",\"peak_memory\":", r.run_peak_memory,
                    ",\"peak_memory_ns\":", r.run_peak_memory_ns,
                    ",\"peak_msgq\":", r.run_peak_msgq, ",\"peak_msgq_ns\":", r.run_peak_msgq_ns,
                    ",\"peak_mailbox_bytes\":", r.run_peak_mailbox_bytes,
                    ",\"peak_mailbox_bytes_ns\":", r.run_peak_mailbox_bytes_ns);
  } else {
    // Every column in every object: null where no scan gave run peaks.
    absl::StrAppend(&out, ",\"peak_memory\":null,\"peak_memory_ns\":null,\"peak_msgq\":null,"
                          "\"peak_msgq_ns\":null,\"peak_mailbox_bytes\":null,"
                          "\"peak_mailbox_bytes_ns\":null");
  }
  out.push_back('}');
  return out;
}

void WriteProcessJson(const std::vector<ProcessRow>& rows,
                      std::span<const uint32_t> order, std::ostream& out) {
  out << "[";
  bool first = true;
  for (uint32_t index : order) {
    if (index >= rows.size()) continue;
    out << (first ? "\n" : ",\n") << ProcessRowJson(rows[index]);
    first = false;
  }
  out << (first ? "]\n" : "\n]\n");
}

}  // namespace overseer
