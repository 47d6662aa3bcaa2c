#include "core/zone.h"

#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "core/clock.h"
#include "core/gen_server.h"
#include "core/runtime.h"
#include "gtest/gtest.h"
#include "tests/core/core_test_util.h"

#if defined(__SANITIZE_ADDRESS__)
// A zone can live in a coroutine frame, which outlives the stack frames
// around it: have ASan catch any write into a frame that has returned.
extern "C" const char* __asan_default_options() {
  return "detect_stack_use_after_return=1";
}
#endif

namespace overseer {
namespace {

using testing::kPatience;
using testing::Settled;

struct Parse {};
struct Forward {
  Pid to;
};
struct Ask {
  Pid to;
};
struct Question {};
// Answered only once `gate` opens, so the test decides how long it takes.
struct SlowQuestion {
  absl::Notification* gate = nullptr;
};

// Parses in zones, forwards, and asks (a zone around an awaited call).
class Worker : public GenServer<int> {
 protected:
  Co HandleCast(int&, Message& m) override {
    if (m.Is<Parse>()) {
      OVERSEER_ZONE("parse");
      {
        OVERSEER_ZONE("parse/inner");
      }
    } else if (const Forward* f = m.As<Forward>()) {
      Send(f->to, std::string(1000, 'f'));
    } else if (const Ask* a = m.As<Ask>()) {
      OVERSEER_ZONE("around a call");
      Question q;
      (void)co_await Call(a->to, q, kPatience);
      OVERSEER_ZONE("after the call");
    }
  }
  Co HandleCall(int&, Message& m, From from) override {
    if (const SlowQuestion* q = m.As<SlowQuestion>()) {
      OVERSEER_ZONE("slow answer");
      q->gate->WaitForNotification();
    }
    Reply(from, 1);
    return {};
  }
};

struct AskSlowly {
  Pid to;
  absl::Notification* gate = nullptr;
};

// Waits on a slow callee inside a zone.
class Waiter : public GenServer<int> {
 protected:
  Co HandleCast(int&, Message& m) override {
    if (const AskSlowly* a = m.As<AskSlowly>()) {
      OVERSEER_ZONE("waiting on a slow call");
      (void)co_await Call(a->to, SlowQuestion{a->gate}, kPatience);
    }
  }
};

const ProcessInfo::Zone* FindZone(const ProcessInfo& info, const std::string& name) {
  for (const ProcessInfo::Zone& z : info.zones) {
    if (name == z.name) return &z;
  }
  return nullptr;
}

class ZoneTest : public ::testing::Test {
 protected:
  void SetUp() override { rt_.SetProfiling(true); }
  void TearDown() override { rt_.SetProfiling(false); }
  Runtime rt_{RuntimeOptions{.schedulers = 2}};
};

TEST_F(ZoneTest, WithProfilingOnAHandlersZonesAreCountedOnItsProcess) {
  ASSERT_TRUE(rt_.profiling());
  Pid pid = *rt_.Spawn<Worker>({});
  for (int i = 0; i < 3; ++i) rt_.Cast(pid, Parse{});
  std::optional<ProcessInfo> info = Settled(rt_, pid);
  const ProcessInfo::Zone* parse = FindZone(*info, "parse");
  const ProcessInfo::Zone* inner = FindZone(*info, "parse/inner");
  const ProcessInfo::Zone* handler = FindZone(*info, "handle_cast(Parse)");
  ASSERT_NE(parse, nullptr);
  ASSERT_NE(inner, nullptr);
  ASSERT_NE(handler, nullptr);
  EXPECT_EQ(parse->calls, 3u);
  EXPECT_EQ(inner->calls, 3u);
  EXPECT_EQ(handler->calls, 3u);
  EXPECT_GE(parse->total_ns, 0);
}

TEST_F(ZoneTest, SendingIsTimedOnTheSenderAsSendCopy) {
  Pid receiver = *rt_.Spawn<Worker>({});
  Pid sender = *rt_.Spawn<Worker>({});
  for (int i = 0; i < 4; ++i) rt_.Cast(sender, Forward{receiver});
  std::optional<ProcessInfo> info = Settled(rt_, sender);
  const ProcessInfo::Zone* send = FindZone(*info, "send/copy");
  ASSERT_NE(send, nullptr);
  EXPECT_EQ(send->calls, 4u);
  EXPECT_EQ(FindZone(*Settled(rt_, receiver), "send/copy"), nullptr);
}

TEST_F(ZoneTest, WithProfilingOffNothingIsRecorded) {
  rt_.SetProfiling(false);
  EXPECT_FALSE(rt_.profiling());
  Pid pid = *rt_.Spawn<Worker>({});
  rt_.Cast(pid, Parse{});
  EXPECT_TRUE(Settled(rt_, pid)->zones.empty());
}

TEST_F(ZoneTest, AZoneOutsideAnyProcessRecordsNothing) {
  OVERSEER_ZONE("outside");
  Pid pid = *rt_.Spawn<Worker>({});
  EXPECT_EQ(FindZone(*Settled(rt_, pid), "outside"), nullptr);
}

TEST_F(ZoneTest, AZoneAroundAnAwaitedCallIsCountedOnceAndDisturbsNoOther) {
  Pid callee = *rt_.Spawn<Worker>({});
  Pid caller = *rt_.Spawn<Worker>({});
  for (int i = 0; i < 3; ++i) {
    rt_.Cast(caller, Ask{callee});
    rt_.Cast(caller, Parse{});
  }
  std::optional<ProcessInfo> info = Settled(rt_, caller);
  ASSERT_NE(FindZone(*info, "around a call"), nullptr);
  EXPECT_EQ(FindZone(*info, "around a call")->calls, 3u);
  EXPECT_EQ(FindZone(*info, "after the call")->calls, 3u);
  EXPECT_EQ(FindZone(*info, "parse")->calls, 3u);
  EXPECT_EQ(FindZone(*info, "parse/inner")->calls, 3u);
}

TEST_F(ZoneTest, TheTimeAProcessWaitsInACallIsNotItsZonesTime) {
  // As eprof: the caller waits for the callee's answer but does not run.
  // The test holds the caller suspended (the callee inside its zone, the
  // caller inside a call) for a span it measures; the caller's zone, which
  // encloses that span, must count less than the span itself: only the
  // caller's own running before and after the wait, microseconds. (Were the
  // wait counted, the zone would hold the whole span and more.)
  absl::Notification gate;
  Pid callee = *rt_.Spawn<Worker>({});
  Pid caller = *rt_.Spawn<Waiter>({});
  rt_.Cast(caller, AskSlowly{callee, &gate});
  ASSERT_TRUE(testing::Eventually([&] {
    std::optional<ProcessInfo> c = rt_.Info(caller);
    std::optional<ProcessInfo> a = rt_.Info(callee);
    return c && a && c->status == ProcessStatus::kSuspended &&
           a->status == ProcessStatus::kRunning;
  }));
  const int64_t held_from = MonotonicNowNs();
  absl::SleepFor(absl::Milliseconds(200));
  const int64_t held_ns = MonotonicNowNs() - held_from;
  gate.Notify();
  std::optional<ProcessInfo> waiter = Settled(rt_, caller);
  std::optional<ProcessInfo> answerer = Settled(rt_, callee);
  const ProcessInfo::Zone* waited = FindZone(*waiter, "waiting on a slow call");
  const ProcessInfo::Zone* answered = FindZone(*answerer, "slow answer");
  ASSERT_NE(waited, nullptr);
  ASSERT_NE(answered, nullptr);
  EXPECT_EQ(waited->calls, 1u);
  EXPECT_GE(answered->total_ns, held_ns);  // the callee ran (blocked) through it
  EXPECT_LT(waited->total_ns, held_ns);    // the caller did not
}

TEST_F(ZoneTest, AProcessKilledInsideAZoneLeavesTheThreadsZonesIntact) {
  // The callee never answers: the caller is killed while its zone is open.
  class Mute : public Process {
   protected:
    Co Handle(Envelope::Kind, Message&, From) override { return {}; }
  };
  Pid mute = *rt_.Spawn<Mute>({});
  for (int i = 0; i < 5; ++i) {
    Pid caller = *rt_.Spawn<Worker>({});
    rt_.Cast(caller, Ask{mute});
    ASSERT_TRUE(testing::Eventually([&] {
      return rt_.Info(caller)->status == ProcessStatus::kSuspended;
    }));
    rt_.Exit(caller, ExitReason::Kill());
    ASSERT_TRUE(rt_.WaitExit(caller, kPatience));
  }
  Pid worker = *rt_.Spawn<Worker>({});
  rt_.Cast(worker, Parse{});
  EXPECT_EQ(FindZone(*Settled(rt_, worker), "parse")->calls, 1u);
}

}  // namespace
}  // namespace overseer
