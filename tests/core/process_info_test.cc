#include "core/process_info.h"

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "core/gen_server.h"
#include "core/runtime.h"
#include "core/supervisor.h"
#include "gtest/gtest.h"
#include "tests/core/core_test_util.h"

namespace overseer {
namespace {

using testing::Eventually;
using testing::Gate;
using testing::kPatience;
using testing::Settled;

struct SpawnOne {
  std::string name;
};
struct Hold {
  Gate* gate;
};
struct CallAndWait {
  Pid to;
};
struct Never {};
struct WhoAmI {};

// Spawns children on demand; can be held on a gate or left waiting in a
// call that is never answered.
class Node : public GenServer<int> {
 protected:
  Co HandleCall(int&, Message& m, From from) override {
    if (const SpawnOne* s = m.As<SpawnOne>()) {
      Reply(from, *runtime().Spawn<Node>({.name = s->name}));
    } else if (m.Is<WhoAmI>()) {
      Reply(from, *runtime().Info(self()));
    } else if (m.Is<Never>()) {
      // never answered
    } else if (const CallAndWait* c = m.As<CallAndWait>()) {
      Reply(from, true);
      (void)co_await Call(c->to, Never{}, absl::InfiniteDuration());
    }
  }
  Co HandleCast(int&, Message& m) override {
    if (const Hold* h = m.As<Hold>()) h->gate->Pass();
    return {};
  }
};

TEST(ProcessInfoTest, ParentAndAncestorsFollowTheSpawnChain) {
  Runtime rt(RuntimeOptions{.schedulers = 2});
  Pid root = *rt.Spawn<Node>({});
  Pid child = rt.CallAs<Pid>(root, SpawnOne{"child"}, kPatience).value();
  Pid grandchild = rt.CallAs<Pid>(child, SpawnOne{}, kPatience).value();
  EXPECT_EQ(rt.Info(root)->parent, 0u);
  EXPECT_TRUE(rt.Info(root)->ancestors.empty());
  EXPECT_EQ(rt.Info(child)->parent, root.id());
  std::optional<ProcessInfo> g = rt.Info(grandchild);
  EXPECT_EQ(g->parent, child.id());
  EXPECT_EQ(g->ancestors, (std::vector<uint64_t>{child.id(), root.id()}));
  EXPECT_EQ(rt.Info(child)->name, "child");
}

TEST(ProcessInfoTest, AParentGivenAtSpawnIsUsedInsteadOfTheSpawner) {
  Runtime rt(RuntimeOptions{.schedulers = 1});
  Pid adoptive = *rt.Spawn<Node>({});
  Pid pid = *rt.Spawn<Node>({.parent = adoptive});
  EXPECT_EQ(rt.Info(pid)->parent, adoptive.id());
  EXPECT_EQ(rt.Info(pid)->ancestors, std::vector<uint64_t>{adoptive.id()});
}

TEST(ProcessInfoTest, TheInitialCallAndKindNameWhatStartedTheProcess) {
  Runtime rt(RuntimeOptions{.schedulers = 1});
  Pid node = *rt.Spawn<Node>({});
  EXPECT_EQ(rt.Info(node)->initial_call, "Node:init");
  EXPECT_EQ(rt.Info(node)->kind, ProcessKind::kWorker);
  Pid sup = *rt.Spawn<Supervisor>({}, SupervisorFlags{}, std::vector<ChildSpec>{});
  EXPECT_EQ(rt.Info(sup)->initial_call, "supervisor:init");
  EXPECT_EQ(rt.Info(sup)->kind, ProcessKind::kSupervisor);
  EXPECT_TRUE(rt.Info(sup)->trap_exit);
  EXPECT_FALSE(rt.Info(node)->trap_exit);
}

TEST(ProcessInfoTest, StatusIsRunningInAHandlerAndWaitingWhenIdle) {
  Gate gate;
  Runtime rt(RuntimeOptions{.schedulers = 2});
  Pid pid = *rt.Spawn<Node>({});
  EXPECT_EQ(Settled(rt, pid)->status, ProcessStatus::kWaiting);
  EXPECT_EQ(rt.Info(pid)->current_function, "waiting");
  ProcessInfo inside = rt.CallAs<ProcessInfo>(pid, WhoAmI{}, kPatience).value();
  EXPECT_EQ(inside.status, ProcessStatus::kRunning);
  EXPECT_EQ(inside.current_function, "handle_call(WhoAmI)");
  rt.Cast(pid, Hold{&gate});
  gate.entered.WaitForNotification();
  EXPECT_EQ(rt.Info(pid)->status, ProcessStatus::kRunning);
  EXPECT_EQ(rt.Info(pid)->current_function, "handle_cast(Hold)");
  gate.opened.Notify();
  EXPECT_EQ(Settled(rt, pid)->current_function, "waiting");
}

TEST(ProcessInfoTest, AProcessWaitingInACallIsSuspendedInItsHandler) {
  Runtime rt(RuntimeOptions{.schedulers = 2});
  Pid callee = *rt.Spawn<Node>({});
  Pid caller = *rt.Spawn<Node>({});
  ASSERT_TRUE(rt.CallAs<bool>(caller, CallAndWait{callee}, kPatience).ok());
  ASSERT_TRUE(Eventually([&] {
    return rt.Info(caller)->status == ProcessStatus::kSuspended;
  }));
  EXPECT_EQ(rt.Info(caller)->current_function, "handle_call(CallAndWait)");
  rt.Send(caller, 1);  // it wakes, finds no reply, and waits on
  EXPECT_TRUE(Eventually([&] {
    std::optional<ProcessInfo> i = rt.Info(caller);
    return i->messages_in == 1 && i->mailbox_len.value == 1 &&
           i->status == ProcessStatus::kSuspended;
  }));
}

TEST(ProcessInfoTest, AProcessQueuedBehindABusyOneIsRunnable) {
  Gate gate;
  Runtime rt(RuntimeOptions{.schedulers = 1});
  Pid busy = *rt.Spawn<Node>({});
  Pid queued = *rt.Spawn<Node>({});
  rt.Cast(busy, Hold{&gate});
  gate.entered.WaitForNotification();  // the only scheduler thread is held
  rt.Send(queued, 1);
  EXPECT_EQ(rt.Info(queued)->status, ProcessStatus::kRunnable);
  gate.opened.Notify();
  EXPECT_EQ(Settled(rt, queued)->status, ProcessStatus::kWaiting);
}

TEST(ProcessInfoTest, TakingPeaksReturnsThemAndRestartsThemFromNow) {
  Gate gate;
  Runtime rt(RuntimeOptions{.schedulers = 2});
  Pid pid = *rt.Spawn<Node>({});
  rt.Cast(pid, Hold{&gate});
  gate.entered.WaitForNotification();
  rt.Send(pid, std::string(100000, 'p'));
  rt.Send(pid, 2);
  gate.opened.Notify();
  std::optional<ProcessInfo> settled = Settled(rt, pid);
  EXPECT_EQ(settled->mailbox_len.value, 0);
  EXPECT_GE(settled->mailbox_len.peak, 2);
  ProcessInfo taken = *rt.Info(pid, /*take_peaks=*/true);
  EXPECT_GE(taken.mailbox_len.peak, 2);
  EXPECT_GE(taken.mailbox_bytes.peak, 100000);
  EXPECT_GE(taken.memory.peak - taken.memory.value, 100000);
  ProcessInfo again = *rt.Info(pid, /*take_peaks=*/true);
  EXPECT_EQ(again.mailbox_len.peak, 0);
  EXPECT_EQ(again.mailbox_bytes.peak, 0);
  EXPECT_EQ(again.memory.peak, again.memory.value);
}

TEST(ProcessInfoTest, MemoryIncludesTheControlBlock) {
  Runtime rt(RuntimeOptions{.schedulers = 1});
  Pid pid = *rt.Spawn<Node>({});
  EXPECT_GT(Settled(rt, pid)->memory.value, Runtime::ProcessOverheadBytes());
  EXPECT_LT(Runtime::ProcessOverheadBytes(), 1024);
}

}  // namespace
}  // namespace overseer
