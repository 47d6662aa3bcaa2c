// Process rows as CSV and JSON, for spreadsheets and scripts. Figures are
// exact (bytes, counts); rates are bytes or reductions per second; a rate
// that could not be measured is an empty CSV field or JSON null.
//
// Columns, in order (ProcessColumns()): pid, name, registered, kind, status,
// memory, memory_peak, msgq, msgq_peak, mailbox_bytes, held_spec_bytes,
// binary_bytes, reductions, reductions_delta, reductions_per_s,
// memory_growth_per_s, current_function, outlier, outlier_reason.
//
// Example:
//   std::vector<uint32_t> top = SelectRows(table.rows, {.limit = 10});
//   WriteProcessCsv(table.rows, top, std::cout);
//
// Thread safety: the functions only read the rows; the stream is the
// caller's.
#ifndef OVERSEER_PROBES_ANALYSIS_TABLE_EXPORT_H_
#define OVERSEER_PROBES_ANALYSIS_TABLE_EXPORT_H_

#include <cstdint>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "probes/analysis/process_table.h"

namespace overseer {

// The column names, in the order both formats write them.
const std::vector<std::string>& ProcessColumns();

// Writes a header line and then rows[i] for each i of `order`, one per line
// (RFC 4180 quoting, "\n" line ends).
void WriteProcessCsv(const std::vector<ProcessRow>& rows, std::span<const uint32_t> order,
                     std::ostream& out);

// Writes a JSON array of objects, one per row of `order`, one per line.
void WriteProcessJson(const std::vector<ProcessRow>& rows,
                      std::span<const uint32_t> order, std::ostream& out);

// One row as a JSON object (no trailing newline).
std::string ProcessRowJson(const ProcessRow& row);

}  // namespace overseer

#endif  // OVERSEER_PROBES_ANALYSIS_TABLE_EXPORT_H_
