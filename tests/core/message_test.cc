#include "core/message.h"

#include <string>
#include <typeinfo>
#include <vector>

#include "core/account.h"
#include "gtest/gtest.h"

namespace overseer {
namespace {

struct Ping {
  int n = 0;
};
struct Pong {};
struct Batch {
  std::vector<int> items;
};
struct Described {
  int id = 0;
};
struct Nested {
  Message inner;
};
std::string OverseerDescribe(const Described& d) {
  return "described #" + std::to_string(d.id);
}

TEST(MessageTest, AsGivesTheValueOfItsOwnTypeAndNullForAnyOther) {
  Message m = Message::Of(Ping{7});
  EXPECT_TRUE(m.Is<Ping>());
  EXPECT_FALSE(m.Is<Pong>());
  ASSERT_NE(m.As<Ping>(), nullptr);
  EXPECT_EQ(m.As<Ping>()->n, 7);
  EXPECT_EQ(m.As<Pong>(), nullptr);
  m.AsMutable<Ping>()->n = 8;
  EXPECT_EQ(m.As<Ping>()->n, 8);
  EXPECT_EQ(m.type(), typeid(Ping));
}

TEST(MessageTest, AnEmptyMessageHasNoTypeAndSaysSo) {
  Message m;
  EXPECT_TRUE(m.empty());
  EXPECT_EQ(m.type(), typeid(void));
  EXPECT_EQ(m.As<Ping>(), nullptr);
  EXPECT_EQ(m.Describe(), "(empty)");
  Message copy = m.Clone();
  EXPECT_TRUE(copy.empty());
}

TEST(MessageTest, CopiesAreDeepSoNothingIsSharedWithTheOriginal) {
  Message original = Message::Of(Batch{{1, 2, 3}});
  Message copy = original;
  copy.AsMutable<Batch>()->items.push_back(4);
  EXPECT_EQ(original.As<Batch>()->items.size(), 3u);
  EXPECT_EQ(copy.As<Batch>()->items.size(), 4u);
  EXPECT_NE(copy.As<Batch>()->items.data(), original.As<Batch>()->items.data());

  Message outer = Message::Of(Nested{Message::Of(Batch{{5}})});
  Message outer_copy = outer.Clone();
  const Message* inner = &outer.As<Nested>()->inner;
  const Message* inner_copy = &outer_copy.As<Nested>()->inner;
  EXPECT_NE(inner->As<Batch>(), inner_copy->As<Batch>());
  EXPECT_EQ(inner_copy->As<Batch>()->items, std::vector<int>{5});
}

TEST(MessageTest, ACloneIsAllocatedInTheCurrentAccount) {
  Message big = Message::Of(std::vector<char>(1 << 20, 'x'));
  Account a;
  {
    AccountScope scope(&a, AccountScope::kExclusive);
    Message copy = big.Clone();
    EXPECT_GE(a.bytes(), 1 << 20);
    EXPECT_LT(a.bytes(), (1 << 20) + 256);
  }
  EXPECT_EQ(a.bytes(), 0);
}

TEST(MessageTest, DescribeUsesOverseerDescribeWhenTheTypeDeclaresOne) {
  EXPECT_EQ(Message::Of(Described{42}).Describe(), "described #42");
}

TEST(MessageTest, DescribeFallsBackToTheTypeNameWithoutNamespaces) {
  Message m = Message::Of(Ping{1});
  EXPECT_EQ(m.type_name(), "Ping");
  EXPECT_EQ(m.Describe(), "Ping");
}

}  // namespace
}  // namespace overseer
