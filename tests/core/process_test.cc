#include "core/process.h"

#include <stdexcept>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "core/gen_server.h"
#include "core/runtime.h"
#include "gtest/gtest.h"
#include "tests/core/core_test_util.h"

namespace overseer {
namespace {

using testing::Collector;
using testing::Eventually;
using testing::Gate;
using testing::Inbox;
using testing::kPatience;
using testing::Settled;

// Orders a Puppet obeys, so that a test can make a process do anything the
// Process API offers, from inside it.
struct DoLink {
  Pid other;
};
struct DoUnlink {
  Pid other;
};
struct DoMonitor {
  Pid target;
};
struct DoDemonitor {};
struct DoTrap {
  bool on;
};
struct DoExit {
  Pid to;
  ExitReason reason;
};
struct DoStop {
  ExitReason reason;
};
struct DoThrow {
  std::string what;
};
struct DoThrowInt {};
struct DoBlock {
  Gate* gate;
};
struct DoSpawnLink {};
struct DoSendAfterSelf {
  std::string text;
  absl::Duration delay;
  bool cancel;
};
struct DoBump {
  uint64_t n;
};

struct PuppetState {
  Ref last_monitor;
  Pid spawned;
};

// Does what it is told, and forwards every info message to an Inbox.
class Puppet : public GenServer<PuppetState> {
 public:
  explicit Puppet(Inbox* inbox) : inbox_(inbox) {}

 protected:
  Co HandleCall(PuppetState& s, Message& m, From from) override {
    if (m.Is<DoSpawnLink>()) {
      s.spawned = *SpawnLink<Puppet>({}, inbox_);
      Reply(from, s.spawned);
    } else if (const DoMonitor* mon = m.As<DoMonitor>()) {
      s.last_monitor = Monitor(mon->target);
      Reply(from, s.last_monitor);
    } else if (m.Is<DoDemonitor>()) {
      Reply(from, Demonitor(s.last_monitor));
    } else if (const DoSendAfterSelf* timer = m.As<DoSendAfterSelf>()) {
      TimerRef t = SendAfter(self(), timer->text, timer->delay);
      Reply(from, timer->cancel ? CancelTimer(t) : false);
    } else {
      Obey(m);
      Reply(from, true);
    }
    return {};
  }
  Co HandleCast(PuppetState&, Message& m) override {
    Obey(m);
    return {};
  }
  Co HandleInfo(PuppetState&, Message& m) override {
    inbox_->Put(m);
    return {};
  }

 private:
  void Obey(Message& m) {
    if (const DoLink* d = m.As<DoLink>()) Link(d->other);
    if (const DoUnlink* d = m.As<DoUnlink>()) Unlink(d->other);
    if (const DoTrap* d = m.As<DoTrap>()) TrapExit(d->on);
    if (const DoExit* d = m.As<DoExit>()) Exit(d->to, d->reason);
    if (const DoStop* d = m.As<DoStop>()) Stop(d->reason);
    if (const DoThrow* d = m.As<DoThrow>()) throw std::runtime_error(d->what);
    if (m.Is<DoThrowInt>()) throw 42;
    if (const DoBlock* d = m.As<DoBlock>()) d->gate->Pass();
    if (const DoBump* d = m.As<DoBump>()) Bump(d->n);
    if (const DoMonitor* d = m.As<DoMonitor>()) Monitor(d->target);  // cast
  }
  Inbox* inbox_;
};

class ProcessTest : public ::testing::Test {
 protected:
  Pid Spawn(SpawnOptions options = {}) { return *rt_.Spawn<Puppet>(options, &inbox_); }
  // Waits for the next message the puppets forwarded, as a T.
  template <typename T>
  std::optional<T> Next() {
    return inbox_.NextAs<T>();
  }
  // The reply to `order`, as an R (a failure if there is none).
  template <typename R, typename T>
  R Ask(const Pid& pid, const T& order) {
    absl::StatusOr<R> r = rt_.CallAs<R>(pid, order, kPatience);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : R{};
  }
  template <typename T>
  void Tell(const Pid& pid, const T& order) {
    absl::StatusOr<Message> r = rt_.Call(pid, order, kPatience);
    ASSERT_TRUE(r.ok()) << r.status();
  }
  Inbox inbox_;  // outlives the runtime, whose processes write to it
  Runtime rt_{RuntimeOptions{.schedulers = 2}};
};

TEST_F(ProcessTest, AnExceptionInAHandlerEndsThatProcessWithItsMessageOnly) {
  Pid watcher = Spawn();
  Pid victim = Spawn();
  Tell(watcher, DoMonitor{victim});
  rt_.Cast(victim, DoThrow{"boom"});
  std::optional<DownMessage> down = Next<DownMessage>();
  ASSERT_TRUE(down.has_value());
  EXPECT_EQ(down->pid, victim);
  EXPECT_TRUE(absl::StartsWith(down->reason.text(), "exception: ")) << down->reason.text();
  EXPECT_TRUE(absl::StrContains(down->reason.text(), "boom"));
  EXPECT_TRUE(rt_.Alive(watcher));  // the runtime goes on
  Pid next = Spawn();
  EXPECT_TRUE(rt_.Call(next, DoBump{1}, kPatience).ok());
}

TEST_F(ProcessTest, ThrowingSomethingThatIsNotAnExceptionIsACrashToo) {
  Pid watcher = Spawn();
  Pid victim = Spawn();
  Tell(watcher, DoMonitor{victim});
  rt_.Cast(victim, DoThrowInt{});
  std::optional<DownMessage> down = Next<DownMessage>();
  ASSERT_TRUE(down.has_value());
  EXPECT_EQ(down->reason.text(), "exception: unknown");
}

TEST_F(ProcessTest, ACrashKillsLinkedProcessesWithTheSameReason) {
  Pid watcher = Spawn();
  Pid a = Spawn();
  Pid b = Spawn();
  Tell(a, DoLink{b});
  Tell(watcher, DoMonitor{b});
  rt_.Cast(a, DoThrow{"bad"});
  std::optional<DownMessage> down = Next<DownMessage>();
  ASSERT_TRUE(down.has_value());
  EXPECT_EQ(down->pid, b);
  EXPECT_TRUE(absl::StrContains(down->reason.text(), "bad"));
  EXPECT_TRUE(rt_.WaitExit(a, kPatience));
}

TEST_F(ProcessTest, ANormalExitLeavesLinkedProcessesAlone) {
  Pid a = Spawn();
  Pid b = Spawn();
  Tell(a, DoLink{b});
  EXPECT_EQ(rt_.Info(b)->links, std::vector<uint64_t>{a.id()});
  rt_.Cast(a, DoStop{ExitReason::Normal()});
  ASSERT_TRUE(rt_.WaitExit(a, kPatience));
  Tell(b, DoBump{1});  // still answers
  EXPECT_TRUE(rt_.Alive(b));
  EXPECT_TRUE(rt_.Info(b)->links.empty());
}

TEST_F(ProcessTest, AnUnlinkedProcessDoesNotDieWithTheOther) {
  Pid a = Spawn();
  Pid b = Spawn();
  Tell(a, DoLink{b});
  Tell(b, DoUnlink{a});
  EXPECT_TRUE(rt_.Info(a)->links.empty());
  rt_.Cast(a, DoThrow{"alone"});
  ASSERT_TRUE(rt_.WaitExit(a, kPatience));
  Tell(b, DoBump{1});
  EXPECT_TRUE(rt_.Alive(b));
}

TEST_F(ProcessTest, TrappingExitsTurnsExitSignalsIntoMessages) {
  Pid trapper = Spawn();
  Pid a = Spawn();
  Tell(trapper, DoTrap{true});
  EXPECT_TRUE(rt_.Info(trapper)->trap_exit);
  Tell(trapper, DoLink{a});
  rt_.Cast(a, DoThrow{"oops"});
  std::optional<ExitMessage> exit = Next<ExitMessage>();
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(exit->from, a);
  EXPECT_TRUE(absl::StrContains(exit->reason.text(), "oops"));

  Pid b = Spawn();
  Tell(trapper, DoLink{b});
  rt_.Cast(b, DoStop{ExitReason::Normal()});
  exit = Next<ExitMessage>();  // a normal exit is a message too
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(exit->from, b);
  EXPECT_TRUE(exit->reason.normal());

  rt_.Exit(trapper, ExitReason::Shutdown());  // from outside: no sender
  exit = Next<ExitMessage>();
  ASSERT_TRUE(exit.has_value());
  EXPECT_FALSE(exit->from.valid());
  EXPECT_TRUE(exit->reason.shutdown());
  EXPECT_TRUE(rt_.Alive(trapper));
}

TEST_F(ProcessTest, KillCannotBeTrappedAndEndsTheProcessAsKilled) {
  Pid watcher = Spawn();
  Pid trapper = Spawn();
  Tell(trapper, DoTrap{true});
  Tell(watcher, DoMonitor{trapper});
  Tell(watcher, DoExit{trapper, ExitReason::Kill()});
  std::optional<DownMessage> down = Next<DownMessage>();
  ASSERT_TRUE(down.has_value());
  EXPECT_EQ(down->reason, ExitReason::Killed());
}

TEST_F(ProcessTest, ALinkedProcessKilledPassesKilledOnWhichCanBeTrapped) {
  Pid trapper = Spawn();
  Pid victim = Spawn();
  Tell(trapper, DoTrap{true});
  Tell(trapper, DoLink{victim});
  rt_.Exit(victim, ExitReason::Kill());
  std::optional<ExitMessage> exit = Next<ExitMessage>();
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(exit->reason, ExitReason::Killed());
  EXPECT_TRUE(rt_.Alive(trapper));
}

TEST_F(ProcessTest, AMonitorGetsOneDownWithEachKindOfReason) {
  Pid watcher = Spawn();
  struct Case {
    ExitReason reason;
    std::string expected;
  };
  for (const Case& c : {Case{ExitReason::Normal(), "normal"},
                        Case{ExitReason::Shutdown(), "shutdown"},
                        Case{ExitReason("shutdown: done"), "shutdown: done"},
                        Case{ExitReason("custom"), "custom"}}) {
    Pid target = Spawn();
    Ref ref = Ask<Ref>(watcher, DoMonitor{target});
    EXPECT_EQ(rt_.Info(watcher)->monitors, std::vector<uint64_t>{target.id()});
    rt_.Cast(target, DoStop{c.reason});
    std::optional<DownMessage> down = Next<DownMessage>();
    ASSERT_TRUE(down.has_value());
    EXPECT_EQ(down->ref, ref);
    EXPECT_EQ(down->pid, target);
    EXPECT_EQ(down->reason.text(), c.expected);
    ASSERT_TRUE(Eventually([&] { return rt_.Info(watcher)->monitors.empty(); }));
  }
  EXPECT_EQ(inbox_.size(), 0u);  // one DOWN each, and nothing else
}

TEST_F(ProcessTest, MonitoringAProcessThatIsGoneGivesADownNoprocAtOnce) {
  Pid watcher = Spawn();
  Pid gone = Spawn();
  rt_.Cast(gone, DoStop{ExitReason::Normal()});
  ASSERT_TRUE(rt_.WaitExit(gone, kPatience));
  Ref ref = Ask<Ref>(watcher, DoMonitor{gone});
  std::optional<DownMessage> down = Next<DownMessage>();
  ASSERT_TRUE(down.has_value());
  EXPECT_EQ(down->ref, ref);
  EXPECT_EQ(down->reason, ExitReason::NoProc());
}

TEST_F(ProcessTest, ADemonitoredProcessSendsNoDown) {
  Pid watcher = Spawn();
  Pid target = Spawn();
  Tell(watcher, DoMonitor{target});
  EXPECT_TRUE(Ask<bool>(watcher, DoDemonitor{}));
  EXPECT_FALSE(Ask<bool>(watcher, DoDemonitor{}));
  EXPECT_TRUE(rt_.Info(watcher)->monitors.empty());
  rt_.Cast(target, DoStop{ExitReason("bye")});
  ASSERT_TRUE(rt_.WaitExit(target, kPatience));
  rt_.Send(watcher, std::string("marker"));  // after any DOWN, if one came
  EXPECT_EQ(inbox_.NextAs<std::string>(), "marker");
}

TEST_F(ProcessTest, LinksAndMonitorsToProcessesDyingMeanwhileLeaveNoStaleEntry) {
  // A trapping process links to and monitors processes that end at the
  // same moment, on the other scheduler thread: once each exit is seen,
  // neither list may still name the dead.
  Pid watcher = Spawn();
  Tell(watcher, DoTrap{true});
  for (int i = 0; i < 300; ++i) {
    Pid target = Spawn();
    rt_.Cast(target, DoStop{ExitReason("racing")});
    rt_.Cast(watcher, DoLink{target});
    rt_.Cast(watcher, DoMonitor{target});
    ASSERT_TRUE(rt_.WaitExit(target, kPatience));
  }
  // Each target sent one exit message (or noproc) and one DOWN.
  int exits = 0, downs = 0;
  for (int i = 0; i < 600; ++i) {
    std::optional<Message> m = inbox_.Next(absl::Seconds(2));
    if (!m) break;
    exits += m->Is<ExitMessage>();
    downs += m->Is<DownMessage>();
  }
  EXPECT_EQ(exits, 300);
  EXPECT_EQ(downs, 300);
  std::optional<ProcessInfo> info = rt_.Info(watcher);
  EXPECT_TRUE(info->links.empty()) << info->links.size() << " stale links";
  EXPECT_TRUE(info->monitors.empty()) << info->monitors.size() << " stale monitors";
}

TEST_F(ProcessTest, LinkingToAProcessThatIsGoneIsAnExitNoproc) {
  Pid trapper = Spawn();
  Pid gone = Spawn();
  rt_.Cast(gone, DoStop{ExitReason::Normal()});
  ASSERT_TRUE(rt_.WaitExit(gone, kPatience));
  Tell(trapper, DoTrap{true});
  Tell(trapper, DoLink{gone});
  std::optional<ExitMessage> exit = Next<ExitMessage>();
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(exit->from, gone);
  EXPECT_EQ(exit->reason, ExitReason::NoProc());
}

TEST_F(ProcessTest, SpawnLinkLinksTheChildToItsSpawner) {
  Pid parent = Spawn();
  Pid child = Ask<Pid>(parent, DoSpawnLink{});
  ASSERT_TRUE(child.valid());
  EXPECT_EQ(rt_.Info(child)->links, std::vector<uint64_t>{parent.id()});
  EXPECT_EQ(rt_.Info(child)->parent, parent.id());
  rt_.Cast(child, DoThrow{"child failed"});
  EXPECT_TRUE(rt_.WaitExit(parent, kPatience));
}

TEST_F(ProcessTest, StopEndsTheProcessWithTheGivenReason) {
  Pid watcher = Spawn();
  Pid target = Spawn();
  Tell(watcher, DoMonitor{target});
  rt_.Cast(target, DoStop{ExitReason("finished")});
  std::optional<DownMessage> down = Next<DownMessage>();
  ASSERT_TRUE(down.has_value());
  EXPECT_EQ(down->reason.text(), "finished");
}

TEST_F(ProcessTest, AnExitSignalToSelfEndsTheProcessEvenWhenNormal) {
  Pid target = Spawn();
  rt_.Cast(target, DoExit{target, ExitReason::Normal()});
  EXPECT_TRUE(rt_.WaitExit(target, kPatience));
}

TEST_F(ProcessTest, AProcessTimerToSelfArrivesUnlessCancelled) {
  Pid p = Spawn();
  // Far off, so that it is still pending when cancelled, however slow the
  // machine.
  EXPECT_EQ(Ask<bool>(p, DoSendAfterSelf{"cancelled", absl::Hours(1), true}), true);
  EXPECT_EQ(Ask<bool>(p, DoSendAfterSelf{"tick", absl::Milliseconds(20),
                                                 false}),
            false);
  EXPECT_EQ(inbox_.NextAs<std::string>(), "tick");
  EXPECT_EQ(inbox_.size(), 0u);
}

TEST_F(ProcessTest, ATimerOutlivingTheProcessThatStartedItIsHarmless) {
  Inbox other_inbox;
  Pid target = *rt_.Spawn<Collector>({}, &other_inbox);
  // Processes that set a timer for themselves and are gone when it fires.
  for (int i = 0; i < 20; ++i) {
    Pid starter = Spawn();
    Tell(starter, DoSendAfterSelf{"", absl::Milliseconds(1), false});
    Tell(starter, DoStop{ExitReason::Normal()});
    ASSERT_TRUE(rt_.WaitExit(starter, kPatience));
  }
  // Processes that set timers for others and are gone when they fire.
  class TimerSetter : public Process {
   public:
    explicit TimerSetter(Pid to) : to_(std::move(to)) {}

   protected:
    absl::Status Init() override {
      SendAfter(to_, std::string(1000, 't'), absl::Milliseconds(5));
      return absl::OkStatus();
    }
    Co Handle(Envelope::Kind, Message&, From) override {
      Stop();
      return {};
    }

   private:
    Pid to_;
  };
  for (int i = 0; i < 20; ++i) {
    Pid setter = *rt_.Spawn<TimerSetter>({}, target);
    rt_.Send(setter, 0);
    ASSERT_TRUE(rt_.WaitExit(setter, kPatience));
  }
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(other_inbox.NextAs<std::string>()->size(), 1000u);
  }
}

TEST_F(ProcessTest, BumpAddsReductionsToTheOnePerMessage) {
  Pid p = Spawn();
  uint64_t before = Settled(rt_, p)->reductions;
  rt_.Cast(p, DoBump{1000});
  EXPECT_EQ(Settled(rt_, p)->reductions, before + 1001);
}

}  // namespace
}  // namespace overseer
