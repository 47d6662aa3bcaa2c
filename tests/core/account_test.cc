#include "core/account.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <new>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace overseer {
namespace {

constexpr int64_t kMiB = 1 << 20;

// Keeps the compiler from eliding a new/delete pair whose block is unused.
template <typename T>
T* Keep(T* p) {
  asm volatile("" : : "g"(p) : "memory");
  return p;
}

TEST(AccountTest, AnAllocationInAScopeIsChargedExactlyAndItsFreeCreditedBack) {
  for (AccountScope::Mode mode : {AccountScope::kExclusive, AccountScope::kShared}) {
    Account a;
    AccountScope scope(&a, mode);
    char* block = Keep(new char[kMiB]);
    EXPECT_EQ(a.bytes(), kMiB);
    delete[] block;
    EXPECT_EQ(a.bytes(), 0);
  }
}

TEST(AccountTest, NothingIsChargedOutsideAnyScope) {
  Account a;
  ASSERT_EQ(CurrentAccount(), nullptr);
  auto* v = Keep(new std::vector<char>(1000));
  delete v;
  EXPECT_EQ(a.bytes(), 0);
}

TEST(AccountTest, ScopesNestAndRestoreTheOuterAccount) {
  Account outer;
  Account inner;
  AccountScope a(&outer, AccountScope::kExclusive);
  auto* x = Keep(new char[100]);
  {
    AccountScope b(&inner, AccountScope::kShared);
    EXPECT_EQ(CurrentAccount(), &inner);
    auto* y = Keep(new char[200]);
    EXPECT_EQ(inner.bytes(), 200);
    delete[] y;
  }
  EXPECT_EQ(CurrentAccount(), &outer);
  EXPECT_EQ(outer.bytes(), 100);
  EXPECT_EQ(inner.bytes(), 0);
  delete[] x;
  EXPECT_EQ(outer.bytes(), 0);
}

TEST(AccountTest, ABlockFreedInAnotherAccountsScopeIsCreditedToItsOwner) {
  Account owner;
  Account other;
  char* block;
  {
    AccountScope scope(&owner, AccountScope::kExclusive);
    block = Keep(new char[4096]);
  }
  {
    AccountScope scope(&other, AccountScope::kExclusive);
    delete[] block;
  }
  EXPECT_EQ(owner.bytes(), 0);
  EXPECT_EQ(other.bytes(), 0);
}

TEST(AccountTest, ABlockFreedOnAnotherThreadIsCreditedBackToItsOwner) {
  Account owner;
  std::vector<char*> blocks;
  blocks.reserve(100);
  {
    AccountScope scope(&owner, AccountScope::kExclusive);
    for (int i = 0; i < 100; ++i) blocks.push_back(Keep(new char[1000]));
    EXPECT_EQ(owner.bytes(), 100 * 1000);
  }
  Account bystander;
  std::thread freer([&] {
    AccountScope scope(&bystander, AccountScope::kExclusive);
    for (char* b : blocks) delete[] b;
  });
  freer.join();
  EXPECT_EQ(owner.bytes(), 0);
  EXPECT_EQ(bystander.bytes(), 0);
}

TEST(AccountTest, TheOwnerAllocatingWhileOthersFreeItsBlocksStaysExact) {
  Account owner;
  constexpr int kBlocks = 20000;
  std::vector<char*> first(kBlocks);
  std::vector<char*> mine(kBlocks);
  {
    AccountScope scope(&owner, AccountScope::kExclusive);
    for (char*& b : first) b = Keep(new char[64]);
  }
  EXPECT_EQ(owner.bytes(), kBlocks * 64);
  std::atomic<bool> go{false};
  std::vector<std::thread> freers;
  for (int t = 0; t < 2; ++t) {
    freers.emplace_back([&, t] {
      while (!go.load()) std::this_thread::yield();
      for (int i = t; i < kBlocks; i += 2) delete[] first[i];
    });
  }
  {
    // The owner's cheap path runs while the others credit it atomically.
    AccountScope scope(&owner, AccountScope::kExclusive);
    go.store(true);
    for (char*& b : mine) b = Keep(new char[32]);
  }
  for (std::thread& t : freers) t.join();
  EXPECT_EQ(owner.bytes(), kBlocks * 32);
  for (char* b : mine) delete[] b;
  EXPECT_EQ(owner.bytes(), 0);
}

TEST(AccountTest, AChildAccountsChangesShowInItsParentToo) {
  Account parent;
  Account child(&parent);
  EXPECT_EQ(child.parent(), &parent);
  AccountScope scope(&child, AccountScope::kExclusive);
  auto* block = Keep(new char[5000]);
  EXPECT_EQ(child.bytes(), 5000);
  EXPECT_EQ(parent.bytes(), 5000);
  delete[] block;
  EXPECT_EQ(child.bytes(), 0);
  EXPECT_EQ(parent.bytes(), 0);
}

TEST(AccountTest, ADeferredScopeTalliesAndChargesOnceWhenItEnds) {
  Account a;
  char* kept;
  {
    AccountScope scope(&a, AccountScope::kDeferred);
    kept = Keep(new char[3000]);
    auto* gone = Keep(new char[1000]);
    delete[] gone;
    EXPECT_EQ(scope.tally(), 3000);
    EXPECT_EQ(a.bytes(), 0);  // not applied yet
  }
  EXPECT_EQ(a.bytes(), 3000);
  delete[] kept;
  EXPECT_EQ(a.bytes(), 0);
}

TEST(AccountTest, TakePeakSeesASpikeThatCameAndWentBetweenTwoReads) {
  Account a;
  EXPECT_EQ(a.TakePeak(), 0);
  {
    AccountScope scope(&a, AccountScope::kExclusive);
    auto* spike = Keep(new char[kMiB]);
    delete[] spike;
  }
  EXPECT_EQ(a.bytes(), 0);
  EXPECT_EQ(a.peak(), kMiB);  // reading without taking keeps it
  EXPECT_EQ(a.TakePeak(), kMiB);
  EXPECT_EQ(a.TakePeak(), 0);  // restarted from the current value
}

TEST(AccountTest, APeakChargedByAnotherThreadIsSeenToo) {
  Account a;
  std::thread t([&] {
    AccountScope scope(&a, AccountScope::kShared);
    auto* spike = Keep(new char[kMiB]);
    delete[] spike;
  });
  t.join();
  EXPECT_EQ(a.bytes(), 0);
  EXPECT_EQ(a.TakePeak(), kMiB);
}

TEST(AccountTest, BinaryBytesKeepTheirOwnPeak) {
  Account a;
  a.AddBinary(kMiB);
  a.AddBinary(-kMiB);
  EXPECT_EQ(a.binary_bytes(), 0);
  EXPECT_EQ(a.bytes(), 0);  // binaries are not memory of the account
  EXPECT_EQ(a.binary_peak(), kMiB);
  EXPECT_EQ(a.TakeBinaryPeak(), kMiB);
  EXPECT_EQ(a.TakeBinaryPeak(), 0);
}

TEST(AccountTest, AZeroByteBlockCountsOneByteSoThatAnEmptyAccountOwnsNoBlock) {
  Account a;
  AccountScope scope(&a, AccountScope::kExclusive);
  void* p = Keep(::operator new(0));
  EXPECT_EQ(a.bytes(), 1);
  ::operator delete(p);
  EXPECT_EQ(a.bytes(), 0);
}

struct alignas(64) CacheLine {
  char bytes[64];
};

TEST(AccountTest, OverAlignedBlocksAreAlignedChargedAndCredited) {
  Account a;
  AccountScope scope(&a, AccountScope::kShared);
  auto* line = Keep(new CacheLine);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(line) % 64, 0u);
  EXPECT_EQ(a.bytes(), 64);
  delete line;
  auto* lines = Keep(new CacheLine[3]);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(lines) % 64, 0u);
  delete[] lines;
  EXPECT_EQ(a.bytes(), 0);
}

TEST(AccountTest, NothrowAllocationsAreChargedLikeTheOthers) {
  Account a;
  AccountScope scope(&a, AccountScope::kExclusive);
  auto* p = Keep(new (std::nothrow) char[777]);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(a.bytes(), 777);
  delete[] p;
  EXPECT_EQ(a.bytes(), 0);
}

}  // namespace
}  // namespace overseer
