// overseer-report as a library: what the tool prints for a Recording and a
// set of options, and the whole run of the tool (argument parsing, opening,
// exit status), with the capture opener passed in so tests run it on
// hand-built recordings without starting a process or writing a file.
//
// Output: text (aligned, bytes in human units), csv or json (exact bytes).
// Text: a summary (capture, run length, process counts, memory by
// category, events), then the top processes with outliers and their reasons,
// or with --profile the eprof-like table.
//
// Example:
//   int code = RunReport({"run.ovc", "--top", "5"}, OpenCaptureFile,
//                        std::cout, std::cerr);
//
// Thread safety: each call is independent; the streams are the caller's.
#ifndef OVERSEER_PROBES_TOOLS_REPORT_H_
#define OVERSEER_PROBES_TOOLS_REPORT_H_

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "probes/model/recording.h"
#include "probes/tools/report_options.h"

namespace overseer {

// Exit statuses of overseer-report.
inline constexpr int kReportOk = 0;
inline constexpr int kReportBadInput = 1;  // unreadable or empty capture
inline constexpr int kReportUsage = 2;     // bad command line

using RecordingOpener =
    std::function<absl::StatusOr<std::unique_ptr<Recording>>(const std::string& path)>;

// Runs the tool on `args` (without the program name): the report on `out`,
// one-line errors and warnings on `err`. Returns the exit status. A capture
// with a damaged tail is reported up to the damage, with a warning naming
// it, and exits 0.
int RunReport(const std::vector<std::string>& args, const RecordingOpener& open,
              std::ostream& out, std::ostream& err);

// Writes the report of `recording` (at least one sample) as `options` ask,
// without any export. Notes for people (e.g. --at past the end) go to
// `notes`. Errors: FailedPrecondition (no samples), NotFound (--pid not in
// the sample), or the Recording's error reading the sample.
absl::Status WriteReport(const Recording& recording, const ReportOptions& options,
                         std::ostream& out, std::ostream& notes);

}  // namespace overseer

#endif  // OVERSEER_PROBES_TOOLS_REPORT_H_
