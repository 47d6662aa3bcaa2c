// overseer-capture: records a program that uses the runtime, through its
// attach endpoint, into a capture file. See capture_options.h for the flags.
#include <cstdio>
#include <string>
#include <vector>

#include "probes/tools/capture_options.h"
#include "probes/tools/capture_run.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  absl::StatusOr<overseer::CaptureToolOptions> options = overseer::ParseCaptureArgs(args);
  if (!options.ok()) {
    std::fprintf(stderr,
                 "overseer-capture: %s\n(overseer-capture --help lists the options)\n",
                 std::string(options.status().message()).c_str());
    return overseer::kCaptureUsage;
  }
  overseer::InstallStopSignals();
  return overseer::RunCapture(*options, stdout, stderr);
}
