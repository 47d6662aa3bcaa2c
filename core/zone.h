// Timed zones: OVERSEER_ZONE("name") times the rest of the enclosing scope
// and adds it to the running process's profile (calls, exclusive time), as
// eprof does per function. The runtime marks its own zones: "send/copy",
// "spawn", each handler ("handle_call(Buffer)") and supervisor start_child.
//
// Built with OVERSEER_ZONES off, the macro compiles to nothing. Built in but
// with profiling off (Runtime::SetProfiling), a zone costs one branch.
// Times are what the process spent running, as eprof counts them: a zone
// around a co_await does not count the time the process waited.
//
// Example:
//   void Parse() {
//     OVERSEER_ZONE("parse");
//     ...
//   }
#ifndef OVERSEER_CORE_ZONE_H_
#define OVERSEER_CORE_ZONE_H_

#include <atomic>
#include <cstdint>

namespace overseer {

// One zone's totals for one process. Written by the owner, read by anyone.
struct ZoneSlot {
  std::atomic<const char*> name{nullptr};
  std::atomic<uint64_t> calls{0};
  std::atomic<int64_t> cycles{0};  // exclusive time, in CycleNow() ticks
};

// A process's zones: a few named slots, then "other" for the rest.
struct ZoneTable {
  static constexpr int kSlots = 12;
  ZoneSlot slots[kSlots];
  ZoneSlot other;
};

namespace internal {
extern std::atomic<bool> g_zones_on;
}  // namespace internal

class ZoneScope {
 public:
  // `name` must outlive the program (a literal or an interned string).
  explicit ZoneScope(const char* name) {
    if (internal::g_zones_on.load(std::memory_order_relaxed)) Begin(name);
  }
  ~ZoneScope() {
    if (slot_ != nullptr) End();
  }
  ZoneScope(const ZoneScope&) = delete;
  ZoneScope& operator=(const ZoneScope&) = delete;

 private:
  void Begin(const char* name);
  void End();
  ZoneSlot* slot_ = nullptr;
  ZoneScope* parent_ = nullptr;
  const int64_t* suspended_ = nullptr;  // the process's time spent waiting
  int64_t start_ = 0;
  int64_t suspended_at_start_ = 0;
  int64_t child_cycles_ = 0;
};

}  // namespace overseer

#define OVERSEER_ZONE_CONCAT_INNER(a, b) a##b
#define OVERSEER_ZONE_CONCAT(a, b) OVERSEER_ZONE_CONCAT_INNER(a, b)
#if defined(OVERSEER_ZONES_ENABLED)
#define OVERSEER_ZONE(name) \
  ::overseer::ZoneScope OVERSEER_ZONE_CONCAT(overseer_zone_, __LINE__)(name)
#else
#define OVERSEER_ZONE(name) \
  do {                      \
  } while (0)
#endif

#endif  // OVERSEER_CORE_ZONE_H_
