#include "core/zone.h"

#include "core/account.h"
#include "core/clock.h"
#include "core/pcb.h"
#include "core/runtime_impl.h"

namespace overseer {
namespace internal {
std::atomic<bool> g_zones_on{false};
}  // namespace internal

namespace {
thread_local ZoneScope* t_innermost = nullptr;

ZoneSlot* FindSlot(ZoneTable& table, const char* name) {
  for (ZoneSlot& s : table.slots) {
    const char* n = s.name.load(std::memory_order_relaxed);
    if (n == name) return &s;
    if (n == nullptr) {
      s.name.store(name, std::memory_order_release);
      return &s;
    }
  }
  return &table.other;
}
}  // namespace

void ZoneScope::Begin(const char* name) {
  internal::Pcb* p = internal::CurrentPcb();
  if (p == nullptr) return;
  ZoneTable* table = p->zones_.load(std::memory_order_acquire);
  if (table == nullptr) {
    AccountScope none(nullptr, AccountScope::kShared);
    table = new ZoneTable;
    p->zones_.store(table, std::memory_order_release);
  }
  slot_ = FindSlot(*table, name);
  parent_ = t_innermost;
  t_innermost = this;
  suspended_ = &p->suspended_cycles_;
  suspended_at_start_ = *suspended_;
  start_ = CycleNow();
}

void ZoneScope::End() {
  // The process may have waited (co_await) inside the zone: not its time.
  int64_t elapsed = CycleNow() - start_ - (*suspended_ - suspended_at_start_);
  slot_->calls.store(slot_->calls.load(std::memory_order_relaxed) + 1,
                     std::memory_order_relaxed);
  slot_->cycles.store(slot_->cycles.load(std::memory_order_relaxed) + elapsed -
                          child_cycles_,
                      std::memory_order_relaxed);
  // Pops this zone off the thread's chain, with any zone opened after it
  // and left open (one in a coroutine frame that suspended). A zone no
  // longer on the chain ends after such a suspension, maybe on another
  // thread, when the zones around it at its start may be gone: it leaves
  // the chain alone.
  for (const ZoneScope* z = t_innermost; z != nullptr; z = z->parent_) {
    if (z != this) continue;
    if (parent_ != nullptr) parent_->child_cycles_ += elapsed;
    t_innermost = parent_;
    return;
  }
}

}  // namespace overseer
