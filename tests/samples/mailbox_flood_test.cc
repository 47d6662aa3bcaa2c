#include "samples/workloads/mailbox_flood.h"

#include "core/runtime.h"
#include "gtest/gtest.h"
#include "tests/samples/samples_test_util.h"

namespace overseer::workloads {
namespace {

using testing::Eventually;

TEST(MailboxFloodTest, ConsumerMailboxBytesEqualTheSumOfItsQueuedMessages) {
  Runtime rt(testing::TestRuntime());
  // The consumer takes the first message and then works on it for an hour:
  // every other message stays queued, and the mailbox stops changing.
  MailboxFloodWorkload w({.rate = 100'000,
                          .payload_bytes = 1000,
                          .handle_time = absl::Hours(1),
                          .total = 200});
  ASSERT_TRUE(w.Start(rt).ok());
  Pid consumer = rt.Whereis(kFloodConsumer);
  ASSERT_TRUE(Eventually([&] {
    std::optional<ProcessInfo> info = rt.Info(consumer);
    return info && info->mailbox_len.value == 199;
  }));
  std::optional<ProcessInfo> info = rt.Info(consumer);
  absl::StatusOr<ProcessInspection> seen = rt.Inspect(consumer, absl::Seconds(30), 3);
  ASSERT_TRUE(seen.ok()) << seen.status();
  ASSERT_EQ(seen->by_type.size(), 1u);
  EXPECT_EQ(seen->by_type[0].count, 199);
  EXPECT_EQ(seen->mailbox_len, 199);
  EXPECT_EQ(seen->by_type[0].bytes, info->mailbox_bytes.value);
  ASSERT_EQ(seen->first_messages.size(), 3u);
  for (const QueuedMessageInfo& m : seen->first_messages) {
    EXPECT_GE(m.bytes, 1000);  // at least the payload, copied in
    EXPECT_EQ(m.bytes * 199, info->mailbox_bytes.value);  // all alike
  }
  EXPECT_GE(info->memory.value, info->mailbox_bytes.value);
  EXPECT_EQ(w.stats().produced.load(), 200);
  EXPECT_EQ(w.stats().consumed.load(), 0);
  // Nothing large is held by the supervisor: two small specs.
  std::optional<ProcessInfo> sup = rt.Info(rt.Whereis(kFloodSupervisor));
  ASSERT_TRUE(sup.has_value());
  EXPECT_LT(sup->held_spec_bytes.value, 2048);
  EXPECT_TRUE(w.Stop().ok());
}

TEST(MailboxFloodTest, TheQueueGrowsWhileTheProducerOutpacesTheConsumer) {
  Runtime rt(testing::TestRuntime());
  MailboxFloodWorkload w({.rate = 20'000,
                          .payload_bytes = 100,
                          .handle_time = absl::Milliseconds(5),
                          .total = 2000});
  ASSERT_TRUE(w.Start(rt).ok());
  ASSERT_TRUE(Eventually([&] { return w.stats().produced.load() == 2000; }));
  // Whatever was not consumed yet is queued, but for the one in the handler.
  int64_t consumed_before = w.stats().consumed.load();
  std::optional<ProcessInfo> info = rt.Info(rt.Whereis(kFloodConsumer));
  int64_t consumed_after = w.stats().consumed.load();
  ASSERT_TRUE(info.has_value());
  EXPECT_LE(info->mailbox_len.value, 2000 - consumed_before);
  EXPECT_GE(info->mailbox_len.value, 2000 - consumed_after - 1);
  EXPECT_GT(info->mailbox_len.value, 500);  // 2000 cast in far less than 7 s
  EXPECT_TRUE(w.Stop().ok());
}

}  // namespace
}  // namespace overseer::workloads
