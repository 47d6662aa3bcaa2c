// overseer-capture's command line, parsed into a value the run takes.
//
//   overseer-capture --launch [--] CMD ARGS...   --out FILE [--duration D]
//   overseer-capture --attach ENDPOINT [--token T] --out FILE [--duration D]
//       [--tls-ca FILE | --tls-fingerprint SHA256] [--tls-name NAME]
//   overseer-capture --beam NODE [--cookie-file F | --cookie C] --out FILE
//   overseer-capture --list
// plus --interval D (asks the program, if it allows control; with --beam,
// how often the node is read), --wait D (how long --launch waits for the
// endpoint, or --beam for the connection), --timeout D (--beam: how long a
// sample may take before it is skipped), --metrics HOST:PORT (serve /metrics
// while recording; without --out, only serve), --metrics-top N, --quiet (no
// progress line), --help.
// Durations are written like 30s, 100ms, 2m.
//
// Example:
//   absl::StatusOr<CaptureToolOptions> o = ParseCaptureArgs({"--list"});
#ifndef OVERSEER_PROBES_TOOLS_CAPTURE_OPTIONS_H_
#define OVERSEER_PROBES_TOOLS_CAPTURE_OPTIONS_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace overseer {

struct CaptureToolOptions {
  enum class Mode { kLaunch, kAttach, kBeam, kList, kHelp };
  Mode mode = Mode::kHelp;
  std::vector<std::string> command;  // kLaunch: the program and its args
  std::string endpoint;              // kAttach: a path, a pid or tcp:HOST:PORT
  std::string token;
  std::string node;         // kBeam: name@host, or name on this host
  std::string cookie_file;  // kBeam: empty means ~/.erlang.cookie
  std::optional<std::string> cookie;  // kBeam: given on the command line
  absl::Duration sample_timeout = absl::Seconds(5);  // kBeam
  // TLS to a tcp: endpoint (kAttach): trust this PEM file (a CA or the
  // program's certificate), or pin this SHA-256 fingerprint ("AB:CD:...");
  // and the name the certificate must carry when not the host.
  std::string tls_ca;
  std::string tls_fingerprint;
  std::string tls_name;
  std::string out;                   // empty: no file (with --metrics only)
  std::string metrics;               // HOST:PORT to serve /metrics on; empty: none
  size_t metrics_top = 20;           // processes per ranking in /metrics
  std::optional<absl::Duration> duration;  // none: until the program ends
  std::optional<absl::Duration> interval;  // none: the program's own
  absl::Duration wait = absl::Seconds(10);
  bool quiet = false;
};

// Parses the arguments after the program name. Errors: InvalidArgument
// with a message that names the flag and what it wants. Thread-safe (pure).
absl::StatusOr<CaptureToolOptions> ParseCaptureArgs(const std::vector<std::string>& args);

// The --help text.
std::string CaptureUsage();

}  // namespace overseer

#endif  // OVERSEER_PROBES_TOOLS_CAPTURE_OPTIONS_H_
