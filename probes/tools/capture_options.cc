#include "probes/tools/capture_options.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "probes/attach/client.h"
#include "probes/metrics/metrics_server.h"

namespace overseer {
namespace {

absl::Status Bad(absl::string_view what) {
  return absl::InvalidArgumentError(std::string(what));
}

absl::StatusOr<absl::Duration> ParsePositiveDuration(absl::string_view flag,
                                                     const std::string& text) {
  absl::Duration d;
  if (!absl::ParseDuration(text, &d) || d <= absl::ZeroDuration() ||
      d == absl::InfiniteDuration()) {
    return Bad(absl::StrCat(flag, " wants a positive duration like 30s, ",
                            "100ms or 2m, not '", text, "'"));
  }
  return d;
}

// Reads a flag's value: "--flag=value" or "--flag value".
absl::StatusOr<std::string> TakeValue(const std::vector<std::string>& args, size_t& i,
                                      absl::string_view flag) {
  const std::string& arg = args[i];
  if (arg.size() > flag.size() && arg[flag.size()] == '=') {
    return arg.substr(flag.size() + 1);
  }
  if (i + 1 >= args.size()) return Bad(absl::StrCat(flag, " needs a value"));
  return args[++i];
}

bool IsFlag(const std::string& arg, absl::string_view flag) {
  return arg == flag || (absl::StartsWith(arg, flag) && arg.size() > flag.size() &&
                         arg[flag.size()] == '=');
}

absl::Status Check(const CaptureToolOptions& o, int modes) {
  if (modes > 1) {
    return Bad("choose one of --launch, --attach, --beam and --list");
  }
  if (o.mode == CaptureToolOptions::Mode::kHelp ||
      o.mode == CaptureToolOptions::Mode::kList) {
    return absl::OkStatus();
  }
  if (o.mode == CaptureToolOptions::Mode::kLaunch && o.command.empty()) {
    return Bad("--launch needs a command after it: --launch -- CMD ARGS...");
  }
  if (o.out.empty() && o.metrics.empty()) {
    return Bad("missing --out FILE (where to write the capture) or --metrics HOST:PORT");
  }
  const bool attach = o.mode == CaptureToolOptions::Mode::kAttach;
  if (!o.token.empty() && !attach) return Bad("--token goes with --attach");
  if (!attach &&
      (!o.tls_ca.empty() || !o.tls_fingerprint.empty() || !o.tls_name.empty())) {
    return Bad(
        "--tls-ca, --tls-fingerprint and --tls-name go with --attach tcp:HOST:PORT");
  }
  if (!o.tls_name.empty() && o.tls_ca.empty()) {
    return Bad("--tls-name goes with --tls-ca: a pinned fingerprint names no host");
  }
  const bool beam = o.mode == CaptureToolOptions::Mode::kBeam;
  if (!beam && (o.cookie || !o.cookie_file.empty())) {
    return Bad("--cookie and --cookie-file go with --beam");
  }
  if (o.cookie && !o.cookie_file.empty()) {
    return Bad("give --cookie or --cookie-file, not both");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<CaptureToolOptions> ParseCaptureArgs(
    const std::vector<std::string>& args) {
  CaptureToolOptions o;
  int modes = 0;
  bool help = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--launch") {
      o.mode = CaptureToolOptions::Mode::kLaunch;
      ++modes;
      // Everything after it (past an optional "--") is the command.
      size_t first = i + 1;
      if (first < args.size() && args[first] == "--") ++first;
      o.command.assign(args.begin() + static_cast<long>(first), args.end());
      break;
    }
    absl::StatusOr<std::string> value;
    if (arg == "--help" || arg == "-h") {
      help = true;
    } else if (arg == "--list") {
      o.mode = CaptureToolOptions::Mode::kList;
      ++modes;
    } else if (arg == "--quiet" || arg == "-q") {
      o.quiet = true;
    } else if (IsFlag(arg, "--attach")) {
      if (!(value = TakeValue(args, i, "--attach")).ok()) return value.status();
      if (value->empty()) return Bad("--attach needs an endpoint");
      o.mode = CaptureToolOptions::Mode::kAttach;
      o.endpoint = *value;
      ++modes;
    } else if (IsFlag(arg, "--beam")) {
      if (!(value = TakeValue(args, i, "--beam")).ok()) return value.status();
      if (value->empty()) return Bad("--beam needs a node name (name@host)");
      o.mode = CaptureToolOptions::Mode::kBeam;
      o.node = *value;
      ++modes;
    } else if (IsFlag(arg, "--cookie-file")) {
      if (!(value = TakeValue(args, i, "--cookie-file")).ok()) return value.status();
      if (value->empty()) return Bad("--cookie-file needs a file name");
      o.cookie_file = *value;
    } else if (IsFlag(arg, "--cookie")) {
      // The value is never echoed back, not even in an error.
      if (!(value = TakeValue(args, i, "--cookie")).ok()) return value.status();
      if (value->empty()) return Bad("--cookie needs a value");
      o.cookie = *value;
    } else if (IsFlag(arg, "--token")) {
      if (!(value = TakeValue(args, i, "--token")).ok()) return value.status();
      o.token = *value;
    } else if (IsFlag(arg, "--tls-ca") || IsFlag(arg, "--tls-name")) {
      const std::string flag = arg.substr(0, arg.find('='));
      if (!(value = TakeValue(args, i, flag)).ok()) return value.status();
      if (value->empty()) return Bad(absl::StrCat(flag, " needs a value"));
      (flag == "--tls-ca" ? o.tls_ca : o.tls_name) = *value;
    } else if (IsFlag(arg, "--tls-fingerprint")) {
      if (!(value = TakeValue(args, i, "--tls-fingerprint")).ok()) return value.status();
      absl::StatusOr<std::string> pin = ParseTlsFingerprint(*value);
      if (!pin.ok())
        return Bad(absl::StrCat("--tls-fingerprint: ", pin.status().message()));
      o.tls_fingerprint = *pin;
    } else if (IsFlag(arg, "--out") || arg == "-o") {
      if (!(value = TakeValue(args, i, arg == "-o" ? "-o" : "--out")).ok()) {
        return value.status();
      }
      if (value->empty()) return Bad("--out needs a file name");
      o.out = *value;
    } else if (IsFlag(arg, "--metrics")) {
      if (!(value = TakeValue(args, i, "--metrics")).ok()) return value.status();
      if (absl::StatusOr<MetricsAddress> a = ParseMetricsAddress(*value); !a.ok()) {
        return Bad(absl::StrCat("--metrics: ", a.status().message()));
      }
      o.metrics = *value;
    } else if (IsFlag(arg, "--metrics-top")) {
      if (!(value = TakeValue(args, i, "--metrics-top")).ok()) return value.status();
      if (!absl::SimpleAtoi(*value, &o.metrics_top) || o.metrics_top == 0 ||
          o.metrics_top > 10000) {
        return Bad(absl::StrCat("--metrics-top wants a number of processes from 1 to "
                                "10000, not '", *value, "'"));
      }
    } else if (IsFlag(arg, "--duration") || IsFlag(arg, "--interval") ||
               IsFlag(arg, "--wait") || IsFlag(arg, "--timeout")) {
      const std::string flag = arg.substr(0, arg.find('='));
      if (!(value = TakeValue(args, i, flag)).ok()) return value.status();
      absl::StatusOr<absl::Duration> d = ParsePositiveDuration(flag, *value);
      if (!d.ok()) return d.status();
      if (flag == "--duration") o.duration = *d;
      if (flag == "--interval") o.interval = *d;
      if (flag == "--wait") o.wait = *d;
      if (flag == "--timeout") o.sample_timeout = *d;
    } else {
      return Bad(absl::StrCat("unknown argument '", arg, "'"));
    }
  }
  if (help) {
    o.mode = CaptureToolOptions::Mode::kHelp;
    return o;
  }
  if (modes == 0) {
    return Bad(
        "nothing to do: give --launch -- CMD..., --attach ENDPOINT, --beam NODE or --list");
  }
  if (absl::Status s = Check(o, modes); !s.ok()) return s;
  return o;
}

std::string CaptureUsage() {
  return R"(usage:
  overseer-capture --out FILE [options] --launch -- CMD ARGS...
  overseer-capture --out FILE [options] --attach ENDPOINT [--token TOKEN]
                   [--tls-ca FILE | --tls-fingerprint SHA256] [--tls-name NAME]
  overseer-capture --out FILE [options] --beam NODE [--cookie-file FILE]
  overseer-capture --metrics HOST:PORT [options] --attach ENDPOINT | --launch ...
  overseer-capture --list

Records a program that uses the Overseer runtime into a capture file, through
its live attach endpoint. --launch starts CMD with OVERSEER_ATTACH=1 and
records it; --attach records a program already running (ENDPOINT: its socket
path, its pid, or tcp:HOST:PORT with --token). --list shows the programs on
this machine with an endpoint open. --metrics serves the program's figures
at http://HOST:PORT/metrics in the OpenMetrics text format while it records;
without --out it only serves (an exporter beside the program, for Prometheus).

Beyond loopback a program serves TCP only with TLS, and this tool attaches to
it only with TLS, verifying the program's certificate before the token is
sent: --tls-ca FILE trusts the PEM certificates in FILE (a CA, or the
program's own certificate, which must then name HOST), --tls-fingerprint
pins the SHA-256 fingerprint of the program's certificate (as `openssl x509
-noout -fingerprint -sha256` prints it). A pid on this machine needs neither:
its endpoint file says whether it speaks TLS, and with what certificate.

--beam records a running Erlang or Elixir node started with a node name
(erl -sname NAME, iex --sname NAME): it connects as a hidden node and reads
the node through its rpc server with functions that exist on every node
(erlang:processes/0, erlang:process_info/2, erlang:memory/0, ...). Nothing is
loaded onto the node or changed on it. NODE is name@host, or name for a node
on this host. The cookie comes from --cookie-file (default ~/.erlang.cookie)
or --cookie (visible to other users in the process list: prefer the file).

options:
  --out FILE        the capture to write
  --metrics A       serve /metrics on A: HOST:PORT, or PORT for loopback
                    (127.0.0.1); 0.0.0.0:PORT serves every interface
  --metrics-top N   processes listed by peak memory and by peak MsgQ (20)
  --duration D      stop after D (30s, 2m, ...); default: when the program ends
  --interval D      ask the program to sample every D (needs control; with
                    --launch it is enabled for the launched program); with
                    --beam, read the node every D (default 1s)
  --wait D          how long --launch waits for the endpoint, or --beam for
                    the connection (default 10s)
  --timeout D       --beam: a sample is skipped when the node answers none of
                    its calls for D (default 5s)
  --tls-ca FILE     attach over TLS, trusting the certificates in FILE
  --tls-fingerprint SHA256
                    attach over TLS, pinning the program's certificate
  --tls-name NAME   with --tls-ca: the name the certificate must be for, when
                    not HOST (e.g. when attaching through a tunnel)
  --quiet           no progress line
  --help            this text

Ctrl-C (or SIGTERM) ends the recording; the file is complete either way.
Exit status: 0 recorded, 1 could not record (unreachable, refused, I/O, or
the node went away: the file keeps what was recorded), 2 bad arguments.
)";
}

}  // namespace overseer
