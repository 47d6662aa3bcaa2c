#include "samples/workloads/healthy_pool.h"

#include <algorithm>

#include "core/runtime.h"
#include "gtest/gtest.h"
#include "tests/samples/samples_test_util.h"

namespace overseer::workloads {
namespace {

using testing::Eventually;

TEST(HealthyPoolTest, NothingInThePoolGrowsBeyondKilobytesOrQueuesBeyondItsClients) {
  Runtime rt(testing::TestRuntime());
  HealthyPoolWorkload w({.workers = 4,
                         .clients = 8,
                         .work_time = absl::Milliseconds(1),
                         .think_time = absl::Milliseconds(1)});
  absl::StatusOr<Pid> root = w.Start(rt);
  ASSERT_TRUE(root.ok());
  ASSERT_TRUE(Eventually([&] { return w.stats().jobs_done.load() >= 500; }));
  int seen = 0;
  rt.ForEachProcess([&](const ProcessInfo& p) {
    bool mine = p.pid == root->id() || std::find(p.ancestors.begin(), p.ancestors.end(),
                                                 root->id()) != p.ancestors.end();
    if (!mine) return;
    ++seen;
    EXPECT_LT(p.memory.peak, 64 << 10) << p.name;
    EXPECT_LE(p.mailbox_len.peak, 8) << p.name;
    EXPECT_LT(p.held_spec_bytes.value, 16 << 10) << p.name;
  });
  EXPECT_EQ(seen, 1 + 2 + 4 + 8);
  EXPECT_EQ(w.stats().call_failures.load(), 0);
  EXPECT_TRUE(w.Stop().ok());
}

}  // namespace
}  // namespace overseer::workloads
