#include "core/runtime.h"

#include <vector>

#include "core/gen_server.h"
#include "gtest/gtest.h"

namespace overseer {
namespace {

struct Count {
  int n = 0;
  std::vector<char> blob;
};
struct Get {};
struct Grow {
  size_t bytes;
};
struct Shrink {};

class Counter : public GenServer<Count> {
 protected:
  Co HandleCall(Count& s, Message& m, From from) override {
    if (m.Is<Get>()) Reply(from, s.n);
    return {};
  }
  Co HandleCast(Count& s, Message& m) override {
    if (const Grow* g = m.As<Grow>()) {
      s.blob.resize(g->bytes);
    } else if (m.Is<Shrink>()) {
      std::vector<char>().swap(s.blob);
    } else {
      ++s.n;
    }
    return {};
  }
};

struct Tick {};

// Waits until `pid` has finished its current slice with nothing queued, so
// that what its last handler freed is freed.
ProcessInfo Settled(Runtime& rt, const Pid& pid) {
  for (;;) {
    std::optional<ProcessInfo> info = rt.Info(pid);
    if (info->status == ProcessStatus::kWaiting && info->mailbox_len.value == 0) {
      return *info;
    }
    absl::SleepFor(absl::Milliseconds(1));
  }
}

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
}

TEST(RuntimeTest, AProcessThatAllocatesOneMebibyteShowsItAndGivesItBack) {
  Runtime rt(RuntimeOptions{.schedulers = 2});
  Pid pid = *rt.Spawn<Counter>({});
  int64_t base = Settled(rt, pid).memory.value;
  rt.Cast(pid, Grow{1 << 20});
  (void)rt.CallAs<int>(pid, Get{}, absl::Seconds(5));
  int64_t grown = Settled(rt, pid).memory.value;
  EXPECT_GE(grown - base, 1 << 20);
  EXPECT_LT(grown - base, (1 << 20) + 1024);
  rt.Cast(pid, Shrink{});
  (void)rt.CallAs<int>(pid, Get{}, absl::Seconds(5));
  EXPECT_EQ(Settled(rt, pid).memory.value, base);
}

}  // namespace
}  // namespace overseer
