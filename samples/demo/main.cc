// overseer-demo: runs one demo workload on a fresh runtime, printing a line
// of figures per second and a summary at the end; optionally records the
// run to a capture file that overseer-report and the GUI open.
//
//   overseer-demo --list
//   overseer-demo buffered-task --mode closure --duration 60s
//   overseer-demo buffered-task --mode mfa --capture fixed.ovc
//   overseer-demo buffered-task --listen unix      (then attach a viewer)
//   overseer-demo WORKLOAD --help
//
// Exit status: 0 done, 1 the run failed, 2 bad usage.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/runtime.h"
#include "probes/attach/env.h"
#include "probes/metrics/metrics_env.h"
#include "probes/attach/server.h"
#include "probes/sampler/recorder.h"
#include "samples/common/flags.h"
#include "samples/workloads/registry.h"

namespace overseer {
namespace {

std::atomic<bool> g_interrupted{false};

void OnSignal(int) { g_interrupted.store(true); }

// The launcher's own flags, next to each workload's.
struct DemoOptions {
  absl::Duration duration = absl::Seconds(60);
  int schedulers = 0;  // 0: one per core
  std::string capture;
  absl::Duration sample_interval = absl::Seconds(1);
  std::string listen;
  bool allow_control = false;
  bool quiet = false;
  bool help = false;
};

void AddDemoFlags(FlagSet& flags, DemoOptions& o) {
  flags.AddDuration("duration", &o.duration, "how long to run (Ctrl-C stops early)");
  flags.AddInt("schedulers", &o.schedulers, "scheduler threads (0: one per core)");
  flags.AddString("capture", &o.capture, "record the run to this capture file");
  flags.AddDuration("sample-interval", &o.sample_interval,
                    "how often the capture samples every process (10ms and up)");
  flags.AddString("listen", &o.listen,
                  "open an attach endpoint: unix, tcp, tcp:PORT or tcp:HOST:PORT "
                  "(default: as OVERSEER_ATTACH says; beyond loopback, TLS with "
                  "OVERSEER_ATTACH_TLS_CERT and OVERSEER_ATTACH_TLS_KEY)");
  flags.AddBool("allow-control", &o.allow_control,
                "let attached viewers change the interval and inspect processes");
  flags.AddBool("quiet", &o.quiet, "no per-second line");
  flags.AddBool("help", &o.help, "this help");
}

void PrintUsage(FILE* out) {
  std::fprintf(out,
               "usage: overseer-demo --list\n"
               "       overseer-demo WORKLOAD [flags]\n"
               "       overseer-demo WORKLOAD --help\n\n"
               "OVERSEER_ATTACH=1 opens an attach endpoint and OVERSEER_METRICS=PORT\n"
               "serves /metrics (OpenMetrics) on 127.0.0.1:PORT.\n\nworkloads:\n");
  for (const WorkloadEntry& e : Workloads()) {
    std::unique_ptr<Workload> w = e.make();
    std::fprintf(out, "  %-16s %s\n", e.name, std::string(w->description()).c_str());
  }
}

// The probes a run may have: a recorder (its sampler owns the runtime's
// peaks from then on), writing to a capture file and/or serving viewers.
struct Probes {
  std::unique_ptr<Recorder> recorder;
  std::unique_ptr<AttachServer> attach;  // reset before the recorder goes
};

// What --listen (or, without it, OVERSEER_ATTACH) asks for; nullopt: none.
absl::StatusOr<std::optional<AttachOptions>> ListenOptions(const DemoOptions& o,
                                                           const std::string& program) {
  AttachOptions base;
  base.program = program;
  base.announce = true;
  // The token and the TLS files come from the environment either way.
  AttachEnv env = AttachEnv::FromProcess();
  if (o.listen.empty()) return AttachOptionsFromEnv(env, base);
  env.attach = o.listen.c_str();
  env.control = o.allow_control ? "1" : nullptr;
  absl::StatusOr<std::optional<AttachOptions>> options = AttachOptionsFromEnv(env, base);
  if (!options.ok() && absl::StrContains(options.status().message(), "is not one of")) {
    return absl::InvalidArgumentError(
        "--listen takes unix, tcp, tcp:PORT or tcp:HOST:PORT, not '" + o.listen + "'");
  }
  return options;
}

// Starts recording `runtime` to a capture file and/or an attach endpoint,
// if asked; with neither, returns no probes and the workload's own ticks
// read the peaks.
absl::StatusOr<Probes> StartProbes(Runtime& runtime, const DemoOptions& options,
                                   const std::string& workload, std::string command) {
  Probes probes;
  absl::StatusOr<std::optional<AttachOptions>> listen =
      ListenOptions(options, "overseer-demo-" + workload);
  if (!listen.ok()) return listen.status();
  absl::StatusOr<std::optional<MetricsSinkOptions>> metrics =
      MetricsOptionsFromEnv(std::getenv(kMetricsEnv), std::getenv(kMetricsTopEnv));
  if (!metrics.ok()) return metrics.status();
  if (options.capture.empty() && !listen->has_value() && !metrics->has_value()) {
    return probes;
  }
  if (options.sample_interval < absl::Milliseconds(10)) {
    return absl::InvalidArgumentError("--sample-interval must be at least 10ms");
  }
  probes.recorder = std::make_unique<Recorder>(
      runtime, RecorderOptions{.sampler = {.interval = options.sample_interval},
                               .program = std::move(command)});
  if (!options.capture.empty()) {
    absl::StatusOr<std::unique_ptr<CaptureFileSink>> sink =
        CaptureFileSink::Open(options.capture);
    if (!sink.ok()) return sink.status();
    probes.recorder->AddSink(*std::move(sink));
  }
  if (metrics->has_value()) {
    absl::StatusOr<std::unique_ptr<MetricsSink>> sink = MetricsSink::Open(**metrics);
    if (!sink.ok()) return sink.status();
    std::fprintf(stderr, "overseer: metrics on %s\n", (*sink)->url().c_str());
    probes.recorder->AddSink(*std::move(sink));
  }
  if (listen->has_value()) {
    absl::StatusOr<std::unique_ptr<AttachServer>> attach =
        AttachServer::Open(runtime, *probes.recorder, **listen);
    if (!attach.ok()) return attach.status();
    probes.attach = *std::move(attach);
  }
  if (absl::Status s = probes.recorder->Start(); !s.ok()) return s;
  return probes;
}

// Ends the probes: a last sample, the capture's index, the viewers' streams.
absl::Status StopProbes(Probes& probes, const DemoOptions& options) {
  if (probes.recorder == nullptr) return absl::OkStatus();
  absl::Status s = probes.recorder->Stop();
  probes.attach.reset();
  if (s.ok() && !options.capture.empty()) {
    std::fprintf(stderr, "recorded %llu samples to %s\n",
                 static_cast<unsigned long long>(probes.recorder->samples()),
                 options.capture.c_str());
  }
  return s;
}

// Runs the workload for the duration (or until interrupted), a line a second.
void RunFor(Workload& workload, const DemoOptions& options, bool recording) {
  absl::Time end = absl::Now() + options.duration;
  absl::Time next = absl::Now() + absl::Seconds(1);
  while (!g_interrupted.load() && absl::Now() < end) {
    absl::SleepFor(std::min(absl::Milliseconds(100), end - absl::Now()));
    if (absl::Now() < next) continue;
    next += absl::Seconds(1);
    std::string line = workload.Tick(/*take_peaks=*/!recording);
    if (!options.quiet) std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  }
}

int Main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    PrintUsage(args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--list") {
    for (const WorkloadEntry& e : Workloads()) std::printf("%s\n", e.name);
    return 0;
  }
  absl::StatusOr<std::unique_ptr<Workload>> made = MakeWorkload(args[0]);
  if (!made.ok()) {
    std::fprintf(stderr, "overseer-demo: %s\n",
                 std::string(made.status().message()).c_str());
    return 2;
  }
  Workload& workload = **made;
  DemoOptions options;
  FlagSet flags;
  AddDemoFlags(flags, options);
  workload.DefineFlags(flags);
  absl::Status parsed = flags.Parse(absl::MakeConstSpan(args).subspan(1));
  if (options.help || !parsed.ok()) {
    if (!parsed.ok()) {
      std::fprintf(stderr, "overseer-demo: %s\n", std::string(parsed.message()).c_str());
    }
    std::fprintf(parsed.ok() ? stdout : stderr, "usage: overseer-demo %s [flags]\n%s\n%s",
                 args[0].c_str(), std::string(workload.description()).c_str(),
                 flags.Usage().c_str());
    return parsed.ok() ? 0 : 2;
  }
  if (options.schedulers < 0 || options.schedulers > 256) {
    std::fprintf(stderr, "overseer-demo: --schedulers must be within 0..256\n");
    return 2;
  }
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);

  Runtime runtime(RuntimeOptions{.schedulers = options.schedulers});
  absl::StatusOr<Probes> probes =
      StartProbes(runtime, options, args[0],
                  absl::StrCat("overseer-demo ", absl::StrJoin(args, " ")));
  if (!probes.ok()) {
    std::fprintf(stderr, "overseer-demo: %s\n",
                 std::string(probes.status().message()).c_str());
    return 2;
  }
  absl::StatusOr<Pid> root = workload.Start(runtime);
  if (!root.ok()) {
    std::fprintf(stderr, "overseer-demo: %s: %s\n", args[0].c_str(),
                 std::string(root.status().message()).c_str());
    return 2;
  }
  RunFor(workload, options, probes->recorder != nullptr);
  int status = 0;
  if (absl::Status s = StopProbes(*probes, options); !s.ok()) {
    std::fprintf(stderr, "overseer-demo: capture: %s\n",
                 std::string(s.message()).c_str());
    status = 1;
  }
  std::printf("%s", workload.Summary().c_str());
  if (absl::Status s = workload.Stop(); !s.ok()) {
    std::fprintf(stderr, "overseer-demo: %s\n", std::string(s.message()).c_str());
    status = 1;
  }
  return status;
}

}  // namespace
}  // namespace overseer

int main(int argc, char** argv) { return overseer::Main(argc, argv); }
