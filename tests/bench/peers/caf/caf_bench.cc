// The core runtime's benchmarks on CAF 0.17 with event-based actors, for
// scripts/bench-peers.sh: the same work, message shapes and counts as
// tests/bench/core/ (see bench_support.h there). Each batch is started and
// awaited from outside the actor system with a scoped_actor request, as the
// core benchmarks do with Runtime::Call.
//   caf_bench [--schedulers=N]     (default 2)
// Prints one "metric value" line per figure.
#include <malloc.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <vector>

#include "caf/all.hpp"

namespace {

using namespace caf;

constexpr int64_t kSpawns = 100'000;
constexpr int64_t kIdleProcesses = 100'000;
constexpr int64_t kRoundTrips = 100'000;
constexpr int64_t kSenders = 4;
constexpr int64_t kPerSender = 250'000;
constexpr int64_t kSendChunk = 1'000;
constexpr int64_t kCallsInside = 100'000;
constexpr int64_t kCallsOutside = 20'000;
constexpr int kBatches = 3;

using run_atom = atom_constant<atom("run")>;
using done_atom = atom_constant<atom("done")>;
using ping_atom = atom_constant<atom("ping")>;
using pong_atom = atom_constant<atom("pong")>;
using go_atom = atom_constant<atom("go")>;
using item_atom = atom_constant<atom("item")>;
using wait_atom = atom_constant<atom("wait_for")>;
using get_atom = atom_constant<atom("get")>;
using stop_atom = atom_constant<atom("stop")>;

// One untimed warm-up batch, then kBatches timed ones: items per second.
double Rate(int64_t per_batch, const std::function<bool()>& batch) {
  if (!batch()) return -1;
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < kBatches; ++i) {
    if (!batch()) return -1;
  }
  std::chrono::duration<double> s = std::chrono::steady_clock::now() - t0;
  return static_cast<double>(per_batch * kBatches) / s.count();
}

// Kills `actors` and waits until the system runs `count` actors again, so
// that the next benchmark starts from a settled count (awaiting an exact
// count would hang if an actor of this one ended after it was read).
void KillAll(actor_system& sys, std::initializer_list<actor> actors, size_t count) {
  for (const actor& a : actors) anon_send_exit(a, exit_reason::kill);
  sys.registry().await_running_count_equal(count);
}

// Sends {run, n} to `driver` from outside and waits for its bool reply.
bool RunOn(actor_system& sys, const actor& driver, int64_t n) {
  scoped_actor self{sys};
  bool ok = false;
  self->request(driver, infinite, run_atom::value, n)
      .receive([&](bool r) { ok = r; }, [&](error&) { ok = false; });
  return ok;
}

// -- spawn+exit: each child tells its parent it ran, then ends ---------------

void Child(event_based_actor* self, const actor& parent) {
  self->send(parent, done_atom::value);  // no behaviour: the actor ends
}

struct SpawnerState {
  response_promise promise;
  int64_t left = 0;
};

behavior Spawner(stateful_actor<SpawnerState>* self) {
  return {
      [=](run_atom, int64_t n) {
        self->state.promise = self->make_response_promise();
        self->state.left = n;
        for (int64_t i = 0; i < n; ++i) {
          self->spawn(Child, actor_cast<actor>(self));
        }
        return self->state.promise;
      },
      [=](done_atom) {
        if (--self->state.left == 0) self->state.promise.deliver(true);
      },
  };
}

double SpawnExit(actor_system& sys) {
  const size_t before = sys.registry().running();
  auto spawner = sys.spawn(Spawner);
  double rate = Rate(kSpawns, [&] {
    bool ok = RunOn(sys, spawner, kSpawns);
    sys.registry().await_running_count_equal(before + 1);  // children gone
    return ok;
  });
  KillAll(sys, {spawner}, before);
  return rate;
}

// -- idle memory -------------------------------------------------------------

int64_t ResidentBytes() {
  malloc_trim(0);
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  long size = 0;
  long resident = 0;
  if (f == nullptr || std::fscanf(f, "%ld %ld", &size, &resident) != 2) return -1;
  std::fclose(f);
  return static_cast<int64_t>(resident) * sysconf(_SC_PAGESIZE);
}

behavior Idle(event_based_actor*) {
  return {[](stop_atom) {}};
}

double IdleRssPerActor(actor_system& sys) {
  const size_t running = sys.registry().running();
  std::vector<actor> actors;
  actors.reserve(kIdleProcesses);  // before the baseline: not counted
  int64_t before = ResidentBytes();
  for (int64_t i = 0; i < kIdleProcesses; ++i) actors.push_back(sys.spawn(Idle));
  int64_t growth = ResidentBytes() - before;
  for (const actor& a : actors) anon_send_exit(a, exit_reason::kill);
  actors.clear();
  sys.registry().await_running_count_equal(running);
  return static_cast<double>(growth) / kIdleProcesses;
}

// -- ping-pong ---------------------------------------------------------------

behavior Ponger(event_based_actor* self) {
  return {[=](ping_atom, const actor& from, int64_t n) {
    self->send(from, pong_atom::value, n);
  }};
}

struct PingerState {
  response_promise promise;
  int64_t left = 0;
};

behavior Pinger(stateful_actor<PingerState>* self, const actor& peer) {
  return {
      [=](run_atom, int64_t n) {
        self->state.promise = self->make_response_promise();
        self->state.left = n;
        self->send(peer, ping_atom::value, actor_cast<actor>(self), n);
        return self->state.promise;
      },
      [=](pong_atom, int64_t) {
        if (--self->state.left == 0) {
          self->state.promise.deliver(true);
        } else {
          self->send(peer, ping_atom::value, actor_cast<actor>(self), self->state.left);
        }
      },
  };
}

double PingPong(actor_system& sys) {
  const size_t before = sys.registry().running();
  auto ponger = sys.spawn(Ponger);
  auto pinger = sys.spawn(Pinger, ponger);
  double rate = Rate(kRoundTrips, [&] { return RunOn(sys, pinger, kRoundTrips); });
  KillAll(sys, {pinger, ponger}, before);
  return rate;
}

// -- N senders to one receiver -----------------------------------------------

// Sends kSendChunk items at a time, then a go to itself for the rest (an
// event-based actor is not preempted inside a handler).
behavior Sender(event_based_actor* self) {
  return {[=](go_atom, const actor& sink, int64_t left) {
    int64_t stop = left > kSendChunk ? left - kSendChunk : 0;
    for (; left > stop; --left) self->send(sink, item_atom::value, left);
    if (left > 0) self->send(self, go_atom::value, sink, left);
  }};
}

struct SinkState {
  int64_t received = 0;
  int64_t target = -1;
  response_promise promise;
  void MaybeReply() {
    if (target < 0 || received < target) return;
    promise.deliver(received);
    target = -1;
  }
};

behavior Sink(stateful_actor<SinkState>* self) {
  return {
      [=](item_atom, int64_t) {
        ++self->state.received;
        self->state.MaybeReply();
      },
      [=](wait_atom, int64_t total) {
        self->state.promise = self->make_response_promise();
        self->state.target = total;
        self->state.MaybeReply();
        return self->state.promise;
      },
  };
}

double NToOne(actor_system& sys) {
  const size_t before = sys.registry().running();
  auto sink = sys.spawn(Sink);
  std::vector<actor> senders;
  for (int i = 0; i < kSenders; ++i) senders.push_back(sys.spawn(Sender));
  constexpr int64_t kPerBatch = kSenders * kPerSender;
  int64_t total = 0;
  double rate = Rate(kPerBatch, [&] {
    for (const actor& s : senders) anon_send(s, go_atom::value, sink, kPerSender);
    total += kPerBatch;
    scoped_actor self{sys};
    int64_t got = -1;
    self->request(sink, infinite, wait_atom::value, total)
        .receive([&](int64_t r) { got = r; }, [&](error&) {});
    return got == total;
  });
  for (const actor& s : senders) anon_send_exit(s, exit_reason::kill);
  KillAll(sys, {sink}, before);
  return rate;
}

// -- calls (request/response) ------------------------------------------------

struct ServerState {
  int64_t count = 0;
};

behavior Server(stateful_actor<ServerState>* self) {
  return {[=](get_atom) { return ++self->state.count; }};
}

struct ClientState {
  response_promise promise;
  int64_t left = 0;
};

void NextCall(stateful_actor<ClientState>* self, const actor& server) {
  if (self->state.left-- == 0) {
    self->state.promise.deliver(true);
    return;
  }
  self->request(server, std::chrono::seconds(5), get_atom::value)
      .then([=](int64_t) { NextCall(self, server); },
            [=](error&) { self->state.promise.deliver(false); });
}

behavior Client(stateful_actor<ClientState>* self, const actor& server) {
  return {[=](run_atom, int64_t n) {
    self->state.promise = self->make_response_promise();
    self->state.left = n;
    NextCall(self, server);
    return self->state.promise;
  }};
}

double CallInside(actor_system& sys) {
  const size_t before = sys.registry().running();
  auto server = sys.spawn(Server);
  auto client = sys.spawn(Client, server);
  double rate = Rate(kCallsInside, [&] { return RunOn(sys, client, kCallsInside); });
  KillAll(sys, {client, server}, before);
  return rate;
}

double CallOutside(actor_system& sys) {
  const size_t before = sys.registry().running();
  auto server = sys.spawn(Server);
  double rate = Rate(kCallsOutside, [&] {
    scoped_actor self{sys};  // counts as running while it lives
    bool ok = true;
    for (int64_t i = 0; i < kCallsOutside && ok; ++i) {
      self->request(server, std::chrono::seconds(5), get_atom::value)
          .receive([](int64_t) {}, [&](error&) { ok = false; });
    }
    return ok;
  });
  KillAll(sys, {server}, before);
  return rate;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t schedulers = 2;
  constexpr const char kFlag[] = "--schedulers=";
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], kFlag, sizeof(kFlag) - 1) == 0) {
      schedulers = std::atoll(argv[i] + sizeof(kFlag) - 1);
    }
  }
  if (schedulers < 1) {
    std::fprintf(stderr, "caf_bench: --schedulers wants a count >= 1\n");
    return 2;
  }
  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", static_cast<size_t>(schedulers));
  caf::actor_system sys{cfg};
  auto report = [](const char* name, double v) { std::printf("%s %.1f\n", name, v); };
  report("spawn_exit_per_s", SpawnExit(sys));
  report("idle_rss_bytes_per_process", IdleRssPerActor(sys));
  report("ping_pong_per_s", PingPong(sys));
  report("n_to_1_per_s", NToOne(sys));
  report("call_inside_per_s", CallInside(sys));
  report("call_outside_per_s", CallOutside(sys));
  return 0;
}
