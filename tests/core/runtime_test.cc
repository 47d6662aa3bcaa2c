#include "core/runtime.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "core/binary.h"
#include "core/gen_server.h"
#include "core/pcb.h"
#include "gtest/gtest.h"
#include "tests/core/core_test_util.h"

namespace overseer {
namespace {

using testing::Collector;
using testing::Eventually;
using testing::Gate;
using testing::Inbox;
using testing::Settled;

constexpr int64_t kMiB = 1 << 20;

struct Count {
  int n = 0;
  std::vector<char> blob;
  std::vector<From> held_calls;
};
struct Get {};
struct Grow {
  size_t bytes;
};
struct Shrink {};
struct Tick {};
struct Ignore {};           // a call answered later, when told to
struct AnswerHeld {};       // answers the ignored calls with n
struct Block {
  Gate* gate;
};
struct Halt {};
struct Boom {};  // a call its handler throws on

class Counter : public GenServer<Count> {
 protected:
  Co HandleCall(Count& s, Message& m, From from) override {
    if (m.Is<Get>()) Reply(from, s.n);
    if (m.Is<Ignore>()) s.held_calls.push_back(std::move(from));
    if (m.Is<Boom>()) throw std::runtime_error("boom");
    return {};
  }
  Co HandleCast(Count& s, Message& m) override {
    if (const Grow* g = m.As<Grow>()) {
      s.blob.resize(g->bytes);
    } else if (m.Is<Shrink>()) {
      std::vector<char>().swap(s.blob);
    } else if (m.Is<AnswerHeld>()) {
      for (const From& f : s.held_calls) Reply(f, s.n);
      s.held_calls.clear();
    } else if (const Block* b = m.As<Block>()) {
      b->gate->Pass();
    } else if (m.Is<Halt>()) {
      Stop();
    } else {
      ++s.n;
    }
    return {};
  }
  Co HandleInfo(Count& s, Message& m) override {
    if (m.Is<Tick>()) ++s.n;
    return {};
  }
};

TEST(RuntimeTest, CastThenCallSeesTheCastsInOrder) {
  Runtime rt(RuntimeOptions{.schedulers = 2});
  absl::StatusOr<Pid> pid = rt.Spawn<Counter>({.name = "counter"});
  ASSERT_TRUE(pid.ok()) << pid.status();
  for (int i = 0; i < 100; ++i) rt.Cast(*pid, Tick{});
  absl::StatusOr<int> n = rt.CallAs<int>(*pid, Get{}, absl::Seconds(5));
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 100);
  EXPECT_EQ(rt.Whereis("counter"), *pid);
  EXPECT_EQ(pid->ToString(), "<0." + std::to_string(pid->id()) + ".0>");
  EXPECT_EQ(rt.schedulers(), 2);
}

TEST(RuntimeTest, AReplyOfAnotherTypeIsAnInvalidArgumentForCallAs) {
  Runtime rt(RuntimeOptions{.schedulers = 1});
  Pid pid = *rt.Spawn<Counter>({});
  absl::StatusOr<std::string> wrong =
      rt.CallAs<std::string>(pid, Get{}, absl::Seconds(5));
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(wrong.status().message(), "int"));
}

TEST(RuntimeTest, ACallThatTimesOutIsDeadlineExceededNamingTheCalleeAndRequest) {
  Runtime rt(RuntimeOptions{.schedulers = 2});
  Pid pid = *rt.Spawn<Counter>({.name = "slow_server"});
  absl::StatusOr<Message> r = rt.Call(pid, Ignore{}, absl::Milliseconds(20));
  ASSERT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_TRUE(absl::StrContains(r.status().message(), pid.ToString()));
  EXPECT_TRUE(absl::StrContains(r.status().message(), "slow_server"));
  EXPECT_TRUE(absl::StrContains(r.status().message(), "Ignore"));
}

TEST(RuntimeTest, ALateReplyIsDroppedAndTheNextCallGetsItsOwnReply) {
  Runtime rt(RuntimeOptions{.schedulers = 2});
  Pid pid = *rt.Spawn<Counter>({});
  ASSERT_FALSE(rt.Call(pid, Ignore{}, absl::Milliseconds(10)).ok());
  rt.Cast(pid, Tick{});
  rt.Cast(pid, AnswerHeld{});  // the late reply, to nobody
  rt.Cast(pid, Tick{});
  absl::StatusOr<int> n = rt.CallAs<int>(pid, Get{}, absl::Seconds(5));
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 2);
}

TEST(RuntimeTest, ACallToAProcessThatIsGoneFailsAtOnceWithNotFound) {
  Runtime rt(RuntimeOptions{.schedulers = 1});
  Pid pid = *rt.Spawn<Counter>({});
  rt.Cast(pid, Halt{});
  ASSERT_TRUE(rt.WaitExit(pid, testing::kPatience));
  absl::StatusOr<Message> r = rt.Call(pid, Get{}, absl::InfiniteDuration());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StrContains(r.status().message(), "Get"));
  EXPECT_FALSE(rt.Send(pid, Tick{}));
  EXPECT_FALSE(rt.Cast(pid, Tick{}));
}

TEST(RuntimeTest, ACallWhoseCalleeCrashesOnItFailsAtOnceWithTheReason) {
  Runtime rt(RuntimeOptions{.schedulers = 2});
  Pid pid = *rt.Spawn<Counter>({});
  absl::StatusOr<Message> r = rt.Call(pid, Boom{}, testing::kPatience);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StrContains(r.status().message(), pid.ToString()));
  EXPECT_TRUE(absl::StrContains(r.status().message(), "Boom"));
  EXPECT_TRUE(absl::StrContains(r.status().message(), "boom"));
}

TEST(RuntimeTest, CallsStillQueuedWhenTheCalleeEndsFailAtOnce) {
  Gate gate;
  Runtime rt(RuntimeOptions{.schedulers = 2});
  Pid pid = *rt.Spawn<Counter>({});
  rt.Cast(pid, Block{&gate});
  gate.entered.WaitForNotification();
  absl::StatusOr<Message> queued, held;
  std::thread caller([&] { queued = rt.Call(pid, Get{}, testing::kPatience); });
  std::thread holder([&] { held = rt.Call(pid, Ignore{}, testing::kPatience); });
  ASSERT_TRUE(Eventually([&] { return rt.Info(pid)->mailbox_len.value == 2; }));
  rt.Exit(pid, ExitReason::Kill());
  gate.opened.Notify();
  caller.join();
  holder.join();
  EXPECT_EQ(queued.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StrContains(queued.status().message(), "killed"));
  EXPECT_EQ(held.status().code(), absl::StatusCode::kNotFound);
}

struct TryBlockingCall {
  Pid target;
};

// Tries the blocking Runtime::Call from inside a process.
class BlockingCaller : public GenServer<int> {
 protected:
  Co HandleCall(int&, Message& m, From from) override {
    const auto* t = m.As<TryBlockingCall>();
    absl::StatusOr<Message> r = runtime().Call(t->target, Get{}, absl::Seconds(1));
    Reply(from, r.status());
    return {};
  }
};

TEST(RuntimeTest, TheBlockingCallRefusesToRunInsideAProcess) {
  Runtime rt(RuntimeOptions{.schedulers = 1});
  Pid target = *rt.Spawn<Counter>({});
  Pid caller = *rt.Spawn<BlockingCaller>({});
  absl::StatusOr<absl::Status> s =
      rt.CallAs<absl::Status>(caller, TryBlockingCall{target}, absl::Seconds(5));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->code(), absl::StatusCode::kFailedPrecondition);
}

TEST(RuntimeTest, ARegisteredNameFindsItsProcessUntilUnregisteredOrGone) {
  Runtime rt(RuntimeOptions{.schedulers = 1});
  Pid a = *rt.Spawn<Counter>({});
  Pid b = *rt.Spawn<Counter>({});
  EXPECT_FALSE(rt.Whereis("db").valid());
  ASSERT_TRUE(rt.Register("db", a).ok());
  EXPECT_EQ(rt.Whereis("db"), a);
  EXPECT_EQ(rt.Info(a)->name, "db");
  EXPECT_EQ(rt.Register("db", b).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(rt.Unregister("db"));
  EXPECT_FALSE(rt.Unregister("db"));
  EXPECT_FALSE(rt.Whereis("db").valid());
  EXPECT_EQ(rt.Info(a)->name, "");

  ASSERT_TRUE(rt.Register("db", b).ok());
  rt.Cast(b, Halt{});
  ASSERT_TRUE(rt.WaitExit(b, testing::kPatience));
  EXPECT_FALSE(rt.Whereis("db").valid());  // the name is freed at exit
  EXPECT_TRUE(rt.Register("db", a).ok());
  EXPECT_EQ(rt.Whereis("db"), a);
}

TEST(RuntimeTest, RegisteringIsRefusedForBadArgumentsADeadPidOrASecondName) {
  Runtime rt(RuntimeOptions{.schedulers = 1});
  Pid a = *rt.Spawn<Counter>({.name = "first"});
  EXPECT_EQ(rt.Register("", a).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(rt.Register("x", Pid()).code(), absl::StatusCode::kInvalidArgument);
  // As on the BEAM, a process has at most one registered name.
  EXPECT_FALSE(rt.Register("second", a).ok());
  EXPECT_EQ(rt.Whereis("first"), a);
  EXPECT_FALSE(rt.Whereis("second").valid());

  Pid dead = *rt.Spawn<Counter>({});
  rt.Cast(dead, Halt{});
  ASSERT_TRUE(rt.WaitExit(dead, testing::kPatience));
  EXPECT_FALSE(rt.Register("ghost", dead).ok());
  EXPECT_FALSE(rt.Whereis("ghost").valid());
}

TEST(RuntimeTest, SpawningUnderATakenNameFailsAndLeavesNoProcess) {
  Runtime rt(RuntimeOptions{.schedulers = 1});
  Pid a = *rt.Spawn<Counter>({.name = "only"});
  size_t count = rt.process_count();
  absl::StatusOr<Pid> b = rt.Spawn<Counter>({.name = "only"});
  EXPECT_EQ(b.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(rt.process_count(), count);
  EXPECT_EQ(rt.Whereis("only"), a);
}

// A behaviour whose constructor throws (what a bad argument may do).
class Fragile : public Process {
 public:
  explicit Fragile(int n) {
    if (n < 0) throw std::invalid_argument("negative size");
    if (n == 0) throw 0;
  }

 protected:
  Co Handle(Envelope::Kind, Message&, From) override { return {}; }
};
struct SpawnFragile {
  int n;
};
// Spawns a Fragile from inside a process and replies with the result.
class FragileSpawner : public GenServer<int> {
 protected:
  Co HandleCall(int&, Message& m, From from) override {
    absl::StatusOr<Pid> child = runtime().Spawn<Fragile>({}, m.As<SpawnFragile>()->n);
    Reply(from, child.status());
    return {};
  }
};

TEST(RuntimeTest, ABehaviourWhoseConstructorThrowsFailsItsSpawnAndNothingElse) {
  Runtime rt(RuntimeOptions{.schedulers = 1});
  size_t count = rt.process_count();
  size_t retired = internal::RetiredCount();
  absl::StatusOr<Pid> bad = rt.Spawn<Fragile>({.name = "fragile"}, -1);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(absl::StrContains(bad.status().message(), "negative size"));
  EXPECT_EQ(rt.Spawn<Fragile>({}, 0).status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(rt.process_count(), count);
  EXPECT_FALSE(rt.Whereis("fragile").valid());
  // The error is the caller's: nothing of the failed process outlives it.
  EXPECT_LE(internal::RetiredCount(), retired);

  Pid spawner = *rt.Spawn<FragileSpawner>({});
  absl::StatusOr<absl::Status> inside =
      rt.CallAs<absl::Status>(spawner, SpawnFragile{-1}, absl::Seconds(5));
  ASSERT_TRUE(inside.ok()) << inside.status();
  EXPECT_EQ(inside->code(), absl::StatusCode::kInternal);
  absl::StatusOr<absl::Status> fine =
      rt.CallAs<absl::Status>(spawner, SpawnFragile{1}, absl::Seconds(5));
  ASSERT_TRUE(fine.ok());
  EXPECT_TRUE(fine->ok());
  EXPECT_TRUE(rt.Alive(spawner));
}

TEST(RuntimeTest, FindAliveAndWaitExitFollowAProcessLife) {
  Runtime rt(RuntimeOptions{.schedulers = 1});
  Pid pid = *rt.Spawn<Counter>({});
  EXPECT_TRUE(rt.Alive(pid));
  EXPECT_EQ(rt.Find(pid.id()), pid);
  EXPECT_FALSE(rt.WaitExit(pid, absl::Milliseconds(1)));
  rt.Cast(pid, Halt{});
  EXPECT_TRUE(rt.WaitExit(pid, testing::kPatience));
  EXPECT_FALSE(rt.Alive(pid));
  EXPECT_FALSE(rt.Find(pid.id()).valid());
  EXPECT_FALSE(rt.Info(pid).has_value());
  EXPECT_TRUE(rt.WaitExit(pid, absl::ZeroDuration()));
  EXPECT_FALSE(rt.Alive(Pid()));
}

TEST(RuntimeTest, AnExitSignalFromOutsideEndsAProcessThatDoesNotTrapExits) {
  Runtime rt(RuntimeOptions{.schedulers = 1});
  Pid pid = *rt.Spawn<Counter>({});
  rt.Exit(pid, ExitReason::Normal());  // ignored, as on the BEAM
  rt.Cast(pid, Tick{});
  EXPECT_EQ(*rt.CallAs<int>(pid, Get{}, absl::Seconds(5)), 1);
  rt.Exit(pid, ExitReason::Shutdown());
  EXPECT_TRUE(rt.WaitExit(pid, testing::kPatience));
}

TEST(RuntimeTest, SendAfterDeliversTheMessageAndCancelTimerStopsIt) {
  Inbox inbox;
  Runtime rt(RuntimeOptions{.schedulers = 1});
  Pid pid = *rt.Spawn<Collector>({}, &inbox);
  // Far off, so that it is still pending when cancelled.
  TimerRef cancelled = rt.SendAfter(pid, std::string("cancelled"), absl::Hours(1));
  TimerRef kept = rt.SendAfter(pid, std::string("kept"), absl::Milliseconds(30));
  EXPECT_NE(cancelled.id, kept.id);
  EXPECT_TRUE(rt.CancelTimer(cancelled));
  EXPECT_FALSE(rt.CancelTimer(cancelled));
  std::optional<std::string> first = inbox.NextAs<std::string>();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(*first, "kept");
  EXPECT_FALSE(rt.CancelTimer(kept));  // it fired already
  EXPECT_EQ(inbox.size(), 0u);
}

TEST(RuntimeTest, TimersFireInTheOrderOfTheirDeadlines) {
  Inbox inbox;
  Runtime rt(RuntimeOptions{.schedulers = 1});
  Pid pid = *rt.Spawn<Collector>({}, &inbox);
  // Each deadline lies between the clock before and after its SendAfter
  // plus the delay; two timers whose ranges do not overlap must arrive in
  // deadline order (a slow machine can only make ranges overlap, never
  // reverse them).
  struct Armed {
    int value;
    absl::Time earliest, latest;
  };
  std::vector<Armed> armed;
  for (auto [value, delay] : {std::pair{3, absl::Milliseconds(15)},
                              std::pair{1, absl::Milliseconds(1)},
                              std::pair{2, absl::Milliseconds(8)}}) {
    const absl::Time before = absl::Now();
    rt.SendAfter(pid, value, delay);
    armed.push_back({value, before + delay, absl::Now() + delay});
  }
  std::vector<int> order;
  for (int i = 0; i < 3; ++i) {
    std::optional<int> v = inbox.NextAs<int>();
    ASSERT_TRUE(v.has_value());
    order.push_back(*v);
  }
  auto position = [&](int value) {
    return std::find(order.begin(), order.end(), value) - order.begin();
  };
  for (const Armed& a : armed) {
    for (const Armed& b : armed) {
      if (a.latest < b.earliest) {
        EXPECT_LT(position(a.value), position(b.value))
            << a.value << " was due before " << b.value;
      }
    }
  }
}

struct Flood {};
struct FloodState {
  uint64_t handled = 0;
};
// Each Flood it handles sends it another: its mailbox never empties.
class Flooder : public GenServer<FloodState> {
 protected:
  Co HandleInfo(FloodState& s, Message& m) override {
    if (m.Is<Flood>()) {
      ++s.handled;
      Send(self(), Flood{});
      Send(self(), Flood{});
    }
    return {};
  }
  Co HandleCall(FloodState& s, Message&, From from) override {
    Reply(from, s.handled);
    return {};
  }
};

TEST(RuntimeTest, AProcessWithAnEndlessMailboxDoesNotStarveAnotherOne) {
  Runtime rt(RuntimeOptions{.schedulers = 1, .slice_messages = 64});
  Pid flooder = *rt.Spawn<Flooder>({});
  Pid counter = *rt.Spawn<Counter>({});
  rt.Send(flooder, Flood{});
  ASSERT_TRUE(Eventually([&] { return rt.Info(flooder)->reductions > 1000; }));
  // The one scheduler thread is shared: the counter still gets its turns.
  for (int i = 0; i < 20; ++i) {
    absl::StatusOr<int> n = rt.CallAs<int>(counter, Get{}, testing::kPatience);
    ASSERT_TRUE(n.ok()) << n.status();
  }
  EXPECT_GT(rt.Info(flooder)->mailbox_len.value, 0);
  rt.Exit(flooder, ExitReason::Kill());
  EXPECT_TRUE(rt.WaitExit(flooder, testing::kPatience));
}

TEST(RuntimeTest, AHundredThousandProcessesSpawnedAndGoneLeaveNoTrace) {
  Runtime rt(RuntimeOptions{.schedulers = 2});
  size_t count = rt.process_count();
  uint64_t spawned = rt.counters().processes_spawned;
  Pid keeper = *rt.Spawn<Counter>({});
  int64_t keeper_memory = Settled(rt, keeper)->memory.value;
  size_t retired = internal::RetiredCount();
  constexpr int kProcesses = 100000;
  {
    std::vector<Pid> pids;
    pids.reserve(kProcesses);
    for (int i = 0; i < kProcesses; ++i) {
      absl::StatusOr<Pid> pid = rt.Spawn<Counter>({});
      ASSERT_TRUE(pid.ok()) << pid.status();
      pids.push_back(*pid);
    }
    EXPECT_EQ(rt.process_count(), count + 1 + kProcesses);
    for (const Pid& pid : pids) rt.Cast(pid, Halt{});
  }
  ASSERT_TRUE(Eventually([&] { return rt.process_count() == count + 1; }));
  EXPECT_EQ(rt.counters().processes_spawned, spawned + 1 + kProcesses);
  // What is left lives in the one survivor, which is as it was.
  int64_t total = 0;
  rt.ForEachProcess([&](const ProcessInfo& info) { total += info.memory.value; });
  EXPECT_EQ(total, keeper_memory);
  EXPECT_EQ(Settled(rt, keeper)->memory.value, keeper_memory);
  // Each one's account was empty at its end: none is kept for later.
  EXPECT_LE(internal::RetiredCount(), retired);
}

TEST(RuntimeTest, AProcessThatAllocatesOneMebibyteShowsItAndReturnsToItsBaseline) {
  Runtime rt(RuntimeOptions{.schedulers = 2});
  Pid pid = *rt.Spawn<Counter>({});
  int64_t base = Settled(rt, pid)->memory.value;
  rt.Cast(pid, Grow{kMiB});
  int64_t grown = Settled(rt, pid)->memory.value;
  EXPECT_GE(grown - base, kMiB);
  EXPECT_LT(grown - base, kMiB + 1024);
  rt.Cast(pid, Shrink{});
  std::optional<ProcessInfo> after = Settled(rt, pid);
  EXPECT_EQ(after->memory.value, base);
  EXPECT_GE(after->memory.peak - base, kMiB);
}

TEST(RuntimeTest, AOneMebibyteMessageShowsInTheReceiverUntilItIsHandled) {
  Gate gate;
  Runtime rt(RuntimeOptions{.schedulers = 2});
  Pid pid = *rt.Spawn<Counter>({});
  int64_t base = Settled(rt, pid)->memory.value;
  rt.Info(pid, /*take_peaks=*/true);
  rt.Cast(pid, Block{&gate});
  gate.entered.WaitForNotification();
  rt.Send(pid, std::vector<char>(kMiB, 'm'));
  std::optional<ProcessInfo> waiting = rt.Info(pid);
  EXPECT_EQ(waiting->mailbox_len.value, 1);
  EXPECT_GE(waiting->mailbox_bytes.value, kMiB);
  EXPECT_LT(waiting->mailbox_bytes.value, kMiB + 1024);
  EXPECT_GE(waiting->memory.value - base, kMiB);
  gate.opened.Notify();
  std::optional<ProcessInfo> handled = Settled(rt, pid);
  EXPECT_EQ(handled->mailbox_bytes.value, 0);
  EXPECT_EQ(handled->memory.value, base);
  EXPECT_GE(handled->mailbox_bytes.peak, kMiB);
  EXPECT_GE(handled->memory.peak - base, kMiB);
  EXPECT_EQ(handled->mailbox_len.peak, 1);
}

struct Forward {
  Pid to;
  size_t bytes;
};
// Sends a payload of the asked size to another process.
class Sender : public GenServer<int> {
 protected:
  Co HandleCast(int&, Message& m) override {
    if (const Forward* f = m.As<Forward>()) {
      Send(f->to, std::vector<char>(f->bytes, 's'));
    }
    return {};
  }
};

TEST(RuntimeTest, SendStatisticsAreChargedToTheSenderAndTheReceiver) {
  Runtime rt(RuntimeOptions{.schedulers = 2});
  Pid receiver = *rt.Spawn<Counter>({});
  Pid sender = *rt.Spawn<Sender>({});
  uint64_t sent_before = rt.counters().messages_sent;
  rt.Cast(sender, Forward{receiver, kMiB});
  rt.Cast(sender, Forward{receiver, 10});
  Settled(rt, sender);
  std::optional<ProcessInfo> s = Settled(rt, sender);
  std::optional<ProcessInfo> r = Settled(rt, receiver);
  EXPECT_EQ(s->messages_out, 2u);
  EXPECT_GE(s->bytes_out, static_cast<uint64_t>(kMiB + 10));
  EXPECT_LT(s->bytes_out, static_cast<uint64_t>(kMiB + 1024));
  EXPECT_GT(s->send_ns, 0u);
  EXPECT_EQ(s->messages_in, 2u);  // the two casts from outside
  EXPECT_EQ(r->messages_in, 2u);
  EXPECT_EQ(r->bytes_in, s->bytes_out);
  EXPECT_EQ(r->messages_out, 0u);
  EXPECT_EQ(rt.counters().messages_sent - sent_before, 4u);
}

TEST(RuntimeTest, ASamplerCanReadEveryProcessWhileProcessesComeAndGo) {
  // What a sampler does, concurrently with spawns, messages and exits;
  // under TSan, any unsynchronized read of a process fails the program.
  Runtime rt(RuntimeOptions{.schedulers = 2});
  std::atomic<bool> stop{false};
  std::atomic<int> scans{0};
  std::thread sampler([&] {
    while (!stop.load()) {
      int64_t memory = 0;
      rt.ForEachProcess(
          [&](const ProcessInfo& info) {
            memory += info.memory.value + static_cast<int64_t>(
                                              info.initial_call.size() +
                                              info.current_function.size());
          },
          /*take_peaks=*/true);
      EXPECT_GE(memory, 0);
      scans.fetch_add(1);
    }
  });
  for (int i = 0; i < 300; ++i) {
    Pid pid = *rt.Spawn<Counter>({});
    rt.Cast(pid, Grow{100});
    rt.Send(pid, Tick{});
    rt.Cast(pid, Halt{});
  }
  ASSERT_TRUE(Eventually([&] { return scans.load() > 3; }));
  stop.store(true);
  sampler.join();
}

TEST(RuntimeTest, ForEachProcessVisitsEveryLiveProcessOnce) {
  Runtime rt(RuntimeOptions{.schedulers = 2});
  std::vector<uint64_t> ids;
  for (int i = 0; i < 100; ++i) ids.push_back(rt.Spawn<Counter>({})->id());
  std::vector<uint64_t> seen;
  rt.ForEachProcess([&](const ProcessInfo& info) { seen.push_back(info.pid); });
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, ids);
}

TEST(RuntimeTest, InspectDescribesTheQueuedMessagesWithoutTakingThem) {
  Gate gate;
  Runtime rt(RuntimeOptions{.schedulers = 2});
  Pid pid = *rt.Spawn<Counter>({});
  rt.Cast(pid, Block{&gate});
  gate.entered.WaitForNotification();
  for (int i = 0; i < 3; ++i) rt.Send(pid, std::string(1000, 'x'));
  rt.Send(pid, Tick{});
  std::atomic<bool> done{false};
  ProcessInspection seen;
  absl::Mutex mu;
  rt.InspectAsync(pid, 2, [&](ProcessInspection out) {
    absl::MutexLock lock(&mu);
    seen = std::move(out);
    done.store(true);
  });
  gate.opened.Notify();
  ASSERT_TRUE(Eventually([&] { return done.load(); }));
  absl::MutexLock lock(&mu);
  EXPECT_EQ(seen.pid, pid.id());
  EXPECT_EQ(seen.mailbox_len, 4);
  ASSERT_EQ(seen.first_messages.size(), 2u);
  ASSERT_EQ(seen.by_type.size(), 2u);
  EXPECT_EQ(seen.by_type[0].count, 3);  // biggest first
  EXPECT_GE(seen.by_type[0].bytes, 3000);
  EXPECT_EQ(seen.by_type[1].count, 1);
  EXPECT_EQ(seen.by_type[1].type, "Tick");
}

TEST(RuntimeTest, InspectingAProcessThatIsGoneIsNotFound) {
  Runtime rt(RuntimeOptions{.schedulers = 1});
  Pid pid = *rt.Spawn<Counter>({});
  absl::StatusOr<ProcessInspection> live = rt.Inspect(pid, testing::kPatience);
  ASSERT_TRUE(live.ok()) << live.status();
  EXPECT_EQ(live->mailbox_len, 0);
  rt.Cast(pid, Halt{});
  ASSERT_TRUE(rt.WaitExit(pid, testing::kPatience));
  EXPECT_EQ(rt.Inspect(pid, absl::Seconds(1)).status().code(),
            absl::StatusCode::kNotFound);
}

// Records the events it is told, for the test to read.
class EventLog : public RuntimeObserver {
 public:
  void OnEvent(const RuntimeEvent& e) override {
    AccountScope none(nullptr, AccountScope::kShared);
    absl::MutexLock lock(&mu_);
    events_.push_back(e);
  }
  std::vector<RuntimeEvent> events() {
    absl::MutexLock lock(&mu_);
    return events_;
  }
  bool Has(RuntimeEvent::Kind kind, uint64_t pid) {
    for (const RuntimeEvent& e : events()) {
      if (e.kind == kind && e.pid == pid) return true;
    }
    return false;
  }

 private:
  absl::Mutex mu_;
  std::vector<RuntimeEvent> events_;
};

TEST(RuntimeTest, AnObserverHearsOfSpawnsExitsTimeoutsAndLogLines) {
  EventLog log;
  Runtime rt(RuntimeOptions{.schedulers = 1});
  rt.SetObserver(&log);
  Pid pid = *rt.Spawn<Counter>({});
  EXPECT_TRUE(log.Has(RuntimeEvent::Kind::kSpawn, pid.id()));
  ASSERT_FALSE(rt.Call(pid, Ignore{}, absl::Milliseconds(1)).ok());
  rt.Log("hello");
  rt.Cast(pid, Halt{});
  ASSERT_TRUE(rt.WaitExit(pid, testing::kPatience));
  rt.SetObserver(nullptr);
  bool timeout = false, line = false, exit = false;
  for (const RuntimeEvent& e : log.events()) {
    if (e.kind == RuntimeEvent::Kind::kCallTimeout && e.other_pid == pid.id()) {
      timeout = absl::StrContains(e.text, "Ignore");
    }
    if (e.kind == RuntimeEvent::Kind::kLog) line = e.text == "hello";
    if (e.kind == RuntimeEvent::Kind::kExit && e.pid == pid.id()) {
      exit = e.text == "normal";
    }
  }
  EXPECT_TRUE(timeout);
  EXPECT_TRUE(line);
  EXPECT_TRUE(exit);
}

// Where processes leave what they allocated, for the test to free later.
struct Leftovers {
  absl::Mutex mu;
  std::vector<std::unique_ptr<std::string>> strings;
  std::vector<std::shared_ptr<std::vector<char>>> shared;
  std::vector<Binary> binaries;
};
struct LeaveSomething {
  Leftovers* into;
};
// Allocates in its own account and leaves it in a structure it does not own.
class Leaver : public GenServer<std::shared_ptr<std::vector<char>>> {
 protected:
  Co HandleCast(std::shared_ptr<std::vector<char>>& mine, Message& m) override {
    if (const LeaveSomething* l = m.As<LeaveSomething>()) {
      mine = std::make_shared<std::vector<char>>(1000, 'v');
      absl::MutexLock lock(&l->into->mu);
      l->into->strings.push_back(std::make_unique<std::string>(500, 'l'));
      l->into->shared.push_back(mine);
      l->into->binaries.push_back(Binary::Copy(std::string(300, 'b')));
      Stop();
    }
    return {};
  }
};

TEST(RuntimeTest, WhatAProcessLeftBehindCanBeFreedSafelyAfterItIsGone) {
  // The blocks are charged to the process, which is gone (control block
  // and all) by the time they are freed: under ASan, any use of its
  // account then fails the program.
  Leftovers leftovers;
  Runtime rt(RuntimeOptions{.schedulers = 2});
  size_t retired = internal::RetiredCount();
  for (int i = 0; i < 50; ++i) {
    Pid pid = *rt.Spawn<Leaver>({});
    rt.Cast(pid, LeaveSomething{&leftovers});
    ASSERT_TRUE(rt.WaitExit(pid, testing::kPatience));
  }
  // Their control blocks are kept while their accounts still owe.
  EXPECT_TRUE(Eventually([&] { return internal::RetiredCount() == retired + 50; }));
  absl::MutexLock lock(&leftovers.mu);
  EXPECT_EQ(leftovers.strings.size(), 50u);
  leftovers.strings.clear();
  leftovers.shared.clear();
  leftovers.binaries.clear();
  // And processes spawned since are unaffected.
  Pid pid = *rt.Spawn<Counter>({});
  rt.Cast(pid, Tick{});
  EXPECT_EQ(*rt.CallAs<int>(pid, Get{}, absl::Seconds(5)), 1);
}

TEST(RuntimeTest, DestroyingTheRuntimeEndsEveryProcessAndFreesWhatTheyHeld) {
  // Under ASan, anything left behind fails the program.
  auto rt = std::make_unique<Runtime>(RuntimeOptions{.schedulers = 2});
  for (int i = 0; i < 100; ++i) {
    Pid pid = *rt->Spawn<Counter>({});
    rt->Cast(pid, Grow{1000});
    rt->Send(pid, std::string(100, 'q'));
    (void)rt->Call(pid, Ignore{}, absl::Milliseconds(0));
  }
  Pid survivor = *rt->Spawn<Counter>({});
  rt.reset();
  EXPECT_TRUE(survivor.valid());  // a Pid may outlive its runtime
}

}  // namespace
}  // namespace overseer
