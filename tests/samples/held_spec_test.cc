#include "samples/workloads/held_spec.h"

#include "core/runtime.h"
#include "gtest/gtest.h"
#include "tests/samples/samples_test_util.h"

namespace overseer::workloads {
namespace {

using testing::Eventually;

// Besides the captured table, each held spec is the spec itself (a
// ChildSpec), the heap block of its std::function holding the lambda, and
// copies of the strings that name it (id, name, the closure's type name).
constexpr int64_t kPerSpecOverhead = 1024;

TEST(HeldSpecTest, SupervisorHoldsEachCapturedTableInItsSpecs) {
  Runtime rt(testing::TestRuntime());
  HeldSpecWorkload w(
      {.workers = 4, .table_bytes = 256 << 10, .crash_every = absl::ZeroDuration()});
  ASSERT_TRUE(w.Start(rt).ok());
  Pid sup = rt.Whereis(kHeldSpecSupervisor);
  absl::StatusOr<ProcessInspection> seen = rt.Inspect(sup, absl::Seconds(30));
  ASSERT_TRUE(seen.ok()) << seen.status();
  ASSERT_EQ(seen->held_specs.size(), 4u);
  int64_t held = 0;
  for (size_t i = 0; i < seen->held_specs.size(); ++i) {
    const HeldSpecInfo& spec = seen->held_specs[i];
    int64_t captured = w.captured_bytes()[i];
    EXPECT_GT(captured, 256 << 10);
    EXPECT_GE(spec.bytes, captured) << spec.child_id;
    EXPECT_LT(spec.bytes - captured, kPerSpecOverhead) << spec.child_id;
    EXPECT_EQ(spec.start_kind, "closure");
    EXPECT_EQ(spec.restart, "permanent");
    held += spec.bytes;
  }
  std::optional<ProcessInfo> info = rt.Info(sup);
  EXPECT_EQ(info->held_spec_bytes.value, held);
  // Each worker got one rate out of its table, and is small.
  for (int i = 0; i < 4; ++i) {
    std::optional<ProcessInfo> worker =
        rt.Info(rt.Whereis(HeldSpecWorkload::WorkerName(i)));
    ASSERT_TRUE(worker.has_value());
    EXPECT_LT(worker->memory.value, 4096);
  }
  EXPECT_TRUE(w.Stop().ok());
}

TEST(HeldSpecTest, TheTablesStayPinnedAcrossRestarts) {
  Runtime rt(testing::TestRuntime());
  HeldSpecWorkload w(
      {.workers = 3, .table_bytes = 64 << 10, .crash_every = absl::Milliseconds(20)});
  ASSERT_TRUE(w.Start(rt).ok());
  Pid sup = rt.Whereis(kHeldSpecSupervisor);
  int64_t before = rt.Info(sup)->held_spec_bytes.value;
  int64_t captured = 0;
  for (int64_t b : w.captured_bytes()) captured += b;
  EXPECT_GE(before, captured);
  // A crash is counted before its restart: wait for both.
  ASSERT_TRUE(Eventually([&] {
    return w.stats().crashes.load() >= 9 && w.stats().starts.load() >= 3 + 9;
  }));
  ASSERT_TRUE(rt.Alive(sup));  // within its restart intensity
  EXPECT_EQ(rt.Info(sup)->held_spec_bytes.value, before);
  EXPECT_TRUE(w.Stop().ok());
}

}  // namespace
}  // namespace overseer::workloads
