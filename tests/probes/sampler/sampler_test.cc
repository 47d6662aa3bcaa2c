#include "probes/sampler/sampler.h"

#include <vector>

#include "core/gen_server.h"
#include "core/runtime.h"
#include "gtest/gtest.h"

namespace overseer {
namespace {

struct Blob {
  std::vector<char> bytes;
};
struct Hold {
  size_t bytes;
};
struct Ping {};

// Keeps what it is told to, and answers pings.
class Holder : public GenServer<Blob> {
 protected:
  Co HandleCast(Blob& s, Message& m) override {
    if (const Hold* h = m.As<Hold>()) std::vector<char>(h->bytes, 'x').swap(s.bytes);
    return {};
  }
  Co HandleCall(Blob&, Message&, From from) override {
    Reply(from, 1);
    return {};
  }
};

// Blocks its scheduler thread until released, so its mailbox fills.
class Sleeper : public GenServer<int> {
 protected:
  Co HandleCall(int&, Message&, From from) override {
    absl::SleepFor(absl::Milliseconds(200));
    Reply(from, 1);
    return {};
  }
};

const ProcessSample* Find(const Snapshot& s, uint64_t pid) {
  for (const ProcessSample& p : s.processes) {
    if (p.pid == pid) return &p;
  }
  return nullptr;
}

void Settle(Runtime& rt, const Pid& pid) {
  while (true) {
    auto info = rt.Info(pid);
    if (info->status == ProcessStatus::kWaiting && info->mailbox_len.value == 0) return;
    absl::SleepFor(absl::Milliseconds(1));
  }
}

TEST(SamplerTest, AProcessHoldingTwoMegabytesShowsThemInItsSample) {
  Runtime rt(RuntimeOptions{.schedulers = 2});
  Sampler sampler(rt, SamplerOptions{});
  Pid pid = *rt.Spawn<Holder>({.name = "holder"});
  Settle(rt, pid);
  uint64_t before = Find(sampler.Sample(), pid.id())->memory.value;
  rt.Cast(pid, Hold{2'000'000});
  (void)rt.Call(pid, Ping{}, absl::Seconds(5));
  Settle(rt, pid);
  Snapshot s = sampler.Sample();
  const ProcessSample* p = Find(s, pid.id());
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->name, "holder");
  EXPECT_GE(p->memory.value - before, 2'000'000u);
  EXPECT_LT(p->memory.value - before, 2'001'000u);
  EXPECT_EQ(s.system.process_count, rt.process_count());
  EXPECT_GE(s.system.process_memory, 2'000'000u);
}

TEST(SamplerTest, APeakBetweenTwoSamplesIsSeenOnceThenForgotten) {
  Runtime rt(RuntimeOptions{.schedulers = 2});
  Sampler sampler(rt, SamplerOptions{});
  Pid pid = *rt.Spawn<Holder>({});
  rt.Cast(pid, Hold{3'000'000});
  rt.Cast(pid, Hold{0});
  (void)rt.Call(pid, Ping{}, absl::Seconds(5));
  Settle(rt, pid);
  const Snapshot first_sample = sampler.Sample();  // kept: `first` points into it
  const ProcessSample* first = Find(first_sample, pid.id());
  ASSERT_NE(first, nullptr);
  EXPECT_LT(first->memory.value, 100'000u);
  EXPECT_GE(first->memory.peak, 3'000'000u);
  Snapshot second = sampler.Sample();
  EXPECT_LT(Find(second, pid.id())->memory.peak, 100'000u);
}

TEST(SamplerTest, ALargeMailboxIsDescribedInTheDetails) {
  Runtime rt(RuntimeOptions{.schedulers = 2});
  Sampler sampler(rt, SamplerOptions{.inspect_wait = absl::Seconds(5)});
  Pid pid = *rt.Spawn<Sleeper>({});
  // The outside call blocks one scheduler for 200 ms; meanwhile blobs queue.
  std::thread caller([&] { (void)rt.Call(pid, Ping{}, absl::Seconds(5)); });
  absl::SleepFor(absl::Milliseconds(20));
  for (int i = 0; i < 3; ++i) rt.Send(pid, Blob{std::vector<char>(100'000, 'y')});
  Snapshot s = sampler.Sample();
  caller.join();
  const ProcessSample* p = Find(s, pid.id());
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->mailbox_len.value, 3u);
  EXPECT_GE(p->mailbox_bytes.value, 300'000u);
  ASSERT_EQ(s.details.size(), 1u);
  EXPECT_EQ(s.details[0].pid, pid.id());
  ASSERT_EQ(s.details[0].mailbox_types.size(), 1u);
  EXPECT_EQ(s.details[0].mailbox_types[0].count, 3u);
  EXPECT_EQ(s.details[0].mailbox_types[0].bytes, p->mailbox_bytes.value);
}

TEST(SamplerTest, SpawnsAndExitsBecomeEvents) {
  Runtime rt(RuntimeOptions{.schedulers = 2});
  Sampler sampler(rt, SamplerOptions{});
  Pid pid = *rt.Spawn<Holder>({});
  rt.Exit(pid, ExitReason("boom"));
  ASSERT_TRUE(rt.WaitExit(pid, absl::Seconds(5)));
  std::vector<Event> events = sampler.TakeEvents();
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events[0].kind, EventKind::kSpawn);
  EXPECT_EQ(events[0].pid, pid.id());
  EXPECT_EQ(events.back().kind, EventKind::kExit);
  EXPECT_EQ(events.back().text, "boom");
}

}  // namespace
}  // namespace overseer
