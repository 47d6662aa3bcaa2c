#include "core/task.h"

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
using testing::Gate;
using testing::Inbox;
using testing::kPatience;
using testing::Settled;

constexpr int64_t kMiB = 1 << 20;
constexpr int64_t kKiB = 1 << 10;

int Triple(Process&, int n) { return 3 * n; }

size_t PassAndMeasure(Process&, Gate* gate, size_t n) {
  gate->Pass();
  return n;
}

// What the owner is asked to start. Each start puts the TaskHandle (or the
// error) into the inbox; every info message the owner gets goes there too.
struct ClosureTask {
  Pid sup;
  int n;
};
struct FunctionTask {
  Pid sup;
  int n;
};
struct FailingTask {
  Pid sup;
};
struct BigClosureTask {
  Pid sup;
  Gate* gate;
};
struct SmallFunctionTask {
  Pid sup;
  Gate* gate;
};
struct AwaitTask {
  Pid sup;
  Gate* gate;  // null: the task does not wait
  absl::Duration timeout;
};
struct AwaitedValue {
  absl::StatusOr<int> value;
};
struct OwnerState {
  std::vector<char> big = std::vector<char>(kMiB, 'B');  // a whole state
};

class Owner : public GenServer<OwnerState> {
 public:
  explicit Owner(Inbox* inbox) : inbox_(inbox) {}

 protected:
  Co HandleCast(OwnerState& s, Message& m) override {
    absl::StatusOr<TaskHandle> t = absl::UnknownError("no task");
    if (const auto* c = m.As<ClosureTask>()) {
      int n = c->n;
      t = co_await AsyncNolink(*this, c->sup, [n](Process&) { return 2 * n; });
    } else if (const auto* f = m.As<FunctionTask>()) {
      t = co_await AsyncNolink(*this, f->sup, &Triple, f->n);
    } else if (const auto* x = m.As<FailingTask>()) {
      t = co_await AsyncNolink(*this, x->sup, [](Process&) -> int {
        throw std::runtime_error("task failed");
      });
    } else if (const auto* b = m.As<BigClosureTask>()) {
      // The closure captures the whole state, as the leak's did. It is named
      // before the co_await (see co.h: GCC 12 would destroy it twice).
      Gate* gate = b->gate;
      auto start = [state = s.big, gate](Process&) {
        gate->Pass();
        return state.size();
      };
      t = co_await AsyncNolink(*this, b->sup, std::move(start));
    } else if (const auto* sf = m.As<SmallFunctionTask>()) {
      t = co_await AsyncNolink(*this, sf->sup, &PassAndMeasure, sf->gate,
                               s.big.size());
    } else if (const auto* a = m.As<AwaitTask>()) {
      Gate* gate = a->gate;
      absl::StatusOr<TaskHandle> task = co_await AsyncTask(*this, a->sup, [gate](Process&) {
        if (gate != nullptr) gate->Pass();
        return 5;
      });
      AwaitedValue out{absl::UnknownError("not awaited")};
      if (!task.ok()) out.value = task.status();
      if (task.ok()) {
        absl::StatusOr<Message> r = co_await Await(*this, *task, a->timeout);
        out.value = r.ok() ? absl::StatusOr<int>(*r->As<int>()) : r.status();
      }
      inbox_->Put(Message::Of(out));
      co_return;
    }
    inbox_->Put(Message::Of(t));
  }
  Co HandleInfo(OwnerState&, Message& m) override {
    inbox_->Put(m);
    return {};
  }

 private:
  Inbox* inbox_;
};

struct Hold {
  Gate* gate;
};
// A task supervisor that can be held on a gate, so that requests queue.
class HeldTaskSupervisor : public TaskSupervisor {
 protected:
  Co Handle(Envelope::Kind kind, Message& m, From from) override {
    if (const Hold* h = m.As<Hold>()) {
      h->gate->Pass();
      co_return;
    }
    co_await TaskSupervisor::Handle(kind, m, std::move(from));
  }
};

class TaskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sup_ = *rt_.Spawn<HeldTaskSupervisor>({});
    owner_ = *rt_.Spawn<Owner>({}, &inbox_);
  }
  TaskHandle NextHandle() {
    std::optional<absl::StatusOr<TaskHandle>> t =
        inbox_.NextAs<absl::StatusOr<TaskHandle>>();
    EXPECT_TRUE(t.has_value());
    if (!t.has_value()) return {};
    EXPECT_TRUE(t->ok()) << t->status();
    return t->ok() ? **t : TaskHandle{};
  }
  Inbox inbox_;  // outlives the runtime, whose processes write to it
  Runtime rt_{RuntimeOptions{.schedulers = 2}};
  Pid sup_;
  Pid owner_;
};

TEST_F(TaskTest, AClosureTaskSendsItsResultTaggedWithTheRefThenItsDown) {
  EXPECT_EQ(rt_.Info(sup_)->kind, ProcessKind::kTaskSupervisor);
  EXPECT_EQ(rt_.Info(sup_)->initial_call, "Task.Supervisor:init");
  rt_.Cast(owner_, ClosureTask{sup_, 21});
  TaskHandle task = NextHandle();
  std::optional<TaskResult> result = inbox_.NextAs<TaskResult>();
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->ref, task.ref);
  ASSERT_TRUE(result->value.Is<int>());
  EXPECT_EQ(*result->value.As<int>(), 42);
  std::optional<DownMessage> down = inbox_.NextAs<DownMessage>();
  ASSERT_TRUE(down.has_value());
  EXPECT_EQ(down->ref, task.ref);
  EXPECT_EQ(down->pid, task.pid);
  EXPECT_TRUE(down->reason.normal());
}

TEST_F(TaskTest, AFunctionTaskWithArgumentsDoesTheSame) {
  rt_.Cast(owner_, FunctionTask{sup_, 5});
  TaskHandle task = NextHandle();
  std::optional<TaskResult> result = inbox_.NextAs<TaskResult>();
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->ref, task.ref);
  EXPECT_EQ(*result->value.As<int>(), 15);
  std::optional<DownMessage> down = inbox_.NextAs<DownMessage>();
  ASSERT_TRUE(down.has_value());
  EXPECT_EQ(down->ref, task.ref);
}

TEST_F(TaskTest, ATaskIsATemporaryChildOfItsSupervisor) {
  Gate gate;
  rt_.Cast(owner_, SmallFunctionTask{sup_, &gate});
  TaskHandle task = NextHandle();
  gate.entered.WaitForNotification();
  std::optional<ProcessInfo> info = rt_.Info(task.pid);
  EXPECT_EQ(info->kind, ProcessKind::kTask);
  EXPECT_EQ(info->parent, sup_.id());
  EXPECT_EQ(info->initial_call, "Task.Supervised:invoke (function)");
  EXPECT_EQ(info->current_function, "Task.Supervised:invoke");
  EXPECT_EQ(info->links, std::vector<uint64_t>{sup_.id()});
  absl::StatusOr<ChildrenReply> children = WhichChildrenOf(rt_, sup_, kPatience);
  ASSERT_EQ(children->children.size(), 1u);
  EXPECT_EQ(children->children[0].restart, Restart::kTemporary);
  gate.opened.Notify();
  ASSERT_TRUE(rt_.WaitExit(task.pid, kPatience));
  EXPECT_TRUE(Eventually([&] {
    return WhichChildrenOf(rt_, sup_, kPatience)->children.empty();
  }));
}

TEST_F(TaskTest, ATaskThatThrowsSendsNoResultAndADownWithTheException) {
  rt_.Cast(owner_, FailingTask{sup_});
  TaskHandle task = NextHandle();
  std::optional<Message> next = inbox_.Next();
  ASSERT_TRUE(next.has_value());
  ASSERT_TRUE(next->Is<DownMessage>()) << next->type_name();
  const DownMessage* down = next->As<DownMessage>();
  EXPECT_EQ(down->ref, task.ref);
  EXPECT_TRUE(absl::StrContains(down->reason.text(), "task failed"));
  EXPECT_TRUE(rt_.Alive(sup_));
  EXPECT_TRUE(rt_.Alive(owner_));
}

TEST_F(TaskTest, AwaitGivesTheValueOfALinkedTaskAndLeavesNoDownBehind) {
  for (int i = 0; i < 50; ++i) {
    rt_.Cast(owner_, AwaitTask{sup_, nullptr, kPatience});
    std::optional<Message> next = inbox_.Next();
    ASSERT_TRUE(next.has_value());
    ASSERT_TRUE(next->Is<AwaitedValue>()) << "a stray " << next->type_name();
    const AwaitedValue* got = next->As<AwaitedValue>();
    ASSERT_TRUE(got->value.ok()) << got->value.status();
    EXPECT_EQ(*got->value, 5);
  }
  rt_.Send(owner_, std::string("marker"));
  std::optional<Message> next = inbox_.Next();
  ASSERT_TRUE(next.has_value());
  EXPECT_TRUE(next->Is<std::string>()) << "a stray " << next->type_name();
}

TEST_F(TaskTest, AwaitGivesUpAfterItsTimeoutWithDeadlineExceeded) {
  Gate gate;
  rt_.Cast(owner_, AwaitTask{sup_, &gate, absl::Milliseconds(10)});
  std::optional<AwaitedValue> got = inbox_.NextAs<AwaitedValue>();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->value.status().code(), absl::StatusCode::kDeadlineExceeded);
  gate.opened.Notify();
  // The task then finishes normally, and its link does not hurt the owner.
  EXPECT_TRUE(inbox_.NextAs<TaskResult>().has_value());
  EXPECT_TRUE(rt_.Alive(owner_));
}

TEST_F(TaskTest, AStartRequestLeftWhenTheTaskSupervisorEndsFailsAtOnce) {
  Gate held;
  rt_.Cast(sup_, Hold{&held});
  held.entered.WaitForNotification();
  rt_.Cast(owner_, ClosureTask{sup_, 1});
  ASSERT_TRUE(Eventually([&] { return rt_.Info(sup_)->mailbox_len.value == 1; }));
  rt_.Exit(sup_, ExitReason::Kill());
  held.opened.Notify();
  std::optional<absl::StatusOr<TaskHandle>> t =
      inbox_.NextAs<absl::StatusOr<TaskHandle>>();
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(rt_.Alive(owner_));
}

// --- Where a task's start sits, byte by byte ------------------------------

TEST_F(TaskTest, AClosureCapturingAMebibyteShowsWhereverItIsThenNowhere) {
  int64_t sup_base = Settled(rt_, sup_)->memory.value;
  int64_t owner_base = Settled(rt_, owner_)->memory.value;
  rt_.Info(sup_, /*take_peaks=*/true);
  Gate held, running;
  rt_.Cast(sup_, Hold{&held});
  held.entered.WaitForNotification();
  rt_.Cast(owner_, BigClosureTask{sup_, &running});

  // The start request, closure and all, waits in the supervisor's mailbox.
  ASSERT_TRUE(Eventually([&] { return rt_.Info(sup_)->mailbox_len.value == 1; }));
  std::optional<ProcessInfo> waiting = rt_.Info(sup_);
  EXPECT_GE(waiting->mailbox_bytes.value, kMiB);
  EXPECT_LT(waiting->mailbox_bytes.value, kMiB + 4 * kKiB);
  EXPECT_GE(waiting->memory.value - sup_base, kMiB);
  held.opened.Notify();

  // The task holds its own copy while it runs; the supervisor holds none.
  TaskHandle task = NextHandle();
  running.entered.WaitForNotification();
  EXPECT_GE(rt_.Info(task.pid)->memory.value, kMiB);
  std::optional<ProcessInfo> sup = Settled(rt_, sup_);
  EXPECT_EQ(sup->mailbox_bytes.value, 0);
  EXPECT_EQ(sup->held_spec_bytes.value, 0);
  EXPECT_LT(sup->memory.value - sup_base, kKiB);
  EXPECT_GE(sup->mailbox_bytes.peak, kMiB);

  running.opened.Notify();
  std::optional<TaskResult> result = inbox_.NextAs<TaskResult>();
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(*result->value.As<size_t>(), static_cast<size_t>(kMiB));
  ASSERT_TRUE(inbox_.NextAs<DownMessage>().has_value());
  // Only its child table's capacity is left on the supervisor.
  EXPECT_LT(Settled(rt_, sup_)->memory.value - sup_base, kKiB);
  EXPECT_EQ(Settled(rt_, owner_)->memory.value, owner_base);
}

TEST_F(TaskTest, TheSameWorkAsAFunctionWithSmallArgumentsShowsUnderAKibibyte) {
  int64_t sup_base = Settled(rt_, sup_)->memory.value;
  rt_.Info(sup_, /*take_peaks=*/true);
  Gate held, running;
  rt_.Cast(sup_, Hold{&held});
  held.entered.WaitForNotification();
  rt_.Cast(owner_, SmallFunctionTask{sup_, &running});
  ASSERT_TRUE(Eventually([&] { return rt_.Info(sup_)->mailbox_len.value == 1; }));
  std::optional<ProcessInfo> waiting = rt_.Info(sup_);
  EXPECT_LT(waiting->mailbox_bytes.value, kKiB);
  EXPECT_LT(waiting->memory.value - sup_base, kKiB);
  held.opened.Notify();

  TaskHandle task = NextHandle();
  running.entered.WaitForNotification();
  EXPECT_LT(rt_.Info(task.pid)->memory.value - Runtime::ProcessOverheadBytes(), kKiB);
  std::optional<ProcessInfo> sup = Settled(rt_, sup_);
  EXPECT_LT(sup->mailbox_bytes.peak, kKiB);
  EXPECT_LT(sup->memory.peak - sup_base, kKiB);
  running.opened.Notify();
  std::optional<TaskResult> result = inbox_.NextAs<TaskResult>();
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(*result->value.As<size_t>(), static_cast<size_t>(kMiB));
}

}  // namespace
}  // namespace overseer
