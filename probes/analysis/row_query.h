// Sorting, filtering and top-N over process rows, as the Processes view and
// the report tool need them. Rows never move: a query returns the indices of
// the selected rows in display order, so a view can keep one table and many
// orders, and a million rows sort in a fraction of a second.
//
// Example:
//   RowQuery query{.filter = "task", .sort = SortKey::kMsgq, .limit = 10};
//   std::vector<uint32_t> shown = SelectRows(table.rows, query);
//
// All functions are pure; thread-safe on const rows.
#ifndef OVERSEER_PROBES_ANALYSIS_ROW_QUERY_H_
#define OVERSEER_PROBES_ANALYSIS_ROW_QUERY_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probes/analysis/process_table.h"

namespace overseer {

// A column to sort by. Figures sort descending by default (biggest first),
// text ascending; ties keep pid order.
enum class SortKey : uint8_t {
  kMemory = 0,
  kMsgq,
  kHeldSpecBytes,
  kGrowth,
  kReductions,
  kReductionsDelta,
  kMailboxBytes,
  kBinaryBytes,
  kPid,
  kName,
  kCurrentFunction,
  kPeakMemory,        // the run-wide peaks (ProcessRow::run_peak_*)
  kPeakMsgq,
  kPeakMailboxBytes,
};

enum class SortDirection : uint8_t { kDefault, kAscending, kDescending };

struct RowQuery {
  // Case-insensitive substring of the name, the pid ("<0.42.0>") or the
  // current function; empty keeps every row.
  std::string filter;
  SortKey sort = SortKey::kMemory;
  SortDirection direction = SortDirection::kDefault;
  size_t limit = 0;  // 0: every matching row
};

// Parses the report tool's sort names: "memory", "msgq", "held", "growth",
// "reductions", "reductions_delta", "mailbox_bytes", "binary", "pid", "name",
// "current_function", "peak_memory", "peak_msgq", "peak_mailbox_bytes".
// Returns nullopt for anything else.
std::optional<SortKey> ParseSortKey(std::string_view name);

// The name ParseSortKey accepts for `key`.
const char* ToString(SortKey key);

// Whether `key` sorts descending under SortDirection::kDefault.
bool SortsDescendingByDefault(SortKey key);

// Whether `row` matches `filter` (already lower-case ASCII) as RowQuery says.
bool RowMatches(const ProcessRow& row, std::string_view lower_filter);

// Indices of the rows that match query.filter, in query order, at most
// query.limit of them.
std::vector<uint32_t> SelectRows(const std::vector<ProcessRow>& rows,
                                 const RowQuery& query);

// Reorders `indices` (into `rows`) by `key`; keeps the first `limit` only
// when limit > 0 (partial sort, cheaper than a full one).
void SortRowIndices(const std::vector<ProcessRow>& rows, SortKey key,
                    SortDirection direction, size_t limit,
                    std::vector<uint32_t>& indices);

}  // namespace overseer

#endif  // OVERSEER_PROBES_ANALYSIS_ROW_QUERY_H_
