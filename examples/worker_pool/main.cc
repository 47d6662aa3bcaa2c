// worker_pool: a small service on the Overseer runtime, the way a program
// outside Overseer's own tree uses it. A supervisor starts a dispatcher and
// four workers; the dispatcher hands out jobs round robin, each worker keeps
// the last results it computed (so its memory moves), and one worker is
// slower than the others (so its mailbox grows). The program records itself
// and opens the endpoints its environment asks for:
//   OVERSEER_ATTACH=1          an attach endpoint (overseer-capture --launch
//                              sets it), for the GUI and overseer-capture
//   OVERSEER_METRICS=:9464     /metrics in the OpenMetrics text format
//
// usage: worker_pool [--seconds N]   (0 or none: until SIGINT or SIGTERM)
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "core/gen_server.h"
#include "core/runtime.h"
#include "core/supervisor.h"
#include "probes/attach/env.h"
#include "probes/metrics/metrics_env.h"
#include "probes/sampler/recorder.h"

namespace {

volatile sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

constexpr int kWorkers = 4;

struct Job {
  int id = 0;
  int size = 0;
};
struct Tick {};

// Computes a result per job and keeps the last 64 of them.
struct WorkerState {
  std::deque<std::string> results;
  int slowness = 0;
};
class Worker : public overseer::GenServer<WorkerState> {
 public:
  explicit Worker(int slowness) : slowness_(slowness) {}

 protected:
  absl::Status Init(WorkerState& s) override {
    s.slowness = slowness_;
    return absl::OkStatus();
  }
  overseer::Co HandleCast(WorkerState& s, overseer::Message& m) override {
    if (const Job* job = m.As<Job>()) {
      // Stands in for a blocking call; a slow worker spends longer on each.
      absl::SleepFor(absl::Microseconds(200 * s.slowness));
      s.results.push_back(std::string(static_cast<size_t>(job->size), 'r'));
      if (s.results.size() > 64) s.results.pop_front();
    }
    return {};
  }

 private:
  int slowness_;
};

// Hands out a job to the next worker at every tick it is sent.
struct DispatcherState {
  int next_job = 0;
};
class Dispatcher : public overseer::GenServer<DispatcherState> {
 protected:
  overseer::Co HandleCast(DispatcherState& s, overseer::Message& m) override {
    if (m.Is<Tick>()) {
      const int worker = s.next_job % kWorkers;
      runtime().Cast(runtime().Whereis(absl::StrCat("pool.worker.", worker)),
                     Job{s.next_job, 512 + (s.next_job % 8) * 256});
      ++s.next_job;
    }
    return {};
  }
};

int Seconds(int argc, char** argv) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--seconds") == 0) return std::atoi(argv[i + 1]);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const int seconds = Seconds(argc, argv);
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGINT, &sa, nullptr);

  overseer::Runtime rt(overseer::RuntimeOptions{.schedulers = 2});
  std::vector<overseer::ChildSpec> children;
  overseer::ChildSpec dispatcher = overseer::ChildSpec::Worker<Dispatcher>("dispatcher");
  dispatcher.name = "pool.dispatcher";
  children.push_back(std::move(dispatcher));
  for (int i = 0; i < kWorkers; ++i) {
    // Worker 3 is twenty times slower than the others: it drains its
    // mailbox slower than jobs arrive.
    overseer::ChildSpec w =
        overseer::ChildSpec::Worker<Worker>(absl::StrCat("worker.", i), i == 3 ? 20 : 1);
    w.name = absl::StrCat("pool.worker.", i);
    children.push_back(std::move(w));
  }
  absl::StatusOr<overseer::Pid> sup = rt.Spawn<overseer::Supervisor>(
      {.name = "pool.sup"}, overseer::SupervisorFlags{}, std::move(children));
  if (!sup.ok()) {
    std::fprintf(stderr, "worker_pool: %s\n", sup.status().ToString().c_str());
    return 1;
  }

  overseer::Recorder recorder(rt, {.sampler = {.interval = absl::Milliseconds(100)},
                                   .program = "worker_pool"});
  absl::StatusOr<std::unique_ptr<overseer::AttachServer>> attach =
      overseer::MaybeOpenAttachFromEnv(rt, recorder);
  if (!attach.ok()) {
    std::fprintf(stderr, "worker_pool: %s\n", attach.status().ToString().c_str());
    return 2;
  }
  absl::Status metrics = overseer::MaybeAddMetricsFromEnv(recorder);
  if (!metrics.ok()) {
    std::fprintf(stderr, "worker_pool: %s\n", metrics.ToString().c_str());
    return 2;
  }
  if (absl::Status s = recorder.Start(); !s.ok()) {
    std::fprintf(stderr, "worker_pool: %s\n", s.ToString().c_str());
    return 1;
  }
  const overseer::Pid dispatch = rt.Whereis("pool.dispatcher");
  const absl::Time end = absl::Now() + absl::Seconds(seconds);
  while (!g_stop && (seconds == 0 || absl::Now() < end)) {
    rt.Cast(dispatch, Tick{});
    absl::SleepFor(absl::Microseconds(500));
  }
  (void)recorder.Stop();  // viewers get the end of their stream
  attach->reset();
  return 0;
}
