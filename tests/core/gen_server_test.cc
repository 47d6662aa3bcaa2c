#include "core/gen_server.h"

#include <stdexcept>
#include <thread>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "core/runtime.h"
#include "gtest/gtest.h"
#include "tests/core/core_test_util.h"

namespace overseer {
namespace {

using testing::Inbox;
using testing::Journal;
using testing::kPatience;

struct Config {
  int start = 0;
  bool fail_init = false;
  bool throw_in_init = false;
  Journal* journal = nullptr;
};
struct Stack {
  Config config;
  std::vector<int> items;
  std::vector<From> waiting_pops;  // calls answered when an item comes
};

struct Push {
  int value;
};
struct Pop {};
struct Size {};
struct Crash {};
struct Quit {
  std::string reason;
};
struct Unknown {};

// A stack server: pops wait (reply later) while the stack is empty.
class StackServer : public GenServer<Stack> {
 public:
  explicit StackServer(Config c) : GenServer(Stack{c, {}, {}}) {}

 protected:
  absl::Status Init(Stack& s) override {
    if (s.config.throw_in_init) throw std::runtime_error("init threw");
    if (s.config.fail_init) return absl::FailedPreconditionError("no config");
    s.items.push_back(s.config.start);
    return absl::OkStatus();
  }
  Co HandleCall(Stack& s, Message& m, From from) override {
    if (m.Is<Pop>()) {
      if (s.items.empty()) {
        s.waiting_pops.push_back(std::move(from));
      } else {
        Reply(from, s.items.back());
        s.items.pop_back();
      }
    } else if (m.Is<Size>()) {
      Reply(from, static_cast<int>(s.items.size()));
    } else {
      return GenServer::HandleCall(s, m, std::move(from));
    }
    return {};
  }
  Co HandleCast(Stack& s, Message& m) override {
    if (const Push* p = m.As<Push>()) {
      if (!s.waiting_pops.empty()) {
        Reply(s.waiting_pops.front(), p->value);
        s.waiting_pops.erase(s.waiting_pops.begin());
      } else {
        s.items.push_back(p->value);
      }
    }
    if (m.Is<Crash>()) throw std::logic_error("bad cast");
    if (const Quit* q = m.As<Quit>()) Stop(ExitReason(q->reason));
    return {};
  }
  Co HandleInfo(Stack& s, Message& m) override {
    if (const int* n = m.As<int>()) s.items.push_back(*n);
    return {};
  }
  void Terminate(Stack& s, const ExitReason& reason) override {
    if (s.config.journal) {
      s.config.journal->Add("terminate " + reason.text() + " with " +
                            std::to_string(s.items.size()));
    }
  }
};

TEST(GenServerTest, InitPreparesTheStateBeforeSpawnReturns) {
  Runtime rt(RuntimeOptions{.schedulers = 2});
  Pid pid = *rt.Spawn<StackServer>({}, Config{.start = 7});
  EXPECT_EQ(rt.CallAs<int>(pid, Size{}, kPatience).value(), 1);
  EXPECT_EQ(rt.CallAs<int>(pid, Pop{}, kPatience).value(), 7);
}

TEST(GenServerTest, AnInitErrorFailsTheSpawnAndLeavesNoProcess) {
  Runtime rt(RuntimeOptions{.schedulers = 1});
  size_t count = rt.process_count();
  absl::StatusOr<Pid> pid =
      rt.Spawn<StackServer>({.name = "stack"}, Config{.fail_init = true});
  EXPECT_EQ(pid.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(pid.status().message(), "no config"));
  EXPECT_EQ(rt.process_count(), count);
  EXPECT_FALSE(rt.Whereis("stack").valid());
}

TEST(GenServerTest, AnExceptionInInitFailsTheSpawnWithItsMessage) {
  Runtime rt(RuntimeOptions{.schedulers = 1});
  absl::StatusOr<Pid> pid = rt.Spawn<StackServer>({}, Config{.throw_in_init = true});
  EXPECT_EQ(pid.status().code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(absl::StrContains(pid.status().message(), "init threw"));
}

TEST(GenServerTest, CastsAndInfoMessagesReachTheirOwnHandlers) {
  Runtime rt(RuntimeOptions{.schedulers = 2});
  Pid pid = *rt.Spawn<StackServer>({}, Config{});
  rt.Cast(pid, Push{1});
  rt.Send(pid, 2);     // info: HandleInfo pushes ints
  rt.Cast(pid, 99);    // a cast of an int: HandleCast ignores it
  rt.Send(pid, Push{3});  // an info Push: HandleInfo ignores it
  EXPECT_EQ(rt.CallAs<int>(pid, Size{}, kPatience).value(), 3);
  EXPECT_EQ(rt.CallAs<int>(pid, Pop{}, kPatience).value(), 2);
  EXPECT_EQ(rt.CallAs<int>(pid, Pop{}, kPatience).value(), 1);
}

TEST(GenServerTest, ACallCanBeAnsweredLaterFromAnotherHandler) {
  Runtime rt(RuntimeOptions{.schedulers = 2});
  Pid pid = *rt.Spawn<StackServer>({}, Config{.start = 0});
  ASSERT_EQ(rt.CallAs<int>(pid, Pop{}, kPatience).value(), 0);
  // The stack is empty: this pop waits for the next push.
  absl::StatusOr<int> late;
  std::thread popper([&] { late = rt.CallAs<int>(pid, Pop{}, kPatience); });
  ASSERT_TRUE(testing::Eventually([&] {
    std::optional<ProcessInfo> i = rt.Info(pid);
    return i && i->messages_in >= 2 && i->status == ProcessStatus::kWaiting;
  }));
  rt.Cast(pid, Push{42});
  popper.join();
  ASSERT_TRUE(late.ok()) << late.status();
  EXPECT_EQ(*late, 42);
}

TEST(GenServerTest, ACallItDoesNotKnowGetsAnUnknownCallReplyNamingTheRequest) {
  Runtime rt(RuntimeOptions{.schedulers = 1});
  Pid pid = *rt.Spawn<StackServer>({}, Config{});
  absl::StatusOr<UnknownCall> r = rt.CallAs<UnknownCall>(pid, Unknown{}, kPatience);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->type, "Unknown");
}

TEST(GenServerTest, TerminateRunsWithTheStateWhenTheServerStopsItself) {
  Journal journal;
  Runtime rt(RuntimeOptions{.schedulers = 1});
  Pid pid = *rt.Spawn<StackServer>({}, Config{.journal = &journal});
  rt.Cast(pid, Push{1});
  rt.Cast(pid, Quit{"done"});
  ASSERT_TRUE(rt.WaitExit(pid, kPatience));
  EXPECT_EQ(journal.lines(), std::vector<std::string>{"terminate done with 2"});
}

TEST(GenServerTest, TerminateRunsWithTheCrashReasonWhenAHandlerThrows) {
  Journal journal;
  Runtime rt(RuntimeOptions{.schedulers = 1});
  Pid pid = *rt.Spawn<StackServer>({}, Config{.journal = &journal});
  rt.Cast(pid, Crash{});
  ASSERT_TRUE(rt.WaitExit(pid, kPatience));
  ASSERT_EQ(journal.lines().size(), 1u);
  EXPECT_TRUE(absl::StartsWith(journal.lines()[0], "terminate exception: "));
  EXPECT_TRUE(absl::StrContains(journal.lines()[0], "bad cast"));
}

TEST(GenServerTest, AnExitSignalItDoesNotTrapEndsItWithoutTerminate) {
  Journal journal;
  Runtime rt(RuntimeOptions{.schedulers = 1});
  Pid pid = *rt.Spawn<StackServer>({}, Config{.journal = &journal});
  rt.Exit(pid, ExitReason::Shutdown());
  ASSERT_TRUE(rt.WaitExit(pid, kPatience));
  EXPECT_TRUE(journal.lines().empty());  // as gen_server: not trapping
}

struct SpawnChild {
  Journal* journal;
};
struct StopWith {
  std::string reason;
};
// Spawns a trapping StackServer child and then stops on demand.
class Parent : public GenServer<Pid> {
 protected:
  Co HandleCall(Pid& child, Message& m, From from) override {
    if (const SpawnChild* s = m.As<SpawnChild>()) {
      child = *SpawnLink<StackServer>({.trap_exit = true},
                                      Config{.journal = s->journal});
      Reply(from, child);
    }
    return {};
  }
  Co HandleCast(Pid&, Message& m) override {
    if (const StopWith* s = m.As<StopWith>()) Stop(ExitReason(s->reason));
    return {};
  }
};

TEST(GenServerTest, ATrappingServerStopsWithTerminateWhenItsParentExits) {
  Journal journal;
  Runtime rt(RuntimeOptions{.schedulers = 2});
  Pid parent = *rt.Spawn<Parent>({});
  Pid child = rt.CallAs<Pid>(parent, SpawnChild{&journal}, kPatience).value();
  EXPECT_TRUE(rt.Info(child)->trap_exit);
  rt.Cast(parent, StopWith{"shutdown"});
  ASSERT_TRUE(rt.WaitExit(child, kPatience));
  EXPECT_EQ(journal.lines(), std::vector<std::string>{"terminate shutdown with 1"});
}

struct Relay {
  Pid to;
};
// Answers a call by calling another server (co_await) and passing it on.
class Middle : public GenServer<int> {
 protected:
  Co HandleCall(int& calls, Message& m, From from) override {
    const Relay* r = m.As<Relay>();
    ++calls;
    absl::StatusOr<Message> got = co_await Call(r->to, Pop{}, kPatience);
    if (got.ok() && got->Is<int>()) Reply(from, *got->As<int>() * 10);
  }
};

TEST(GenServerTest, AHandlerCanAwaitACallAndReplyWithWhatItGot) {
  Runtime rt(RuntimeOptions{.schedulers = 1});
  Pid stack = *rt.Spawn<StackServer>({}, Config{.start = 4});
  Pid middle = *rt.Spawn<Middle>({});
  EXPECT_EQ(rt.CallAs<int>(middle, Relay{stack}, kPatience).value(), 40);
}

}  // namespace
}  // namespace overseer
