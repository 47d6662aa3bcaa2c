#include "probes/analysis/outliers.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "probes/analysis/format.h"
#include "probes/model/model.h"

namespace overseer {
namespace {

template <typename T>
T LowerMedian(std::vector<T>& values) {
  if (values.empty()) return T{};
  auto middle = values.begin() + static_cast<ptrdiff_t>((values.size() - 1) / 2);
  std::nth_element(values.begin(), middle, values.end());
  return *middle;
}

bool MemoryRule(const ProcessRow& row, const TableMedians& medians,
                const OutlierRules& rules) {
  if (row.memory >= rules.memory_absolute) return true;
  return row.memory >= rules.memory_floor &&
         static_cast<double>(row.memory) >=
             rules.memory_median_ratio * static_cast<double>(medians.memory);
}

bool MsgqRule(const ProcessRow& row, const TableMedians& medians,
              const OutlierRules& rules) {
  return row.msgq >= rules.msgq_floor &&
         static_cast<double>(row.msgq) >=
             rules.msgq_median_ratio * static_cast<double>(medians.msgq);
}

bool GrowthRule(const ProcessRow& row, int64_t span_ns, const OutlierRules& rules) {
  if (!row.has_rate || span_ns <= 0 || span_ns < rules.growth_min_span_ns) {
    return false;
  }
  double grown = row.memory_growth_per_s * static_cast<double>(span_ns) / 1e9;
  return row.memory_growth_per_s >= rules.growth_floor_per_s &&
         grown >= static_cast<double>(rules.growth_min_bytes);
}

std::string MemoryReason(const ProcessRow& row, const TableMedians& medians,
                         const OutlierRules& rules) {
  if (medians.memory == 0) {
    return absl::StrCat("memory ", FormatBytes(row.memory), " (median 0 B)");
  }
  double ratio = static_cast<double>(row.memory) / static_cast<double>(medians.memory);
  if (ratio >= rules.memory_median_ratio) {
    return absl::StrCat("memory ", FormatRatio(ratio), " the median");
  }
  return absl::StrCat("memory ", FormatBytes(row.memory));
}

}  // namespace

TableMedians ComputeMedians(const std::vector<ProcessRow>& rows) {
  TableMedians medians;
  std::vector<uint64_t> values(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) values[i] = rows[i].memory;
  medians.memory = LowerMedian(values);
  for (size_t i = 0; i < rows.size(); ++i) values[i] = rows[i].msgq;
  medians.msgq = LowerMedian(values);
  std::vector<double> growth;
  for (const ProcessRow& row : rows) {
    if (row.has_rate) growth.push_back(row.memory_growth_per_s);
  }
  medians.memory_growth_per_s = LowerMedian(growth);
  return medians;
}

uint32_t ClassifyRow(const ProcessRow& row, const TableMedians& medians, int64_t span_ns,
                     const OutlierRules& rules, std::string* reason) {
  uint32_t flags = kOutlierNone;
  if (MemoryRule(row, medians, rules)) flags |= kOutlierMemory;
  if (GrowthRule(row, span_ns, rules)) flags |= kOutlierGrowth;
  if (MsgqRule(row, medians, rules)) flags |= kOutlierMsgq;
  if (row.held_spec_bytes >= rules.held_spec_floor) flags |= kOutlierHeldSpecs;
  if (flags == kOutlierNone || reason == nullptr) return flags;

  std::vector<std::string> parts;
  bool growing =
      row.has_rate && span_ns > 0 && row.memory_growth_per_s >= rules.growth_floor_per_s;
  std::string growth_text = absl::StrCat("growing ", FormatRate(row.memory_growth_per_s));
  if (flags & kOutlierMemory) {
    std::string text = MemoryReason(row, medians, rules);
    if (growing) absl::StrAppend(&text, ", ", growth_text);
    parts.push_back(std::move(text));
  } else if (flags & kOutlierGrowth) {
    parts.push_back(growth_text);
  }
  if (flags & kOutlierMsgq) {
    parts.push_back(absl::StrCat("MsgQ ", FormatCount(row.msgq), " (median ",
                                 FormatCount(medians.msgq), ")"));
  }
  if (flags & kOutlierHeldSpecs) {
    parts.push_back(
        absl::StrCat("holds ", FormatBytes(row.held_spec_bytes), " of child specs"));
  }
  *reason = absl::StrJoin(parts, ", ");
  return flags;
}

size_t FlagOutliers(ProcessTable& table, const OutlierRules& rules) {
  int64_t span_ns = table.has_base ? table.time_ns - table.base_time_ns : 0;
  size_t count = 0;
  for (ProcessRow& row : table.rows) {
    row.outlier_reason.clear();
    row.outlier = ClassifyRow(row, table.medians, span_ns, rules, &row.outlier_reason);
    if (row.outlier != kOutlierNone) ++count;
  }
  return count;
}

}  // namespace overseer
