// What live attach costs the program it watches: the runtime's message
// throughput (ping-pong round trips) while a recorder samples every 10 ms,
// with the attach endpoint open and no viewer, a viewer that reads
// everything, and a viewer that never reads (its queue full, every sample
// dropped for it). Results in docs/performance.md, "Attach and recorder".
//
//   attach_bench --benchmark_repetitions=10
//       --benchmark_enable_random_interleaving=true
//       --benchmark_report_aggregates_only=true
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "benchmark/benchmark.h"
#include "core/gen_server.h"
#include "core/runtime.h"
#include "probes/attach/attach.pb.h"
#include "probes/attach/client.h"
#include "probes/attach/protocol.h"
#include "probes/attach/server.h"
#include "probes/attach/socket_util.h"
#include "probes/sampler/recorder.h"

namespace overseer {
namespace {

constexpr int kIdleProcesses = 2000;
constexpr int kPairs = 2;
constexpr int64_t kRoundTrips = 20000;  // per pair per iteration
constexpr absl::Duration kTimeout = absl::Seconds(120);

struct Ping {
  Pid from;
};
struct Pong {};
struct Run {
  int64_t n = 0;
};
struct Empty {};

class Ponger final : public GenServer<Empty> {
 protected:
  Co HandleInfo(Empty&, Message& m) override {
    if (const Ping* p = m.As<Ping>()) Send(p->from, Pong{});
    return {};
  }
};

struct PingerState {
  Pid peer;
  From from;
  int64_t left = 0;
};

// Runs `n` round trips with its peer per call, then replies.
class Pinger final : public GenServer<PingerState> {
 public:
  explicit Pinger(Pid peer) : GenServer(PingerState{std::move(peer), {}, 0}) {}

 protected:
  Co HandleCall(PingerState& s, Message& m, From from) override {
    s.from = std::move(from);
    s.left = m.As<Run>()->n;
    Send(s.peer, Ping{self()});
    return {};
  }
  Co HandleInfo(PingerState& s, Message& m) override {
    if (!m.Is<Pong>()) return {};
    if (--s.left == 0) {
      Reply(s.from, true);
    } else {
      Send(s.peer, Ping{self()});
    }
    return {};
  }
};

class Idle final : public GenServer<Empty> {};

enum class Viewer { kNone, kReading, kStuck, kNoRecorder, kNoEndpoint };

// A directory of its own, so the endpoint does not meet others'.
std::string BenchDirectory() {
  return absl::StrCat("/tmp/overseer-attach-bench-", ::getpid());
}

// The program: idle processes, ping-pong pairs, a recorder at 10 ms with
// the attach endpoint open, and the viewer of the benchmark's argument.
struct Program {
  explicit Program(Viewer viewer) : rt(RuntimeOptions{.schedulers = 2}) {
    for (int i = 0; i < kIdleProcesses; ++i) (void)rt.Spawn<Idle>({});
    for (int i = 0; i < kPairs; ++i) {
      Pid ponger = *rt.Spawn<Ponger>({});
      pingers.push_back(*rt.Spawn<Pinger>({}, ponger));
    }
    if (viewer == Viewer::kNoRecorder) return;  // the baseline
    recorder = std::make_unique<Recorder>(
        rt, RecorderOptions{.sampler = {.interval = absl::Milliseconds(10)},
                            .program = "attach_bench"});
    if (viewer != Viewer::kNoEndpoint) {
      AttachOptions options;
      options.directory = BenchDirectory();
      options.viewer_buffer_bytes = 256 << 10;
      server = *AttachServer::Open(rt, *recorder, options);
    }
    (void)recorder->Start();
    if (viewer == Viewer::kReading) {
      AttachClientOptions o;
      o.keep_recording = false;
      o.on_capture_bytes = [this](absl::Span<const uint8_t> b) { received += b.size(); };
      client = *AttachClient::Connect(server->endpoint(), std::move(o));
    } else if (viewer == Viewer::kStuck) {
      ConnectStuck();
    }
  }
  ~Program() {
    if (recorder) (void)recorder->Stop();
    client.reset();
    server.reset();
    recorder.reset();
    ::rmdir(BenchDirectory().c_str());  // empty once the endpoint is closed
  }

  // Says hello, then never reads; waits until its samples are dropped.
  void ConnectStuck() {
    stuck = *attach_internal::ConnectUnix(server->endpoint());
    attach::pb::ClientHello hello;
    (void)attach_internal::SendAll(stuck.get(), EncodeHello(hello),
                                   absl::Now() + absl::Seconds(5));
    const absl::Time give_up = absl::Now() + absl::Seconds(60);
    while (server->dropped() == 0 && absl::Now() < give_up) {
      absl::SleepFor(absl::Milliseconds(20));
    }
  }

  // One iteration: every pair runs its round trips concurrently.
  void RoundTrips() {
    std::vector<std::thread> callers;
    for (const Pid& p : pingers) {
      callers.emplace_back([this, p] { (void)rt.Call(p, Run{kRoundTrips}, kTimeout); });
    }
    for (auto& t : callers) t.join();
  }

  Runtime rt;
  std::vector<Pid> pingers;
  std::unique_ptr<Recorder> recorder;
  std::unique_ptr<AttachServer> server;
  std::unique_ptr<AttachClient> client;
  attach_internal::UniqueFd stuck;
  std::atomic<uint64_t> received{0};
};

void BM_PingPongWhileAttached(benchmark::State& state) {
  const auto viewer = static_cast<Viewer>(state.range(0));
  Program program(viewer);
  const bool recording = program.recorder != nullptr;
  const uint64_t samples_before = recording ? program.recorder->samples() : 0;
  const bool serving = program.server != nullptr;
  const uint64_t dropped_before = serving ? program.server->dropped() : 0;
  for (auto _ : state) program.RoundTrips();
  state.SetItemsProcessed(state.iterations() * kPairs * kRoundTrips);
  if (recording) {
    state.counters["samples"] =
        static_cast<double>(program.recorder->samples() - samples_before);
    state.counters["dropped"] =
        serving ? static_cast<double>(program.server->dropped() - dropped_before) : 0;
    state.counters["viewer_MB"] = static_cast<double>(program.received.load()) / 1e6;
  }
  const char* names[] = {"endpoint, no viewer", "reading viewer", "stuck viewer",
                         "no recorder", "recorder, no endpoint"};
  state.SetLabel(names[state.range(0)]);
}
BENCHMARK(BM_PingPongWhileAttached)
    ->Arg(static_cast<int>(Viewer::kNoRecorder))
    ->Arg(static_cast<int>(Viewer::kNoEndpoint))
    ->Arg(static_cast<int>(Viewer::kNone))
    ->Arg(static_cast<int>(Viewer::kReading))
    ->Arg(static_cast<int>(Viewer::kStuck))
    ->Unit(benchmark::kMillisecond)
    // CPU of every thread of the process (schedulers, recorder, viewers):
    // what the work and the probes cost, and much steadier than wall time
    // on a shared machine. Throughput is round trips per CPU second.
    ->MeasureProcessCPUTime()
    ->MinTime(2.0);

}  // namespace
}  // namespace overseer

BENCHMARK_MAIN();
