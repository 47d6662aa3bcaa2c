#include "probes/tools/capture_run.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "probes/attach/client.h"
#include "probes/attach/endpoint.h"
#include "probes/attach/env.h"
#include "probes/attach/socket_util.h"
#include "probes/metrics/metrics_server.h"
#include "probes/metrics/node_metrics.h"
#include "probes/metrics/recording_feed.h"
#include "probes/metrics/recording_suspects.h"
#include "probes/model/model.h"
#include "probes/tools/stream_file.h"
#ifdef OVERSEER_HAVE_BEAM
#include "probes/tools/capture_beam.h"
#endif

namespace overseer {
namespace {

volatile sig_atomic_t g_stop = 0;

void OnStopSignal(int /*signal*/) {
  // A second signal means "now": the file is whole up to its last chunk.
  if (g_stop) _exit(130);
  g_stop = 1;
}

std::string Seconds(absl::Duration d) {
  return absl::StrFormat("%.1fs", absl::ToDoubleSeconds(d));
}

// A launched program, ended when the recording is.
class Child {
 public:
  ~Child() { Stop(absl::ZeroDuration()); }

  absl::Status Start(const std::vector<std::string>& command, bool control) {
    std::vector<std::string> env;
    for (char** e = environ; *e != nullptr; ++e) {
      if (!absl::StartsWith(*e, "OVERSEER_ATTACH")) env.emplace_back(*e);
    }
    env.push_back(absl::StrCat(kAttachEnv, "=1"));
    if (control) env.push_back(absl::StrCat(kAttachControlEnv, "=1"));
    std::vector<char*> argv;
    std::vector<char*> envp;
    argv.reserve(command.size() + 1);
    envp.reserve(env.size() + 1);
    for (const std::string& a : command) argv.push_back(const_cast<char*>(a.c_str()));
    for (std::string& e : env) envp.push_back(e.data());
    argv.push_back(nullptr);
    envp.push_back(nullptr);
    const int rc =
        ::posix_spawnp(&pid_, argv[0], nullptr, nullptr, argv.data(), envp.data());
    if (rc != 0) {
      pid_ = -1;
      return absl::NotFoundError(absl::StrCat("cannot start ", command[0], ": ",
                                              attach_internal::ErrnoText(rc)));
    }
    return absl::OkStatus();
  }

  // True (and the status in *how) once the program has exited.
  bool Exited(std::string* how) {
    if (pid_ <= 0) return true;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) != pid_) return false;
    pid_ = -1;
    *how = WIFEXITED(status) ? absl::StrCat("exited with status ", WEXITSTATUS(status))
                             : absl::StrCat("was killed by signal ", WTERMSIG(status));
    return true;
  }

  // Lets the program exit by itself for `grace` (it may be ending already),
  // then sends SIGTERM, then SIGKILL if it is still there 5 s later.
  // Returns how it ended ("" when it was not launched).
  std::string Stop(absl::Duration grace) {
    std::string how;
    if (pid_ <= 0) return how;
    if (WaitExit(grace, &how)) return how;
    ::kill(pid_, SIGTERM);
    if (WaitExit(absl::Seconds(5), &how)) return how;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
    return "was killed after not ending on SIGTERM";
  }

  int pid() const { return pid_; }

 private:
  bool WaitExit(absl::Duration limit, std::string* how) {
    const absl::Time give_up = absl::Now() + limit;
    while (!Exited(how)) {
      if (absl::Now() >= give_up) return false;
      absl::SleepFor(absl::Milliseconds(20));
    }
    return true;
  }

  pid_t pid_ = -1;
};

int ListCommand(std::FILE* out, std::FILE* err) {
  absl::StatusOr<std::vector<EndpointInfo>> found = ListEndpoints();
  if (!found.ok()) {
    std::fprintf(err, "overseer-capture: %s\n", found.status().ToString().c_str());
    return kCaptureFailed;
  }
  if (found->empty()) {
    std::fprintf(out, "no attach endpoints open in %s\n",
                 DefaultAttachDirectory().c_str());
    return kCaptureOk;
  }
  std::fprintf(out, "%-8s %-24s %s\n", "PID", "PROGRAM", "ENDPOINT");
  for (const EndpointInfo& e : *found) {
    const char* note = "";
    if (e.tls) {
      note = "  (TLS; token and certificate fingerprint in its .tcp file)";
    } else if (!e.token.empty()) {
      note = "  (token in its .tcp file)";
    }
    std::fprintf(out, "%-8d %-24s %s%s\n", e.pid, e.program.c_str(),
                 e.endpoint.ToString().c_str(), note);
  }
  return kCaptureOk;
}

// Waits for the launched program's endpoint; returns its pid as text.
absl::StatusOr<std::string> WaitForEndpoint(Child& child, absl::Duration wait,
                                            const std::string& command) {
  const absl::Time give_up = absl::Now() + wait;
  for (;;) {
    if (FindEndpoint(child.pid()).ok()) return absl::StrCat(child.pid());
    std::string how;
    if (child.Exited(&how)) {
      return absl::UnavailableError(
          absl::StrCat(command, " ", how, " before opening its attach endpoint"));
    }
    if (absl::Now() >= give_up) {
      return absl::DeadlineExceededError(
          absl::StrCat(command, " opened no attach endpoint within ", Seconds(wait),
                       " (does it call MaybeOpenAttachFromEnv?)"));
    }
    absl::SleepFor(absl::Milliseconds(25));
  }
}

// Serves /metrics from the samples the client decodes, when asked for.
class MetricsFeed {
 public:
  // Starts the server. Errors: those of MetricsServer::Start.
  absl::Status Start(const CaptureToolOptions& options) {
    absl::StatusOr<MetricsAddress> address = ParseMetricsAddress(options.metrics);
    if (!address.ok()) return address.status();
    metrics_ = std::make_unique<NodeMetrics>(NodeMetricsOptions{.top = options.metrics_top});
    absl::StatusOr<std::unique_ptr<MetricsServer>> server =
        MetricsServer::Start(*metrics_, {.address = *address});
    if (!server.ok()) return server.status();
    server_ = *std::move(server);
    return absl::OkStatus();
  }

  bool enabled() const { return server_ != nullptr; }
  std::string url() const { return server_->url(); }
  uint64_t scrapes() const { return server_->scrapes(); }

  // From the client's recording, once it exists.
  void Watch(std::shared_ptr<const Recording> recording) {
    metrics_->SetSuspectSource(RecordingSuspectSource(recording));
    feed_ = std::make_unique<RecordingFeed>(std::move(recording), *metrics_);
  }

  // Shows the metrics every sample decoded since the last call.
  void Pump() {
    if (feed_ != nullptr) feed_->Pump();
  }

 private:
  std::unique_ptr<NodeMetrics> metrics_;
  std::unique_ptr<MetricsServer> server_;  // declared after: stops first
  std::unique_ptr<RecordingFeed> feed_;
};

// What the recording loop saw, for the summary.
struct Outcome {
  std::string why_stopped;
  bool file_failed = false;
  bool stream_ended = false;  // by the program, not by this tool
};

Outcome RecordUntilDone(AttachClient& client, CaptureStreamFile* file,
                        MetricsFeed& metrics, const CaptureToolOptions& options,
                        const std::atomic<bool>& write_failed, std::FILE* err) {
  const absl::Time start = absl::Now();
  absl::Time next_progress = start + absl::Seconds(1);
  for (;;) {
    // Short waits, so that a signal is noticed within a tenth of a second.
    const bool ended = client.WaitForEnd(absl::Milliseconds(100));
    if (metrics.enabled()) metrics.Pump();
    if (ended) {
      const absl::Status s = client.status();
      return {s.ok() ? "the program finished its stream"
                     : absl::StrCat("the stream ended: ", s.message()),
              false, true};
    }
    if (write_failed.load()) return {"writing the file failed", true};
    if (g_stop) return {"stopped by a signal", false};
    const absl::Time now = absl::Now();
    if (options.duration && now - start >= *options.duration) {
      return {absl::StrCat("recorded for ", Seconds(*options.duration)), false};
    }
    if (!options.quiet && now >= next_progress) {
      const uint64_t samples =
          file != nullptr ? file->samples() : client.recording()->sample_count();
      std::string line = absl::StrFormat("overseer-capture: %s  %llu samples",
                                         Seconds(now - start),
                                         static_cast<unsigned long long>(samples));
      if (file != nullptr) {
        absl::StrAppend(&line, "  ", FormatBytes(file->bytes_written()), " written");
      }
      if (metrics.enabled()) absl::StrAppend(&line, "  ", metrics.scrapes(), " scrapes");
      absl::StrAppend(&line, "  ", client.samples_dropped(), " dropped");
      std::fprintf(err, "%s\n", line.c_str());
      next_progress += absl::Seconds(1);
    }
  }
}

// Says whether the program took the interval asked for in the hello.
void ReportInterval(const AttachWelcome& w, absl::Duration asked, std::FILE* err) {
  if (w.interval == std::clamp(asked, absl::Milliseconds(10), absl::Minutes(1))) {
    std::fprintf(err, "overseer-capture: the program samples every %s\n",
                 absl::FormatDuration(w.interval).c_str());
  } else {
    std::fprintf(err,
                 "overseer-capture: cannot change the interval (%s); recording "
                 "at the program's interval of %s\n",
                 w.control_allowed ? "the program kept its own"
                                   : "the program does not allow control",
                 absl::FormatDuration(w.interval).c_str());
  }
}

// Launches the program when asked; returns the endpoint to attach to.
absl::StatusOr<std::string> TargetEndpoint(const CaptureToolOptions& options,
                                           Child& child) {
  if (options.mode != CaptureToolOptions::Mode::kLaunch) return options.endpoint;
  if (absl::Status s = child.Start(options.command, options.interval.has_value());
      !s.ok()) {
    return s;
  }
  return WaitForEndpoint(child, options.wait, absl::StrJoin(options.command, " "));
}

// Ends the recording (the program's end index, the file, a launched
// program), prints the summary and returns the exit status.
int Conclude(const CaptureToolOptions& options, const Outcome& outcome,
             AttachClient& client, CaptureStreamFile* file, MetricsFeed& metrics,
             Child& child, std::FILE* err) {
  // The program's writer ends the stream with its index; if it cannot (it
  // is gone or stuck), the file still opens, without an index.
  if (client.running()) {
    const absl::Status s = client.FinishStream(absl::Seconds(5));
    if (!s.ok()) {
      std::fprintf(err,
                   "overseer-capture: the stream was not finished (%s); "
                   "the capture holds everything received\n",
                   std::string(s.message()).c_str());
    }
  }
  client.Close();
  if (metrics.enabled()) metrics.Pump();
  const absl::Status finished = file != nullptr ? file->Finish() : absl::OkStatus();
  const uint64_t samples =
      file != nullptr ? file->samples() : client.recording()->sample_count();
  if (file != nullptr) {
    std::fprintf(err, "overseer-capture: %s; wrote %llu samples (%s) to %s, %llu dropped\n",
                 outcome.why_stopped.c_str(), static_cast<unsigned long long>(samples),
                 FormatBytes(file->bytes_written()).c_str(), options.out.c_str(),
                 static_cast<unsigned long long>(client.samples_dropped()));
  } else {
    std::fprintf(err, "overseer-capture: %s; served %llu samples to %llu scrapes, "
                 "%llu dropped\n",
                 outcome.why_stopped.c_str(), static_cast<unsigned long long>(samples),
                 static_cast<unsigned long long>(metrics.scrapes()),
                 static_cast<unsigned long long>(client.samples_dropped()));
  }
  // A program that finished its stream is ending: give it time to exit.
  const std::string ended =
      child.Stop(outcome.stream_ended ? absl::Seconds(5) : absl::ZeroDuration());
  if (!ended.empty()) {
    std::fprintf(err, "overseer-capture: %s %s\n", options.command[0].c_str(),
                 ended.c_str());
  }
  if (!finished.ok()) {
    std::fprintf(err, "overseer-capture: %s\n", finished.ToString().c_str());
    return kCaptureFailed;
  }
  if (samples == 0) {
    std::fprintf(err, "overseer-capture: no sample was received\n");
    return kCaptureFailed;
  }
  return outcome.file_failed ? kCaptureFailed : kCaptureOk;
}

int Record(const CaptureToolOptions& options, std::FILE* err) {
  // The metrics endpoint first: an address in use is found before a
  // program is launched.
  MetricsFeed metrics;
  if (!options.metrics.empty()) {
    if (absl::Status s = metrics.Start(options); !s.ok()) {
      std::fprintf(err, "overseer-capture: %s\n", std::string(s.message()).c_str());
      return kCaptureFailed;
    }
  }
  Child child;
  absl::StatusOr<std::string> endpoint = TargetEndpoint(options, child);
  if (!endpoint.ok()) {
    std::fprintf(err, "overseer-capture: %s\n",
                 std::string(endpoint.status().message()).c_str());
    return kCaptureFailed;
  }
  std::unique_ptr<CaptureStreamFile> file;
  if (!options.out.empty()) {
    absl::StatusOr<std::unique_ptr<CaptureStreamFile>> created =
        CaptureStreamFile::Create(options.out);
    if (!created.ok()) {
      std::fprintf(err, "overseer-capture: %s\n", created.status().ToString().c_str());
      return kCaptureFailed;
    }
    file = *std::move(created);
  }
  std::atomic<bool> write_failed{false};
  AttachClientOptions copts;
  copts.token = options.token;
  copts.tls.ca_file = options.tls_ca;
  copts.tls.fingerprint = options.tls_fingerprint;
  copts.tls.server_name = options.tls_name;
  copts.viewer = "overseer-capture";
  // A file is written through, never held in memory; /metrics reads the
  // samples decoded (and the analysis reads the recording they are in).
  copts.keep_recording = metrics.enabled();
  // Asked in the hello, so the capture's header names the interval.
  if (options.interval) copts.interval = *options.interval;
  if (file != nullptr) {
    copts.on_capture_bytes = [&](absl::Span<const uint8_t> piece) {
      if (!file->Append(piece).ok()) write_failed.store(true);
    };
  }
  absl::StatusOr<std::unique_ptr<AttachClient>> client =
      AttachClient::Connect(*endpoint, std::move(copts));
  if (!client.ok()) {
    std::fprintf(err, "overseer-capture: cannot attach to %s: %s\n", endpoint->c_str(),
                 client.status().ToString().c_str());
    if (file != nullptr) {
      (void)file->Finish();
      ::unlink(options.out.c_str());
    }
    return kCaptureFailed;
  }
  const AttachWelcome& w = (*client)->welcome();
  const std::string over =
      w.transport == "plain" ? std::string() : absl::StrCat(" over ", w.transport);
  if (file != nullptr) {
    std::fprintf(err, "overseer-capture: recording %s (pid %d) from %s%s into %s\n",
                 w.program.c_str(), w.pid, w.endpoint.c_str(), over.c_str(),
                 options.out.c_str());
  } else {
    std::fprintf(err, "overseer-capture: watching %s (pid %d) from %s%s\n",
                 w.program.c_str(), w.pid, w.endpoint.c_str(), over.c_str());
  }
  if (metrics.enabled()) {
    metrics.Watch((*client)->recording());
    std::fprintf(err, "overseer-capture: metrics on %s\n", metrics.url().c_str());
  }
  if (options.interval) ReportInterval(w, *options.interval, err);
  const Outcome outcome =
      RecordUntilDone(**client, file.get(), metrics, options, write_failed, err);
  return Conclude(options, outcome, **client, file.get(), metrics, child, err);
}

}  // namespace

void InstallStopSignals() {
  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
}

void RequestCaptureStop() { g_stop = 1; }

int RunCapture(const CaptureToolOptions& options, std::FILE* out, std::FILE* err) {
  g_stop = 0;
  switch (options.mode) {
    case CaptureToolOptions::Mode::kHelp:
      std::fputs(CaptureUsage().c_str(), out);
      return kCaptureOk;
    case CaptureToolOptions::Mode::kList:
      return ListCommand(out, err);
    case CaptureToolOptions::Mode::kLaunch:
    case CaptureToolOptions::Mode::kAttach:
      return Record(options, err);
    case CaptureToolOptions::Mode::kBeam:
#ifdef OVERSEER_HAVE_BEAM
      return RecordBeamNode(options, [] { return g_stop != 0; }, err);
#else
      std::fprintf(err,
                   "overseer-capture: this build cannot record a BEAM node "
                   "(erl_interface was not found when it was built; install "
                   "erlang-dev and rebuild)\n");
      return kCaptureFailed;
#endif
  }
  return kCaptureUsage;
}

}  // namespace overseer
