#include "core/binary.h"

#include <string>
#include <utility>
#include <vector>

#include "core/account.h"
#include "core/gen_server.h"
#include "core/runtime.h"
#include "gtest/gtest.h"
#include "tests/core/core_test_util.h"

namespace overseer {
namespace {

using testing::Settled;

constexpr int64_t kMiB = 1 << 20;

TEST(BinaryTest, ACopyHoldsTheBytesAndAnEmptyHandleHoldsNone) {
  Binary empty;
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(empty.size(), 0u);
  Binary b = Binary::Copy("hello");
  EXPECT_FALSE(b.empty());
  EXPECT_EQ(b.view(), "hello");
  Binary c = b;
  EXPECT_EQ(c.view().data(), b.view().data());  // shared, not copied
}

TEST(BinaryTest, ACopyIsCountedInBinaryBytesNotInTheAccountsMemory) {
  std::string payload(kMiB, 'x');
  int64_t live = Binary::LiveBytes();
  Account a;
  {
    AccountScope scope(&a, AccountScope::kExclusive);
    Binary b = Binary::Copy(payload);
    EXPECT_EQ(a.binary_bytes(), kMiB);
    EXPECT_EQ(a.bytes(), 0);
    EXPECT_EQ(Binary::LiveBytes() - live, kMiB);
  }
  EXPECT_EQ(a.binary_bytes(), 0);
  EXPECT_EQ(a.binary_peak(), kMiB);
  EXPECT_EQ(Binary::LiveBytes(), live);
}

TEST(BinaryTest, EachHolderCountsItsHandleButTheBytesAreCountedOnce) {
  std::string payload(kMiB, 'y');
  int64_t live = Binary::LiveBytes();
  Account a;
  Account b;
  Binary first;
  {
    AccountScope scope(&a, AccountScope::kExclusive);
    first = Binary::Copy(payload);
  }
  {
    AccountScope scope(&b, AccountScope::kExclusive);
    Binary second = first;
    EXPECT_EQ(a.binary_bytes(), kMiB);
    EXPECT_EQ(b.binary_bytes(), kMiB);
    EXPECT_EQ(Binary::LiveBytes() - live, kMiB);
  }
  EXPECT_EQ(b.binary_bytes(), 0);
  EXPECT_EQ(a.binary_bytes(), kMiB);
  first = Binary();
  EXPECT_EQ(a.binary_bytes(), 0);
  EXPECT_EQ(Binary::LiveBytes(), live);
}

TEST(BinaryTest, AMovedHandleStaysChargedToItsHolder) {
  Account a;
  Binary moved;
  {
    AccountScope scope(&a, AccountScope::kExclusive);
    Binary b = Binary::Copy(std::string(1000, 'z'));
    moved = std::move(b);
    EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move): the contract
  }
  EXPECT_EQ(a.binary_bytes(), 1000);
  moved = Binary();
  EXPECT_EQ(a.binary_bytes(), 0);
}

struct Blob {
  Binary data;
};
struct Drop {};
struct Held {
  std::vector<Binary> blobs;
};

// Keeps every Blob it is sent until told to drop them.
class Keeper : public GenServer<Held> {
 protected:
  Co HandleInfo(Held& s, Message& m) override {
    // Moved, not copied: a copy would be a second handle for a moment.
    if (Blob* b = m.AsMutable<Blob>()) s.blobs.push_back(std::move(b->data));
    if (m.Is<Drop>()) std::vector<Binary>().swap(s.blobs);
    return {};
  }
};

TEST(BinaryTest, ProcessesHoldingOneBinaryEachShowItWhileTheNodeCountsItOnce) {
  Runtime rt(RuntimeOptions{.schedulers = 2});
  Pid p1 = *rt.Spawn<Keeper>({});
  Pid p2 = *rt.Spawn<Keeper>({});
  int64_t live = Binary::LiveBytes();
  int64_t memory_before = Settled(rt, p1)->memory.value;
  {
    Binary b = Binary::Copy(std::string(kMiB, 'b'));
    rt.Send(p1, Blob{b});
    rt.Send(p2, Blob{b});
  }
  std::optional<ProcessInfo> i1 = Settled(rt, p1);
  std::optional<ProcessInfo> i2 = Settled(rt, p2);
  ASSERT_TRUE(i1 && i2);
  EXPECT_EQ(i1->binary_bytes.value, kMiB);
  EXPECT_EQ(i2->binary_bytes.value, kMiB);
  EXPECT_LT(i1->memory.value - memory_before, 1024);  // a handle, not a copy
  EXPECT_EQ(Binary::LiveBytes() - live, kMiB);
  EXPECT_EQ(rt.counters().live_binary_bytes, Binary::LiveBytes());

  rt.Send(p1, Drop{});
  rt.Send(p2, Drop{});
  i1 = Settled(rt, p1);
  i2 = Settled(rt, p2);
  EXPECT_EQ(i1->binary_bytes.value, 0);
  EXPECT_EQ(i1->binary_bytes.peak, kMiB);
  EXPECT_EQ(i2->binary_bytes.value, 0);
  EXPECT_EQ(Binary::LiveBytes(), live);
}

}  // namespace
}  // namespace overseer
