// overseer-capture's work, callable from tests: list the endpoints on this
// machine, or launch/attach to a program and write what it streams into a
// capture file, with a progress line on stderr once a second.
//
// Example:
//   InstallStopSignals();   // Ctrl-C and SIGTERM end the recording cleanly
//   absl::StatusOr<CaptureToolOptions> o = ParseCaptureArgs(args);
//   return RunCapture(*o, stdout, stderr);
#ifndef OVERSEER_PROBES_TOOLS_CAPTURE_RUN_H_
#define OVERSEER_PROBES_TOOLS_CAPTURE_RUN_H_

#include <cstdio>

#include "probes/tools/capture_options.h"

namespace overseer {

// Exit statuses of overseer-capture.
inline constexpr int kCaptureOk = 0;
inline constexpr int kCaptureFailed = 1;  // unreachable, refused, I/O
inline constexpr int kCaptureUsage = 2;   // bad arguments

// Makes SIGINT and SIGTERM request a clean stop of RunCapture instead of
// ending the process. Call once, from main.
void InstallStopSignals();

// Asks a running RunCapture to finish (as a signal does). Thread-safe and
// async-signal-safe.
void RequestCaptureStop();

// Runs the command `options` describes; messages go to `out` (--list) and
// `err` (progress, errors). Returns one of the exit statuses above.
// Not reentrant: one RunCapture per process at a time.
int RunCapture(const CaptureToolOptions& options, std::FILE* out, std::FILE* err);

}  // namespace overseer

#endif  // OVERSEER_PROBES_TOOLS_CAPTURE_RUN_H_
