// Records the real buffered-task demo into a capture file, in-process: the
// source of the GUI's smoke test and of the screenshots of the real demo.
//
// Example:
//   absl::Status s = RecordDemoCapture(path, {"--mode", "closure"}, 6s);
#ifndef OVERSEER_TESTS_GUI_DEMO_CAPTURE_H_
#define OVERSEER_TESTS_GUI_DEMO_CAPTURE_H_

#include <chrono>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace overseer::testing {

// Runs buffered-task with `args` for `run_for`, sampled every 250 ms, and
// writes the capture to `path`. Errors: the workload's, the recorder's or
// the file's.
absl::Status RecordDemoCapture(const std::string& path,
                               const std::vector<std::string>& args,
                               std::chrono::milliseconds run_for);

}  // namespace overseer::testing

#endif  // OVERSEER_TESTS_GUI_DEMO_CAPTURE_H_
