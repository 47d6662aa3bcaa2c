#include "core/supervisor.h"

#include <atomic>
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

using testing::Eventually;
using testing::Journal;
using testing::kPatience;

struct WorkerArgs {
  std::string id;
  Journal* journal = nullptr;
  bool trap = true;        // traps exits, so terminate runs on shutdown
  std::atomic<int>* starts = nullptr;  // counted; with fail_restarts,
  bool fail_restarts = false;          // every start after the first fails
};
struct Crash {};
struct Quit {
  std::string reason;
};
struct Ping {};

// A worker that journals its start and its terminate, and crashes or quits
// when told.
class Worker : public GenServer<WorkerArgs> {
 public:
  explicit Worker(WorkerArgs args) : GenServer(std::move(args)) {}

 protected:
  absl::Status Init(WorkerArgs& a) override {
    if (a.trap) TrapExit(true);
    if (a.starts != nullptr && a.starts->fetch_add(1) > 0 && a.fail_restarts) {
      return absl::UnavailableError("cannot start again");
    }
    if (a.journal) a.journal->Add("start " + a.id);
    return absl::OkStatus();
  }
  Co HandleCall(WorkerArgs& a, Message&, From from) override {
    Reply(from, a.id);
    return {};
  }
  Co HandleCast(WorkerArgs&, Message& m) override {
    if (m.Is<Crash>()) throw std::runtime_error("worker crashed");
    if (const Quit* q = m.As<Quit>()) Stop(ExitReason(q->reason));
    return {};
  }
  void Terminate(WorkerArgs& a, const ExitReason& reason) override {
    if (a.journal) a.journal->Add("stop " + a.id + " " + reason.text());
  }
};

ChildSpec Child(const std::string& id, Journal* journal,
                Restart restart = Restart::kPermanent) {
  ChildSpec spec = ChildSpec::Worker<Worker>(id, WorkerArgs{id, journal});
  spec.restart = restart;
  return spec;
}

class SupervisorTest : public ::testing::Test {
 protected:
  Pid Start(SupervisorFlags flags, std::vector<ChildSpec> children,
            SpawnOptions options = {}) {
    absl::StatusOr<Pid> sup =
        rt_.Spawn<Supervisor>(options, flags, std::move(children));
    EXPECT_TRUE(sup.ok()) << sup.status();
    return sup.ok() ? *sup : Pid();
  }
  std::vector<ChildInfo> Children(const Pid& sup) {
    absl::StatusOr<ChildrenReply> r =
        rt_.CallAs<ChildrenReply>(sup, WhichChildren{}, kPatience);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->children : std::vector<ChildInfo>{};
  }
  Pid ChildPid(const Pid& sup, const std::string& id) {
    for (const ChildInfo& c : Children(sup)) {
      if (c.id == id) return c.pid;
    }
    return Pid();
  }
  // Waits until child `id` runs under a pid other than `old`.
  Pid Restarted(const Pid& sup, const std::string& id, const Pid& old) {
    Pid now;
    bool ok = Eventually([&] {
      now = ChildPid(sup, id);
      return now.valid() && now != old;
    });
    EXPECT_TRUE(ok) << id << " was not restarted";
    return now;
  }
  Journal journal_;  // outlives the runtime, whose processes write to it
  Runtime rt_{RuntimeOptions{.schedulers = 2}};
};

TEST_F(SupervisorTest, ChildrenStartInOrderAndStopInReverseOrder) {
  Pid sup = Start({}, {Child("a", &journal_), Child("b", &journal_),
                       Child("c", &journal_)});
  EXPECT_EQ(journal_.lines(), (std::vector<std::string>{"start a", "start b", "start c"}));
  std::vector<ChildInfo> children = Children(sup);
  ASSERT_EQ(children.size(), 3u);
  EXPECT_EQ(children[0].id, "a");
  EXPECT_EQ(children[2].id, "c");
  for (const ChildInfo& c : children) {
    EXPECT_TRUE(c.pid.valid());
    EXPECT_EQ(rt_.Info(c.pid)->parent, sup.id());
    EXPECT_EQ(c.type, ChildType::kWorker);
  }
  journal_.Clear();
  rt_.Exit(sup, ExitReason::Shutdown());
  ASSERT_TRUE(rt_.WaitExit(sup, kPatience));
  EXPECT_EQ(journal_.lines(),
            (std::vector<std::string>{"stop c shutdown", "stop b shutdown",
                                      "stop a shutdown"}));
  for (const ChildInfo& c : children) EXPECT_FALSE(rt_.Alive(c.pid));
}

TEST_F(SupervisorTest, OneForOneRestartsOnlyTheChildThatFailed) {
  Pid sup = Start({.strategy = Strategy::kOneForOne},
                  {Child("a", &journal_), Child("b", &journal_), Child("c", &journal_)});
  Pid a = ChildPid(sup, "a"), b = ChildPid(sup, "b"), c = ChildPid(sup, "c");
  rt_.Cast(b, Crash{});
  Pid b2 = Restarted(sup, "b", b);
  EXPECT_EQ(ChildPid(sup, "a"), a);
  EXPECT_EQ(ChildPid(sup, "c"), c);
  EXPECT_EQ(rt_.CallAs<std::string>(b2, Ping{}, kPatience).value(), "b");
  EXPECT_EQ(rt_.Info(b2)->links, std::vector<uint64_t>{sup.id()});
}

TEST_F(SupervisorTest, OneForAllRestartsEveryChildInOrder) {
  Pid sup = Start({.strategy = Strategy::kOneForAll},
                  {Child("a", &journal_), Child("b", &journal_), Child("c", &journal_)});
  Pid a = ChildPid(sup, "a"), b = ChildPid(sup, "b"), c = ChildPid(sup, "c");
  journal_.Clear();
  rt_.Cast(b, Crash{});
  Restarted(sup, "c", c);
  EXPECT_NE(ChildPid(sup, "a"), a);
  EXPECT_NE(ChildPid(sup, "b"), b);
  EXPECT_FALSE(rt_.Alive(a));
  EXPECT_FALSE(rt_.Alive(c));
  std::vector<std::string> lines = journal_.lines();
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_TRUE(absl::StartsWith(lines[0], "stop b exception: "));
  EXPECT_EQ(std::vector<std::string>(lines.begin() + 1, lines.end()),
            (std::vector<std::string>{"stop c shutdown", "stop a shutdown",
                                      "start a", "start b", "start c"}));
}

TEST_F(SupervisorTest, RestForOneRestartsTheFailedChildAndThoseStartedAfterIt) {
  Pid sup = Start({.strategy = Strategy::kRestForOne},
                  {Child("a", &journal_), Child("b", &journal_), Child("c", &journal_)});
  Pid a = ChildPid(sup, "a"), b = ChildPid(sup, "b"), c = ChildPid(sup, "c");
  journal_.Clear();
  rt_.Cast(b, Crash{});
  Restarted(sup, "c", c);
  EXPECT_EQ(ChildPid(sup, "a"), a);
  EXPECT_TRUE(rt_.Alive(a));
  EXPECT_NE(ChildPid(sup, "b"), b);
  std::vector<std::string> lines = journal_.lines();
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(std::vector<std::string>(lines.begin() + 1, lines.end()),
            (std::vector<std::string>{"stop c shutdown", "start b", "start c"}));
}

TEST_F(SupervisorTest, APermanentChildIsRestartedWhateverTheReason) {
  Pid sup = Start({}, {Child("p", &journal_, Restart::kPermanent)});
  Pid p = ChildPid(sup, "p");
  rt_.Cast(p, Quit{"normal"});
  Pid p2 = Restarted(sup, "p", p);
  rt_.Cast(p2, Quit{"shutdown"});
  Restarted(sup, "p", p2);
}

TEST_F(SupervisorTest, ATransientChildIsRestartedOnlyAfterAnAbnormalExit) {
  Pid sup = Start({.max_restarts = 10},
                  {Child("t", &journal_, Restart::kTransient),
                   Child("u", &journal_, Restart::kTransient)});
  Pid t = ChildPid(sup, "t");
  rt_.Cast(t, Crash{});
  Pid t2 = Restarted(sup, "t", t);
  rt_.Cast(t2, Quit{"normal"});
  ASSERT_TRUE(rt_.WaitExit(t2, kPatience));
  Pid u = ChildPid(sup, "u");
  rt_.Cast(u, Quit{"shutdown: done"});
  ASSERT_TRUE(rt_.WaitExit(u, kPatience));
  // Their exits reached the supervisor before this call: both are kept in
  // the table, without a process, and not restarted.
  std::vector<ChildInfo> children = Children(sup);
  ASSERT_EQ(children.size(), 2u);
  EXPECT_FALSE(children[0].pid.valid());
  EXPECT_FALSE(children[1].pid.valid());
  EXPECT_EQ(children[0].restart, Restart::kTransient);
}

TEST_F(SupervisorTest, ATemporaryChildIsNeverRestartedAndLeavesTheTable) {
  Pid sup = Start({}, {Child("tmp", &journal_, Restart::kTemporary),
                       Child("keep", &journal_)});
  Pid tmp = ChildPid(sup, "tmp");
  rt_.Cast(tmp, Crash{});
  ASSERT_TRUE(rt_.WaitExit(tmp, kPatience));
  std::vector<ChildInfo> children = Children(sup);
  ASSERT_EQ(children.size(), 1u);
  EXPECT_EQ(children[0].id, "keep");
}

// Monitors a process and puts its DOWN into an Inbox.
class Watcher : public Process {
 public:
  Watcher(Pid target, testing::Inbox* inbox) : target_(std::move(target)), inbox_(inbox) {}

 protected:
  absl::Status Init() override {
    Monitor(target_);
    return absl::OkStatus();
  }
  Co Handle(Envelope::Kind, Message& m, From) override {
    inbox_->Put(m);
    return {};
  }

 private:
  Pid target_;
  testing::Inbox* inbox_;
};

TEST_F(SupervisorTest, PastItsRestartIntensityTheSupervisorExitsAndItsChildrenWithIt) {
  Pid sup = Start({.max_restarts = 3, .period = absl::Seconds(60)},
                  {Child("healthy", &journal_), Child("failing", &journal_)});
  Pid healthy = ChildPid(sup, "healthy");
  testing::Inbox inbox;
  ASSERT_TRUE(rt_.Spawn<Watcher>({}, sup, &inbox).ok());
  Pid failing = ChildPid(sup, "failing");
  for (int i = 0; i < 3; ++i) {
    rt_.Cast(failing, Crash{});
    failing = Restarted(sup, "failing", failing);
  }
  rt_.Cast(failing, Crash{});  // the fourth restart in the period: too many
  std::optional<DownMessage> down = inbox.NextAs<DownMessage>();
  ASSERT_TRUE(down.has_value());
  EXPECT_EQ(down->reason, ExitReason::Shutdown());
  EXPECT_FALSE(rt_.Alive(healthy));
  EXPECT_EQ(journal_.lines().back(), "stop healthy shutdown");
}

TEST_F(SupervisorTest, RestartsThatFailToStartAreRetriedAndCountTowardsTheIntensity) {
  std::atomic<int> starts{0};
  ChildSpec flaky = ChildSpec::Worker<Worker>(
      "flaky", WorkerArgs{"flaky", &journal_, true, &starts, /*fail_restarts=*/true});
  Pid sup = Start({.max_restarts = 3, .period = absl::Seconds(60)}, {flaky});
  testing::Inbox inbox;
  ASSERT_TRUE(rt_.Spawn<Watcher>({}, sup, &inbox).ok());
  rt_.Cast(ChildPid(sup, "flaky"), Crash{});
  std::optional<DownMessage> down = inbox.NextAs<DownMessage>();
  ASSERT_TRUE(down.has_value());
  EXPECT_EQ(down->reason, ExitReason::Shutdown());
  EXPECT_EQ(starts.load(), 1 + 3);  // the start, three tries; a fourth is too many
}

TEST_F(SupervisorTest, RestartsSpreadWiderThanThePeriodStayWithinTheIntensity) {
  Pid sup = Start({.max_restarts = 1, .period = absl::Milliseconds(20)},
                  {Child("w", &journal_)});
  Pid w = ChildPid(sup, "w");
  for (int i = 0; i < 3; ++i) {
    absl::SleepFor(absl::Milliseconds(30));  // let the last restart age out
    rt_.Cast(w, Crash{});
    w = Restarted(sup, "w", w);
  }
  EXPECT_TRUE(rt_.Alive(sup));
}

TEST_F(SupervisorTest, NestedSupervisorsStartDepthFirstAndStopInReverse) {
  std::vector<ChildSpec> inner{Child("b", &journal_), Child("c", &journal_)};
  Pid top = Start({}, {Child("a", &journal_),
                       ChildSpec::Worker<Supervisor>("sub", SupervisorFlags{}, inner),
                       Child("d", &journal_)});
  EXPECT_EQ(journal_.lines(),
            (std::vector<std::string>{"start a", "start b", "start c", "start d"}));
  std::vector<ChildInfo> children = Children(top);
  ASSERT_EQ(children.size(), 3u);
  EXPECT_EQ(children[1].type, ChildType::kSupervisor);
  Pid sub = children[1].pid;
  Pid b = ChildPid(sub, "b");
  EXPECT_EQ(rt_.Info(b)->ancestors, (std::vector<uint64_t>{sub.id(), top.id()}));
  EXPECT_EQ(rt_.Info(sub)->kind, ProcessKind::kSupervisor);

  journal_.Clear();
  rt_.Exit(top, ExitReason::Shutdown());
  ASSERT_TRUE(rt_.WaitExit(top, kPatience));
  EXPECT_EQ(journal_.lines(),
            (std::vector<std::string>{"stop d shutdown", "stop c shutdown",
                                      "stop b shutdown", "stop a shutdown"}));
  EXPECT_FALSE(rt_.Alive(sub));
}

TEST_F(SupervisorTest, ANestedSupervisorThatDiesIsRestartedWithItsChildren) {
  std::vector<ChildSpec> inner{Child("b", &journal_)};
  Pid top = Start({}, {ChildSpec::Worker<Supervisor>("sub", SupervisorFlags{}, inner)});
  Pid sub = ChildPid(top, "sub");
  Pid b = ChildPid(sub, "b");
  rt_.Exit(sub, ExitReason::Kill());
  Pid sub2 = Restarted(top, "sub", sub);
  EXPECT_TRUE(rt_.WaitExit(b, kPatience));  // linked to its supervisor, it goes too
  Pid b2 = ChildPid(sub2, "b");
  EXPECT_TRUE(b2.valid());
  EXPECT_NE(b2, b);
}

TEST_F(SupervisorTest, AChildThatFailsToStartFailsTheSupervisorAndStopsTheOthers) {
  class Refuses : public Process {
   protected:
    absl::Status Init() override { return absl::UnavailableError("no disk"); }
    Co Handle(Envelope::Kind, Message&, From) override { return {}; }
  };
  size_t count = rt_.process_count();
  absl::StatusOr<Pid> sup = rt_.Spawn<Supervisor>(
      {}, SupervisorFlags{},
      std::vector<ChildSpec>{Child("a", &journal_), ChildSpec::Worker<Refuses>("bad")});
  ASSERT_FALSE(sup.ok());
  EXPECT_EQ(sup.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(sup.status().message(), "bad"));
  EXPECT_TRUE(absl::StrContains(sup.status().message(), "no disk"));
  EXPECT_TRUE(Eventually([&] { return rt_.process_count() == count; }));
}

// Traps exits and ignores them: it never stops unless killed.
class Stubborn : public Process {
 public:
  explicit Stubborn(testing::Inbox* inbox) : inbox_(inbox) {}

 protected:
  absl::Status Init() override {
    TrapExit(true);
    return absl::OkStatus();
  }
  Co Handle(Envelope::Kind, Message& m, From) override {
    inbox_->Put(m);
    return {};
  }

 private:
  testing::Inbox* inbox_;
};

TEST_F(SupervisorTest, AChildThatOutlastsItsShutdownTimeIsKilled) {
  testing::Inbox ignored;
  ChildSpec slow = ChildSpec::Worker<Stubborn>("slow", &ignored);
  slow.shutdown = absl::Milliseconds(20);
  ChildSpec brutal = ChildSpec::Worker<Stubborn>("brutal", &ignored);
  brutal.shutdown = absl::ZeroDuration();
  Pid sup = Start({}, {slow, brutal});
  testing::Inbox downs;
  ASSERT_TRUE(rt_.Spawn<Watcher>({}, ChildPid(sup, "slow"), &downs).ok());
  ASSERT_TRUE(rt_.Spawn<Watcher>({}, ChildPid(sup, "brutal"), &downs).ok());
  rt_.Exit(sup, ExitReason::Shutdown());
  ASSERT_TRUE(rt_.WaitExit(sup, kPatience));
  for (int i = 0; i < 2; ++i) {
    std::optional<DownMessage> down = downs.NextAs<DownMessage>();
    ASSERT_TRUE(down.has_value());
    EXPECT_EQ(down->reason, ExitReason::Killed());
  }
  // The slow one was asked first: it saw the shutdown, then was killed.
  std::optional<ExitMessage> asked = ignored.NextAs<ExitMessage>();
  ASSERT_TRUE(asked.has_value());
  EXPECT_EQ(asked->reason, ExitReason::Shutdown());
}

TEST_F(SupervisorTest, ARestartedChildGetsItsRegisteredNameBack) {
  ChildSpec named = Child("db", &journal_);
  named.name = "db";
  Pid sup = Start({}, {named});
  Pid db = rt_.Whereis("db");
  ASSERT_TRUE(db.valid());
  EXPECT_EQ(db, ChildPid(sup, "db"));
  rt_.Cast(db, Crash{});
  Pid db2 = Restarted(sup, "db", db);
  EXPECT_EQ(rt_.Whereis("db"), db2);
}

TEST_F(SupervisorTest, AnExitFromAProcessThatIsNotItsParentIsIgnored) {
  Pid sup = Start({}, {Child("a", &journal_)});
  // A linked stranger's crash reaches the trapping supervisor as a
  // message from neither a child nor its parent.
  class Linker : public Process {
   public:
    explicit Linker(Pid to) : to_(std::move(to)) {}

   protected:
    absl::Status Init() override {
      Link(to_);
      return absl::OkStatus();
    }
    Co Handle(Envelope::Kind, Message&, From) override {
      throw std::runtime_error("stranger failed");
    }

   private:
    Pid to_;
  };
  Pid linker = *rt_.Spawn<Linker>({}, sup);
  rt_.Send(linker, 0);
  ASSERT_TRUE(rt_.WaitExit(linker, kPatience));
  EXPECT_EQ(Children(sup).size(), 1u);  // still answers: it did not exit
  EXPECT_TRUE(rt_.Alive(sup));
}

}  // namespace
}  // namespace overseer
