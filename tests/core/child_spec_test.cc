#include "core/child_spec.h"

#include <stdexcept>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "core/runtime.h"
#include "core/supervisor.h"
#include "gtest/gtest.h"
#include "tests/core/core_test_util.h"

namespace overseer {
namespace {

using testing::Eventually;
using testing::kPatience;
using testing::Settled;

constexpr int64_t kMiB = 1 << 20;
constexpr int64_t kKiB = 1 << 10;

struct Crash {};

// A child that does nothing but crash when told.
class Idle : public Process {
 public:
  Idle() = default;
  explicit Idle(int size) : size_(size) {}

 protected:
  Co Handle(Envelope::Kind, Message& m, From) override {
    if (m.Is<Crash>()) throw std::runtime_error("told to");
    return {};
  }

 private:
  int size_ = 0;
};

TEST(ChildSpecTest, AWorkerSpecRunsItsBehaviourFromItsArguments) {
  ChildSpec spec = ChildSpec::Worker<Idle>("idle", 42);
  EXPECT_EQ(spec.id, "idle");
  EXPECT_EQ(spec.start_kind, "function");
  EXPECT_TRUE(absl::StrContains(spec.captured, "Idle")) << spec.captured;
  EXPECT_EQ(spec.restart, Restart::kPermanent);
  EXPECT_EQ(spec.type, ChildType::kWorker);
  EXPECT_EQ(spec.shutdown, absl::Seconds(5));
  Runtime rt(RuntimeOptions{.schedulers = 1});
  absl::StatusOr<Pid> pid = spec.start(rt, SpawnOptions{});
  ASSERT_TRUE(pid.ok()) << pid.status();
  EXPECT_EQ(rt.Info(*pid)->initial_call, "Idle:init");
}

TEST(ChildSpecTest, ASupervisorSpecIsOfTypeSupervisorAndWaitsForeverToStop) {
  ChildSpec spec = ChildSpec::Worker<Supervisor>("sub", SupervisorFlags{},
                                                 std::vector<ChildSpec>{});
  EXPECT_EQ(spec.type, ChildType::kSupervisor);
  EXPECT_EQ(spec.shutdown, absl::InfiniteDuration());
}

TEST(ChildSpecTest, AClosureSpecRecordsWhatKindOfStartItIs) {
  int captured = 7;
  ChildSpec spec = ChildSpec::FromClosure(
      "c", [captured](Runtime& rt, const SpawnOptions& o) {
        return rt.Spawn<Idle>(o, captured);
      }, Restart::kTransient);
  EXPECT_EQ(spec.start_kind, "closure");
  EXPECT_EQ(spec.restart, Restart::kTransient);
  EXPECT_FALSE(spec.captured.empty());
  EXPECT_STREQ(ToString(Restart::kPermanent), "permanent");
  EXPECT_STREQ(ToString(Restart::kTransient), "transient");
  EXPECT_STREQ(ToString(Restart::kTemporary), "temporary");
}

// A spec whose closure captured `bytes` bytes.
ChildSpec HeavySpec(const std::string& id, size_t bytes, Restart restart) {
  std::vector<char> payload(bytes, 'h');
  return ChildSpec::FromClosure(
      id,
      [payload](Runtime& rt, const SpawnOptions& o) {
        return rt.Spawn<Idle>(o, static_cast<int>(payload.size()));
      },
      restart);
}

Pid ChildPid(Runtime& rt, const Pid& sup, const std::string& id) {
  absl::StatusOr<ChildrenReply> r =
      rt.CallAs<ChildrenReply>(sup, WhichChildren{}, kPatience);
  if (!r.ok()) return Pid();
  for (const ChildInfo& c : r->children) {
    if (c.id == id) return c.pid;
  }
  return Pid();
}

TEST(ChildSpecTest, AClosureOfOneMebibyteHeldForAPermanentChildShowsOnItsSupervisor) {
  Runtime rt(RuntimeOptions{.schedulers = 2});
  Pid sup = *rt.Spawn<Supervisor>(
      {}, SupervisorFlags{.max_restarts = 10},
      std::vector<ChildSpec>{HeavySpec("heavy", kMiB, Restart::kPermanent)});
  for (int restart = 0; restart < 3; ++restart) {
    std::optional<ProcessInfo> info = Settled(rt, sup);
    ASSERT_TRUE(info.has_value());
    EXPECT_GE(info->held_spec_bytes.value, kMiB) << "after " << restart << " restarts";
    EXPECT_LT(info->held_spec_bytes.value, kMiB + 4 * kKiB);
    EXPECT_GE(info->memory.value - Runtime::ProcessOverheadBytes(),
              info->held_spec_bytes.value);  // the held spec is its memory too
    EXPECT_LT(info->memory.value - info->held_spec_bytes.value, 64 * kKiB);

    absl::StatusOr<ChildrenReply> children =
        rt.CallAs<ChildrenReply>(sup, WhichChildren{}, kPatience);
    ASSERT_TRUE(children.ok());
    EXPECT_EQ(children->children.at(0).held_bytes, info->held_spec_bytes.value);

    Pid child = ChildPid(rt, sup, "heavy");
    EXPECT_LT(Settled(rt, child)->memory.value, 4 * kKiB);  // a copy is not made
    rt.Send(child, Crash{});
    ASSERT_TRUE(Eventually([&] {
      Pid now = ChildPid(rt, sup, "heavy");
      return now.valid() && now != child;
    }));
  }
}

TEST(ChildSpecTest, InspectingTheSupervisorDescribesEachHeldSpec) {
  Runtime rt(RuntimeOptions{.schedulers = 2});
  Pid sup = *rt.Spawn<Supervisor>(
      {}, SupervisorFlags{},
      std::vector<ChildSpec>{HeavySpec("heavy", kMiB, Restart::kTransient),
                             ChildSpec::Worker<Idle>("light", 1)});
  absl::StatusOr<ProcessInspection> inspection = rt.Inspect(sup, kPatience);
  ASSERT_TRUE(inspection.ok()) << inspection.status();
  ASSERT_EQ(inspection->held_specs.size(), 2u);
  const HeldSpecInfo& heavy = inspection->held_specs[0];
  EXPECT_EQ(heavy.child_id, "heavy");
  EXPECT_EQ(heavy.child_pid, ChildPid(rt, sup, "heavy").id());
  EXPECT_GE(heavy.bytes, kMiB);
  EXPECT_EQ(heavy.start_kind, "closure");
  EXPECT_EQ(heavy.restart, "transient");
  EXPECT_TRUE(absl::StrContains(heavy.captured, "lambda")) << heavy.captured;
  const HeldSpecInfo& light = inspection->held_specs[1];
  EXPECT_EQ(light.start_kind, "function");
  EXPECT_GT(light.bytes, 0);
  EXPECT_LT(light.bytes, kKiB);
  EXPECT_EQ(heavy.bytes + light.bytes, Settled(rt, sup)->held_spec_bytes.value);
}

TEST(ChildSpecTest, AWorkerWithSmallArgumentsHoldsUnderOneKibibyte) {
  Runtime rt(RuntimeOptions{.schedulers = 1});
  Pid sup = *rt.Spawn<Supervisor>({}, SupervisorFlags{},
                                  std::vector<ChildSpec>{ChildSpec::Worker<Idle>("w", 5)});
  std::optional<ProcessInfo> info = Settled(rt, sup);
  EXPECT_GT(info->held_spec_bytes.value, 0);
  EXPECT_LT(info->held_spec_bytes.value, kKiB);
}

TEST(ChildSpecTest, ATemporaryChildsSpecIsDroppedOnceTheChildHasStarted) {
  Runtime rt(RuntimeOptions{.schedulers = 1});
  Pid sup = *rt.Spawn<Supervisor>(
      {}, SupervisorFlags{},
      std::vector<ChildSpec>{HeavySpec("once", kMiB, Restart::kTemporary)});
  std::optional<ProcessInfo> info = Settled(rt, sup);
  EXPECT_EQ(info->held_spec_bytes.value, 0);
  EXPECT_LT(info->memory.value, 16 * kKiB);
  EXPECT_TRUE(ChildPid(rt, sup, "once").valid());
  absl::StatusOr<ProcessInspection> inspection = rt.Inspect(sup, kPatience);
  ASSERT_TRUE(inspection.ok());
  EXPECT_TRUE(inspection->held_specs.empty());
}

TEST(ChildSpecTest, HeldSpecBytesGoWhenTheSupervisorEnds) {
  Runtime rt(RuntimeOptions{.schedulers = 2});
  Pid sup = *rt.Spawn<Supervisor>(
      {}, SupervisorFlags{},
      std::vector<ChildSpec>{HeavySpec("heavy", kMiB, Restart::kPermanent)});
  ASSERT_GE(Settled(rt, sup)->held_spec_bytes.value, kMiB);
  rt.Exit(sup, ExitReason::Shutdown());
  ASSERT_TRUE(rt.WaitExit(sup, kPatience));
  // Nothing it held outlives it (under ASan, a leak would fail the program).
  int64_t total = 0;
  rt.ForEachProcess([&](const ProcessInfo& i) { total += i.held_spec_bytes.value; });
  EXPECT_EQ(total, 0);
}

}  // namespace
}  // namespace overseer
