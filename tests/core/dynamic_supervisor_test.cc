#include "core/dynamic_supervisor.h"

#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/gen_server.h"
#include "core/runtime.h"
#include "gtest/gtest.h"
#include "tests/core/core_test_util.h"

namespace overseer {
namespace {

using testing::Eventually;
using testing::Gate;
using testing::kPatience;
using testing::Settled;

constexpr int64_t kMiB = 1 << 20;
constexpr int64_t kKiB = 1 << 10;

struct Crash {};
struct Quit {};

class Job : public Process {
 public:
  Job() = default;
  explicit Job(size_t size) : size_(size) {}

 protected:
  Co Handle(Envelope::Kind, Message& m, From) override {
    if (m.Is<Crash>()) throw std::runtime_error("job failed");
    if (m.Is<Quit>()) Stop();
    return {};
  }

 private:
  size_t size_ = 0;
};

ChildSpec JobSpec(const std::string& id, Restart restart = Restart::kPermanent) {
  ChildSpec spec = ChildSpec::Worker<Job>(id);
  spec.restart = restart;
  return spec;
}

// A spec whose closure captured `bytes` bytes.
ChildSpec HeavySpec(size_t bytes, Restart restart) {
  std::vector<char> payload(bytes, 'd');
  return ChildSpec::FromClosure(
      "heavy",
      [payload](Runtime& rt, const SpawnOptions& o) {
        return rt.Spawn<Job>(o, payload.size());
      },
      restart);
}

struct Hold {
  Gate* gate;
};
// A dynamic supervisor that can be held on a gate, so that requests queue.
class HeldSupervisor : public DynamicSupervisor {
 protected:
  Co Handle(Envelope::Kind kind, Message& m, From from) override {
    if (const Hold* h = m.As<Hold>()) {
      h->gate->Pass();
      co_return;
    }
    co_await DynamicSupervisor::Handle(kind, m, std::move(from));
  }
};

class DynamicSupervisorTest : public ::testing::Test {
 protected:
  Pid StartSupervisor(DynamicSupervisorFlags flags = {}) {
    absl::StatusOr<Pid> sup = rt_.Spawn<DynamicSupervisor>({}, flags);
    EXPECT_TRUE(sup.ok()) << sup.status();
    return sup.ok() ? *sup : Pid();
  }
  std::vector<ChildInfo> Children(const Pid& sup) {
    absl::StatusOr<ChildrenReply> r = WhichChildrenOf(rt_, sup, kPatience);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->children : std::vector<ChildInfo>{};
  }
  Runtime rt_{RuntimeOptions{.schedulers = 2}};
};

TEST_F(DynamicSupervisorTest, StartChildStartsALinkedChildAndTerminateChildStopsIt) {
  Pid sup = StartSupervisor();
  EXPECT_EQ(rt_.Info(sup)->kind, ProcessKind::kDynamicSupervisor);
  EXPECT_EQ(rt_.Info(sup)->initial_call, "DynamicSupervisor:init");
  EXPECT_TRUE(Children(sup).empty());
  absl::StatusOr<Pid> child = StartChild(rt_, sup, JobSpec("job"), kPatience);
  ASSERT_TRUE(child.ok()) << child.status();
  EXPECT_EQ(rt_.Info(*child)->parent, sup.id());
  EXPECT_EQ(rt_.Info(*child)->links, std::vector<uint64_t>{sup.id()});
  ASSERT_EQ(Children(sup).size(), 1u);
  EXPECT_EQ(Children(sup)[0].pid, *child);

  EXPECT_TRUE(TerminateChild(rt_, sup, *child, kPatience).ok());
  EXPECT_FALSE(rt_.Alive(*child));
  EXPECT_TRUE(Children(sup).empty());
  absl::Status again = TerminateChild(rt_, sup, *child, kPatience);
  EXPECT_EQ(again.code(), absl::StatusCode::kNotFound);
}

TEST_F(DynamicSupervisorTest, MaxChildrenRefusesMoreUntilOneIsGone) {
  Pid sup = StartSupervisor({.max_children = 2});
  Pid a = *StartChild(rt_, sup, JobSpec("a"), kPatience);
  ASSERT_TRUE(StartChild(rt_, sup, JobSpec("b"), kPatience).ok());
  absl::StatusOr<Pid> c = StartChild(rt_, sup, JobSpec("c"), kPatience);
  EXPECT_EQ(c.status().code(), absl::StatusCode::kResourceExhausted);
  ASSERT_TRUE(TerminateChild(rt_, sup, a, kPatience).ok());
  EXPECT_TRUE(StartChild(rt_, sup, JobSpec("c"), kPatience).ok());
  EXPECT_EQ(Children(sup).size(), 2u);
}

TEST_F(DynamicSupervisorTest, APermanentChildIsRestartedAndOthersLeaveTheTable) {
  Pid sup = StartSupervisor();
  Pid permanent = *StartChild(rt_, sup, JobSpec("p"), kPatience);
  Pid transient = *StartChild(rt_, sup, JobSpec("t", Restart::kTransient), kPatience);
  Pid temporary = *StartChild(rt_, sup, JobSpec("x", Restart::kTemporary), kPatience);
  rt_.Send(permanent, Crash{});
  rt_.Send(transient, Quit{});
  rt_.Send(temporary, Crash{});
  ASSERT_TRUE(rt_.WaitExit(transient, kPatience));
  ASSERT_TRUE(rt_.WaitExit(temporary, kPatience));
  ASSERT_TRUE(Eventually([&] {
    std::vector<ChildInfo> children = Children(sup);
    return children.size() == 1 && children[0].pid.valid() &&
           children[0].pid != permanent;
  }));
  EXPECT_EQ(Children(sup)[0].id, "p");
}

TEST_F(DynamicSupervisorTest, PastItsRestartIntensityItExitsWithItsChildren) {
  Pid sup = StartSupervisor({.max_restarts = 1, .period = absl::Seconds(60)});
  Pid bystander = *StartChild(rt_, sup, JobSpec("b"), kPatience);
  Pid p = *StartChild(rt_, sup, JobSpec("p"), kPatience);
  rt_.Send(p, Crash{});
  ASSERT_TRUE(Eventually([&] {
    for (const ChildInfo& c : Children(sup)) {
      if (c.id == "p" && c.pid.valid() && c.pid != p) {
        p = c.pid;
        return true;
      }
    }
    return false;
  }));
  rt_.Send(p, Crash{});
  EXPECT_TRUE(rt_.WaitExit(sup, kPatience));
  EXPECT_FALSE(rt_.Alive(bystander));
}

TEST_F(DynamicSupervisorTest, HeldSpecBytesFollowThePermanentChildInAndOutOfTheTable) {
  Pid sup = StartSupervisor();
  int64_t base = Settled(rt_, sup)->memory.value;
  Pid child = *StartChild(rt_, sup, HeavySpec(kMiB, Restart::kPermanent), kPatience);
  std::optional<ProcessInfo> holding = Settled(rt_, sup);
  EXPECT_GE(holding->held_spec_bytes.value, kMiB);
  EXPECT_LT(holding->held_spec_bytes.value, kMiB + 4 * kKiB);
  EXPECT_GE(holding->memory.value - base, kMiB);
  ASSERT_TRUE(TerminateChild(rt_, sup, child, kPatience).ok());
  std::optional<ProcessInfo> after = Settled(rt_, sup);
  EXPECT_EQ(after->held_spec_bytes.value, 0);
  EXPECT_LT(after->memory.value - base, kKiB);
}

TEST_F(DynamicSupervisorTest, AStartRequestSitsInTheMailboxThenATemporarySpecIsDropped) {
  absl::StatusOr<Pid> sup = rt_.Spawn<HeldSupervisor>({});
  ASSERT_TRUE(sup.ok());
  int64_t base = Settled(rt_, *sup)->memory.value;
  rt_.Info(*sup, /*take_peaks=*/true);
  Gate gate;
  rt_.Cast(*sup, Hold{&gate});
  gate.entered.WaitForNotification();
  absl::StatusOr<Pid> child;
  std::thread starter([&] {
    child = StartChild(rt_, *sup, HeavySpec(kMiB, Restart::kTemporary), kPatience);
  });
  ASSERT_TRUE(Eventually([&] { return rt_.Info(*sup)->mailbox_len.value == 1; }));
  std::optional<ProcessInfo> waiting = rt_.Info(*sup);
  EXPECT_GE(waiting->mailbox_bytes.value, kMiB);
  EXPECT_LT(waiting->mailbox_bytes.value, kMiB + 4 * kKiB);
  EXPECT_GE(waiting->memory.value - base, kMiB);
  gate.opened.Notify();
  starter.join();
  ASSERT_TRUE(child.ok()) << child.status();
  std::optional<ProcessInfo> after = Settled(rt_, *sup);
  EXPECT_EQ(after->mailbox_bytes.value, 0);
  EXPECT_EQ(after->held_spec_bytes.value, 0);
  EXPECT_LT(after->memory.value - base, kKiB);
  EXPECT_GE(after->mailbox_bytes.peak, kMiB);
}

struct StartOne {
  Pid sup;
};
// Starts a child of a dynamic supervisor from inside a process.
class Starter : public GenServer<int> {
 protected:
  Co HandleCall(int&, Message& m, From from) override {
    const StartOne* s = m.As<StartOne>();
    absl::StatusOr<Pid> child =
        co_await StartChild(*this, s->sup, JobSpec("inner"), kPatience);
    Reply(from, child);
  }
};

TEST_F(DynamicSupervisorTest, AProcessCanStartAChildWithoutBlockingItsThread) {
  Runtime rt(RuntimeOptions{.schedulers = 1});
  Pid sup = *rt.Spawn<DynamicSupervisor>({}, DynamicSupervisorFlags{});
  Pid starter = *rt.Spawn<Starter>({});
  absl::StatusOr<absl::StatusOr<Pid>> child =
      rt.CallAs<absl::StatusOr<Pid>>(starter, StartOne{sup}, kPatience);
  ASSERT_TRUE(child.ok()) << child.status();
  ASSERT_TRUE(child->ok()) << child->status();
  EXPECT_EQ(rt.Info(**child)->parent, sup.id());
}

}  // namespace
}  // namespace overseer
