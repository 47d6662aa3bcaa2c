// Account: an owner of memory, to which every `new` made on its behalf is
// charged and from which every matching `delete` is credited, whichever
// thread frees the block. A process owns one account; each child spec a
// supervisor holds owns one whose parent is the supervisor's, so the spec's
// bytes show both on their own and in the supervisor's total.
//
// The core library replaces the global operator new/delete: each block gets
// a 16-byte header naming its account and size, and a thread-local "current
// account" says whom a new block is charged to. The scheduler makes the
// running process current; the copy paths (send, child specs) make the
// receiver current while they copy. No lock is taken on the allocation path.
//
// Example:
//   Account a;
//   {
//     AccountScope scope(&a, AccountScope::kShared);
//     auto* v = new std::vector<char>(1 << 20);   // a.bytes() grows by ~1 MiB
//     delete v;                                   // and shrinks back
//   }
#ifndef OVERSEER_CORE_ACCOUNT_H_
#define OVERSEER_CORE_ACCOUNT_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace overseer {

class Account {
 public:
  // `parent`, when given, sees every change of this account too; it must
  // outlive this account.
  explicit Account(Account* parent = nullptr) : parent_(parent) {}
  Account(const Account&) = delete;
  Account& operator=(const Account&) = delete;

  // Bytes charged now. Thread-safe; exact once concurrent copies finished.
  int64_t bytes() const {
    return local_.load(std::memory_order_relaxed) +
           shared_.load(std::memory_order_relaxed);
  }
  // Highest bytes() since the last TakePeak(). Thread-safe.
  int64_t peak() const;
  // Returns the peak and restarts it from the current value. Thread-safe;
  // meant for one reader (the sampler), so that no spike is missed.
  int64_t TakePeak();

  // Shared binaries this owner references (counted apart from bytes()).
  int64_t binary_bytes() const {
    return binary_.load(std::memory_order_relaxed);
  }
  int64_t binary_peak() const;
  int64_t TakeBinaryPeak();
  void AddBinary(int64_t delta);

  Account* parent() const { return parent_; }

  // Whether nothing is charged to it, memory or binaries. Once true for an
  // account that nobody charges any more (its owner is gone), it may be
  // destroyed: a credit is complete once it shows (acquire), and never
  // touches the account after that.
  bool empty() const;

  // Internal: charge/credit paths used by the allocator hooks.
  void ChargeShared(int64_t delta);
  void ChargeLocal(int64_t delta);

 private:
  // local_ is written only by the thread the owner runs on (plain load and
  // store, no lock prefix); shared_ by anyone else, atomically.
  std::atomic<int64_t> local_{0};
  std::atomic<int64_t> shared_{0};
  std::atomic<int64_t> peak_{0};
  std::atomic<int64_t> binary_{0};
  std::atomic<int64_t> binary_peak_{0};
  Account* const parent_;
};

// Makes `account` current on this thread for the scope's life, restoring
// the previous one after. Owner-thread only; scopes nest.
class AccountScope {
 public:
  enum Mode : uint8_t {
    // The owner runs on this thread and no other thread writes its local
    // counter: the cheapest path (no atomic read-modify-write).
    kExclusive,
    // Someone else's account (a copy on its behalf): atomic updates.
    kShared,
    // Like kShared, but the bytes are tallied on this thread and applied in
    // one atomic add when the scope ends; tally() reads them meanwhile.
    kDeferred,
  };
  AccountScope(Account* account, Mode mode);
  ~AccountScope();
  AccountScope(const AccountScope&) = delete;
  AccountScope& operator=(const AccountScope&) = delete;

  // Net bytes charged to the account while this (kDeferred) scope was current.
  int64_t tally() const;

 private:
  struct Saved {
    Account* account;
    int64_t tally;
    Mode mode;
  } saved_;
  int64_t start_tally_ = 0;
};

// The account new blocks are charged to on this thread, or null.
Account* CurrentAccount();

// Bytes the header of each block costs (not charged to accounts).
inline constexpr size_t kAllocationHeaderBytes = 16;

}  // namespace overseer

#endif  // OVERSEER_CORE_ACCOUNT_H_
