// The accounting allocator: global operator new/delete replaced by a header
// per block that names its account. See account.h for the contract.
#include "core/account.h"

#include <cstdlib>
#include <new>

namespace overseer {
namespace {

struct alignas(16) Header {
  Account* account;
  uint64_t size;
};
static_assert(sizeof(Header) == kAllocationHeaderBytes);

struct Context {
  Account* account = nullptr;
  int64_t tally = 0;
  AccountScope::Mode mode = AccountScope::kShared;
};
thread_local Context t_context;

void RaiseTo(std::atomic<int64_t>& peak, int64_t value) {
  int64_t p = peak.load(std::memory_order_relaxed);
  while (value > p &&
         !peak.compare_exchange_weak(p, value, std::memory_order_relaxed)) {
  }
}

// A zero-byte block still counts as one byte, so that an account at zero
// owns no block and can be reused.
inline int64_t Charge(size_t size) {
  return size == 0 ? 1 : static_cast<int64_t>(size);
}

inline void OnAllocate(Header* h, size_t size) {
  Context& c = t_context;
  h->account = c.account;
  h->size = size;
  if (c.account == nullptr) return;
  switch (c.mode) {
    case AccountScope::kExclusive: c.account->ChargeLocal(Charge(size)); break;
    case AccountScope::kShared: c.account->ChargeShared(Charge(size)); break;
    case AccountScope::kDeferred: c.tally += Charge(size); break;
  }
}

inline void OnFree(const Header* h) {
  Account* a = h->account;
  if (a == nullptr) return;
  Context& c = t_context;
  if (a == c.account) {
    switch (c.mode) {
      case AccountScope::kExclusive: a->ChargeLocal(-Charge(h->size)); return;
      case AccountScope::kDeferred: c.tally -= Charge(h->size); return;
      case AccountScope::kShared: break;
    }
  }
  a->ChargeShared(-Charge(h->size));
}

void* Allocate(size_t size, bool nothrow) {
  void* raw = std::malloc(size + sizeof(Header));
  if (raw == nullptr) {
    if (nothrow) return nullptr;
    throw std::bad_alloc();
  }
  auto* h = static_cast<Header*>(raw);
  OnAllocate(h, size);
  return h + 1;
}

void Free(void* p) {
  if (p == nullptr) return;
  Header* h = static_cast<Header*>(p) - 1;
  OnFree(h);
  std::free(h);
}

// Over-aligned blocks: the header sits right before the user pointer, and
// the base is `align` bytes before it (align >= sizeof(Header)).
void* AllocateAligned(size_t size, std::align_val_t al, bool nothrow) {
  size_t align = static_cast<size_t>(al);
  if (align < sizeof(Header)) align = sizeof(Header);
  size_t total = (size + align + align - 1) / align * align;
  void* raw = std::aligned_alloc(align, total);
  if (raw == nullptr) {
    if (nothrow) return nullptr;
    throw std::bad_alloc();
  }
  char* user = static_cast<char*>(raw) + align;
  OnAllocate(reinterpret_cast<Header*>(user) - 1, size);
  return user;
}

void FreeAligned(void* p, std::align_val_t al) {
  if (p == nullptr) return;
  size_t align = static_cast<size_t>(al);
  if (align < sizeof(Header)) align = sizeof(Header);
  OnFree(static_cast<Header*>(p) - 1);
  std::free(static_cast<char*>(p) - align);
}

}  // namespace

int64_t Account::peak() const {
  int64_t p = peak_.load(std::memory_order_relaxed);
  int64_t now = bytes();
  return p > now ? p : now;
}

int64_t Account::TakePeak() {
  int64_t now = bytes();
  int64_t p = peak_.exchange(now, std::memory_order_relaxed);
  return p > now ? p : now;
}

int64_t Account::binary_peak() const {
  int64_t p = binary_peak_.load(std::memory_order_relaxed);
  int64_t now = binary_bytes();
  return p > now ? p : now;
}

int64_t Account::TakeBinaryPeak() {
  int64_t now = binary_bytes();
  int64_t p = binary_peak_.exchange(now, std::memory_order_relaxed);
  return p > now ? p : now;
}

bool Account::empty() const {
  return local_.load(std::memory_order_acquire) +
                 shared_.load(std::memory_order_acquire) ==
             0 &&
         binary_.load(std::memory_order_acquire) == 0;
}

// A credit (delta < 0) touches nothing of the account after its counter
// moved: the account of an ended process may be freed once it reads empty.
void Account::AddBinary(int64_t delta) {
  int64_t now = binary_.fetch_add(delta, std::memory_order_acq_rel) + delta;
  if (delta > 0) RaiseTo(binary_peak_, now);
}

void Account::ChargeShared(int64_t delta) {
  for (Account* a = this; a != nullptr;) {
    Account* next = a->parent_;
    int64_t local = a->local_.load(std::memory_order_relaxed);
    int64_t now =
        a->shared_.fetch_add(delta, std::memory_order_acq_rel) + delta + local;
    if (delta > 0) RaiseTo(a->peak_, now);
    a = next;
  }
}

void Account::ChargeLocal(int64_t delta) {
  if (parent_ != nullptr) {  // only root accounts take the plain path
    ChargeShared(delta);
    return;
  }
  int64_t local = local_.load(std::memory_order_relaxed) + delta;
  local_.store(local, std::memory_order_relaxed);
  if (delta > 0) {
    int64_t now = local + shared_.load(std::memory_order_relaxed);
    if (now > peak_.load(std::memory_order_relaxed)) RaiseTo(peak_, now);
  }
}

AccountScope::AccountScope(Account* account, Mode mode)
    : saved_{t_context.account, t_context.tally, t_context.mode} {
  t_context.account = account;
  t_context.mode = mode;
  t_context.tally = 0;
}

AccountScope::~AccountScope() {
  if (t_context.mode == kDeferred && t_context.account != nullptr &&
      t_context.tally != 0) {
    t_context.account->ChargeShared(t_context.tally);
  }
  t_context.account = saved_.account;
  t_context.mode = saved_.mode;
  t_context.tally = saved_.tally;
}

int64_t AccountScope::tally() const { return t_context.tally; }

Account* CurrentAccount() { return t_context.account; }

}  // namespace overseer

// The replaced global allocation functions ([new.delete]); every variant
// goes through the two paths above so that the header is always there.
void* operator new(size_t n) { return overseer::Allocate(n, false); }
void* operator new[](size_t n) { return overseer::Allocate(n, false); }
void* operator new(size_t n, const std::nothrow_t&) noexcept {
  return overseer::Allocate(n, true);
}
void* operator new[](size_t n, const std::nothrow_t&) noexcept {
  return overseer::Allocate(n, true);
}
void operator delete(void* p) noexcept { overseer::Free(p); }
void operator delete[](void* p) noexcept { overseer::Free(p); }
void operator delete(void* p, size_t) noexcept { overseer::Free(p); }
void operator delete[](void* p, size_t) noexcept { overseer::Free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept {
  overseer::Free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  overseer::Free(p);
}
void* operator new(size_t n, std::align_val_t a) {
  return overseer::AllocateAligned(n, a, false);
}
void* operator new[](size_t n, std::align_val_t a) {
  return overseer::AllocateAligned(n, a, false);
}
void* operator new(size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return overseer::AllocateAligned(n, a, true);
}
void* operator new[](size_t n, std::align_val_t a,
                     const std::nothrow_t&) noexcept {
  return overseer::AllocateAligned(n, a, true);
}
void operator delete(void* p, std::align_val_t a) noexcept {
  overseer::FreeAligned(p, a);
}
void operator delete[](void* p, std::align_val_t a) noexcept {
  overseer::FreeAligned(p, a);
}
void operator delete(void* p, size_t, std::align_val_t a) noexcept {
  overseer::FreeAligned(p, a);
}
void operator delete[](void* p, size_t, std::align_val_t a) noexcept {
  overseer::FreeAligned(p, a);
}
void operator delete(void* p, std::align_val_t a, const std::nothrow_t&) noexcept {
  overseer::FreeAligned(p, a);
}
void operator delete[](void* p, std::align_val_t a,
                       const std::nothrow_t&) noexcept {
  overseer::FreeAligned(p, a);
}
