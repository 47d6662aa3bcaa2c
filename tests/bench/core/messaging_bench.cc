// Messaging: ping-pong round trips between two processes, N senders to one
// receiver, and GenServer calls (from a process with co_await, and from
// outside the runtime with Runtime::Call). Message shapes and counts match
// the BEAM and CAF programs in tests/bench/peers/.
#include <cstdint>
#include <utility>
#include <vector>

#include "benchmark/benchmark.h"
#include "core/gen_server.h"
#include "core/runtime.h"
#include "tests/bench/core/bench_support.h"

namespace overseer {
namespace {

constexpr absl::Duration kBatchTimeout = absl::Seconds(120);
// gen_server:call's default, so that both sides arm the same timer.
constexpr absl::Duration kCallTimeout = absl::Seconds(5);

struct Ping {
  Pid from;
  int64_t n = 0;
};
struct Pong {
  int64_t n = 0;
};

struct Empty {};

class Ponger final : public GenServer<Empty> {
 protected:
  Co HandleInfo(Empty&, Message& m) override {
    if (const Ping* p = m.As<Ping>()) Send(p->from, Pong{p->n});
    return {};
  }
};

struct PingerState {
  Pid peer;
  From from;
  int64_t left = 0;
};

class Pinger final : public GenServer<PingerState> {
 public:
  explicit Pinger(Pid peer) : GenServer(PingerState{std::move(peer), {}, 0}) {}

 protected:
  Co HandleCall(PingerState& s, Message& m, From from) override {
    s.from = std::move(from);
    s.left = m.As<bench::RunBatch>()->n;
    Send(s.peer, Ping{self(), s.left});
    return {};
  }
  Co HandleInfo(PingerState& s, Message& m) override {
    if (!m.Is<Pong>()) return {};
    if (--s.left == 0) {
      Reply(s.from, true);
    } else {
      Send(s.peer, Ping{self(), s.left});
    }
    return {};
  }
};

// Runs `batch` once untimed, then once per iteration; items are `per_batch`
// each.
template <typename F>
void TimeBatches(benchmark::State& state, int64_t per_batch, F batch) {
  if (!batch()) state.SkipWithError("warm-up batch failed");
  for (auto _ : state) {
    if (!batch()) state.SkipWithError("batch failed");
  }
  state.SetItemsProcessed(state.iterations() * per_batch);
}

void BM_PingPong(benchmark::State& state) {
  Runtime rt({.schedulers = bench::Schedulers()});
  absl::StatusOr<Pid> ponger = rt.Spawn<Ponger>({});
  absl::StatusOr<Pid> pinger = rt.Spawn<Pinger>({}, *ponger);
  TimeBatches(state, bench::kRoundTrips, [&] {
    absl::StatusOr<bool> ok =
        rt.CallAs<bool>(*pinger, bench::RunBatch{bench::kRoundTrips}, kBatchTimeout);
    return ok.ok() && *ok;
  });
}
BENCHMARK(BM_PingPong)
    ->Iterations(bench::kBatches)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

struct Item {
  int64_t n = 0;
};
// A sender's work: send `left` Items to `sink`, kSendChunk at a time (then
// a Go to itself for the rest, so that its scheduler thread can run others,
// as the BEAM's reduction budget would make it).
struct Go {
  Pid sink;
  int64_t left = 0;
};
// Replies once the sink has received `total` Items since it started.
struct WaitFor {
  int64_t total = 0;
};

class Sender final : public GenServer<Empty> {
 protected:
  Co HandleInfo(Empty&, Message& m) override {
    const Go* go = m.As<Go>();
    if (go == nullptr) return {};
    int64_t n = go->left;
    const int64_t stop = n > bench::kSendChunk ? n - bench::kSendChunk : 0;
    for (; n > stop; --n) Send(go->sink, Item{n});
    if (n > 0) Send(self(), Go{go->sink, n});
    return {};
  }
};

struct SinkState {
  int64_t received = 0;
  int64_t target = -1;
  From from;
};

class Sink final : public GenServer<SinkState> {
 protected:
  Co HandleCall(SinkState& s, Message& m, From from) override {
    s.target = m.As<WaitFor>()->total;
    s.from = std::move(from);
    MaybeReply(s);
    return {};
  }
  Co HandleInfo(SinkState& s, Message& m) override {
    if (m.Is<Item>()) {
      ++s.received;
      MaybeReply(s);
    }
    return {};
  }

 private:
  void MaybeReply(SinkState& s) {
    if (s.target < 0 || s.received < s.target) return;
    Reply(s.from, s.received);
    s.target = -1;
  }
};

void BM_NToOne(benchmark::State& state) {
  Runtime rt({.schedulers = bench::Schedulers()});
  absl::StatusOr<Pid> sink = rt.Spawn<Sink>({});
  std::vector<Pid> senders;
  for (int i = 0; i < bench::kSenders; ++i) senders.push_back(*rt.Spawn<Sender>({}));
  constexpr int64_t kPerBatch = bench::kSenders * bench::kPerSender;
  int64_t total = 0;
  TimeBatches(state, kPerBatch, [&] {
    for (const Pid& s : senders) rt.Send(s, Go{*sink, bench::kPerSender});
    total += kPerBatch;
    absl::StatusOr<int64_t> got =
        rt.CallAs<int64_t>(*sink, WaitFor{total}, kBatchTimeout);
    return got.ok() && *got == total;
  });
}
BENCHMARK(BM_NToOne)
    ->Iterations(bench::kBatches)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

struct Get {};

class Server final : public GenServer<int64_t> {
 protected:
  Co HandleCall(int64_t& count, Message& m, From from) override {
    if (m.Is<Get>()) Reply(from, ++count);
    return {};
  }
};

struct ClientState {
  Pid server;
};

// Makes n calls to the server in a row, each awaited, then replies.
class Client final : public GenServer<ClientState> {
 public:
  explicit Client(Pid server) : GenServer(ClientState{std::move(server)}) {}

 protected:
  Co HandleCall(ClientState& s, Message& m, From from) override {
    const int64_t n = m.As<bench::RunBatch>()->n;
    for (int64_t i = 0; i < n; ++i) {
      absl::StatusOr<Message> reply = co_await Call(s.server, Get{}, kCallTimeout);
      if (!reply.ok()) {
        Reply(from, false);
        co_return;
      }
    }
    Reply(from, true);
  }
};

void BM_CallInside(benchmark::State& state) {
  Runtime rt({.schedulers = bench::Schedulers()});
  absl::StatusOr<Pid> server = rt.Spawn<Server>({});
  absl::StatusOr<Pid> client = rt.Spawn<Client>({}, *server);
  TimeBatches(state, bench::kCallsInside, [&] {
    absl::StatusOr<bool> ok =
        rt.CallAs<bool>(*client, bench::RunBatch{bench::kCallsInside}, kBatchTimeout);
    return ok.ok() && *ok;
  });
}
BENCHMARK(BM_CallInside)
    ->Iterations(bench::kBatches)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_CallOutside(benchmark::State& state) {
  Runtime rt({.schedulers = bench::Schedulers()});
  absl::StatusOr<Pid> server = rt.Spawn<Server>({});
  TimeBatches(state, bench::kCallsOutside, [&] {
    for (int64_t i = 0; i < bench::kCallsOutside; ++i) {
      if (!rt.CallAs<int64_t>(*server, Get{}, kCallTimeout).ok()) return false;
    }
    return true;
  });
}
BENCHMARK(BM_CallOutside)
    ->Iterations(bench::kBatches)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace overseer
