#include "samples/workloads/binary_hoarder.h"

#include "core/runtime.h"
#include "gtest/gtest.h"
#include "tests/samples/samples_test_util.h"

namespace overseer::workloads {
namespace {

using testing::Eventually;

TEST(BinaryHoarderTest, HoarderBinaryBytesEqualTheBinariesItHolds) {
  Runtime rt(testing::TestRuntime());
  constexpr int64_t kBlob = 64 << 10;
  BinaryHoarderWorkload w({.blob_bytes = kBlob, .rate = 1000, .total = 20});
  ASSERT_TRUE(w.Start(rt).ok());
  Pid cache = rt.Whereis(kHoarderCache);
  ASSERT_TRUE(Eventually([&] { return w.stats().received.load() == 20; }));
  // The last message's own reference goes once its handler is done.
  ASSERT_TRUE(Eventually([&] {
    std::optional<ProcessInfo> info = rt.Info(cache);
    return info && info->binary_bytes.value == 20 * kBlob;
  }));
  std::optional<ProcessInfo> info = rt.Info(cache);
  EXPECT_EQ(info->binary_bytes.value, w.stats().held_bytes.load());
  // What it holds is handles: its own memory stays far below the binaries.
  EXPECT_LT(info->memory.value, kBlob);
  // The source keeps none: each blob is referenced once, by the cache.
  std::optional<ProcessInfo> source = rt.Info(rt.Whereis(kHoarderSource));
  ASSERT_TRUE(source.has_value());
  EXPECT_EQ(source->binary_bytes.value, 0);
  EXPECT_GE(rt.counters().live_binary_bytes, 20 * kBlob);
  EXPECT_TRUE(w.Stop().ok());
}

}  // namespace
}  // namespace overseer::workloads
