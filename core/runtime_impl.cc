#include "core/runtime_impl.h"

#include <algorithm>
#include <cstdint>
#include <exception>
#include <thread>
#include <typeinfo>

#include "absl/container/node_hash_map.h"
#include "absl/strings/str_cat.h"
#include "core/binary.h"
#include "core/clock.h"
#include "core/type_name.h"

namespace overseer::internal {
namespace {

thread_local Pcb* t_current = nullptr;

int DefaultSchedulers(int requested) {
  if (requested > 0) return requested;
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

}  // namespace

Pcb* CurrentPcb() { return t_current; }
void SetCurrentPcb(Pcb* pcb) { t_current = pcb; }

RuntimeImpl::RuntimeImpl(Runtime* owner, const RuntimeOptions& options)
    : start_ns_(MonotonicNowNs()), owner_(owner), options_(options) {
  // The cycle clock calibrates itself on first use, sleeping a few ms: here,
  // not inside the first process that sends (where it stalled a scheduler
  // thread and showed as that process's send time).
  (void)CyclesToNs(1);
  AccountScope none(nullptr, AccountScope::kShared);
  scheduler_ = std::make_unique<Scheduler>(
      DefaultSchedulers(options.schedulers), [this](Pcb* p) { RunSlice(p); });
}

RuntimeImpl::~RuntimeImpl() {
  scheduler_->Stop();
  timers_.Stop();
  // No thread runs processes any more: end each one here, as its owner.
  std::vector<Pid> all;
  ForEach([&](Pcb& p) { all.push_back(Pid(&p)); });
  for (const Pid& pid : all) {
    Pcb* p = pid.pcb();
    if (p->sched_.load() == Pcb::kDead) continue;
    Pcb* saved = t_current;
    t_current = p;
    {
      AccountScope scope(&p->own_, AccountScope::kExclusive);
      EndProcess(p, ExitReason::Shutdown());
    }
    t_current = saved;
  }
  AccountScope none(nullptr, AccountScope::kShared);
  all.clear();
  absl::MutexLock lock(&names_mu_);
  names_.clear();
}

void RuntimeImpl::Insert(Pcb* pcb) {
  AccountScope none(nullptr, AccountScope::kShared);
  Shard& s = shards_[pcb->id_ % kShards];
  absl::MutexLock lock(&s.mu);
  s.procs.emplace(pcb->id_, pcb);
  count_.fetch_add(1, std::memory_order_relaxed);
}

void RuntimeImpl::Remove(Pcb* pcb) {
  AccountScope none(nullptr, AccountScope::kShared);
  Shard& s = shards_[pcb->id_ % kShards];
  {
    absl::MutexLock lock(&s.mu);
    if (s.procs.erase(pcb->id_) == 0) return;
  }
  count_.fetch_sub(1, std::memory_order_relaxed);
  Release(pcb);  // the table's reference
}

Pid RuntimeImpl::Find(uint64_t id) const {
  const Shard& s = shards_[id % kShards];
  absl::MutexLock lock(&s.mu);
  auto it = s.procs.find(id);
  return it == s.procs.end() ? Pid() : Pid(it->second);
}

void RuntimeImpl::ForEach(absl::FunctionRef<void(Pcb&)> visit) const {
  for (const Shard& s : shards_) {
    absl::MutexLock lock(&s.mu);
    for (const auto& [id, pcb] : s.procs) visit(*pcb);
  }
}

absl::Status RuntimeImpl::Register(std::string_view name, const Pid& pid) {
  if (name.empty()) return absl::InvalidArgumentError("empty name");
  if (!pid.valid()) return absl::InvalidArgumentError("no process");
  AccountScope none(nullptr, AccountScope::kShared);
  std::string key(name);
  absl::MutexLock lock(&names_mu_);
  auto it = names_.find(key);
  if (it != names_.end() && it->second.pcb()->sched_.load() != Pcb::kDead) {
    return absl::AlreadyExistsError(
        absl::StrCat(key, " is already registered to ", it->second.ToString()));
  }
  // Checked and set under the process's lock, so that its exit either sees
  // the name (and frees it) or the name is refused.
  Pcb* p = pid.pcb();
  absl::MutexLock plock(&p->mu_);
  if (p->dead_) return absl::NotFoundError(pid.ToString() + " is not alive");
  if (!p->name_.empty()) {
    return absl::AlreadyExistsError(
        absl::StrCat(pid.ToString(), " is already registered as ", p->name_));
  }
  names_[key] = pid;
  p->name_ = std::move(key);
  return absl::OkStatus();
}

bool RuntimeImpl::Unregister(std::string_view name, const Pcb* only) {
  AccountScope none(nullptr, AccountScope::kShared);
  Pid old;
  {
    absl::MutexLock lock(&names_mu_);
    auto it = names_.find(std::string(name));
    if (it == names_.end()) return false;
    if (only != nullptr && it->second.pcb() != only) return false;
    old = std::move(it->second);
    names_.erase(it);
  }
  absl::MutexLock lock(&old.pcb()->mu_);
  if (old.pcb()->name_ == name) old.pcb()->name_.clear();
  return true;
}

Pid RuntimeImpl::Whereis(std::string_view name) const {
  absl::MutexLock lock(&names_mu_);
  auto it = names_.find(std::string(name));
  if (it == names_.end() || it->second.pcb()->sched_.load() == Pcb::kDead) {
    return Pid();
  }
  return it->second;
}

void RuntimeImpl::Wake(Pcb* pcb) {
  uint8_t idle = Pcb::kIdle;
  if (pcb->sched_.load(std::memory_order_seq_cst) == Pcb::kIdle &&
      pcb->sched_.compare_exchange_strong(idle, Pcb::kScheduled,
                                          std::memory_order_seq_cst)) {
    pcb->status_.store(ProcessStatus::kRunnable, std::memory_order_relaxed);
    scheduler_->Enqueue(pcb);
  }
}

void RuntimeImpl::Emit(RuntimeEvent::Kind kind, uint64_t pid, uint64_t other,
                       std::string text) {
  RuntimeObserver* o = observer_.load(std::memory_order_acquire);
  if (o == nullptr) return;
  AccountScope none(nullptr, AccountScope::kShared);
  RuntimeEvent e{kind, MonotonicNowNs(), pid, other, std::move(text)};
  o->OnEvent(e);
}

void RuntimeImpl::SendExitSignal(const Pid& to, const Pid& from,
                                 const ExitReason& r) {
  Deliver(to, Envelope::Kind::kExitSignal, 0, [&] { return Message::Of(r); });
  (void)from;  // the envelope carries the current process as its sender
}

void RuntimeImpl::LinkPair(Pcb* a, Pcb* b) {
  if (a == b) return;
  AccountScope none(nullptr, AccountScope::kShared);
  // `a`'s side first: if `b` ends after taking `a` into its list below, its
  // exit takes itself out of `a`'s list; if it ended before, `a` does here.
  {
    absl::MutexLock lock(&a->mu_);
    if (std::find(a->links_.begin(), a->links_.end(), Pid(b)) == a->links_.end()) {
      a->links_.push_back(Pid(b));
    }
  }
  bool b_dead;
  {
    absl::MutexLock lock(&b->mu_);
    b_dead = b->dead_;
    if (!b_dead && std::find(b->links_.begin(), b->links_.end(), Pid(a)) ==
                       b->links_.end()) {
      b->links_.push_back(Pid(a));
    }
  }
  if (!b_dead) return;
  {
    absl::MutexLock lock(&a->mu_);
    auto& v = a->links_;
    v.erase(std::remove(v.begin(), v.end(), Pid(b)), v.end());
  }
  // Linking to a dead process: an exit signal noproc, as from it.
  Pcb* saved = t_current;
  t_current = b;
  SendExitSignal(Pid(a), Pid(b), ExitReason::NoProc());
  t_current = saved;
}

void RuntimeImpl::UnlinkPair(Pcb* a, Pcb* b) {
  AccountScope none(nullptr, AccountScope::kShared);
  for (auto [x, y] : {std::pair{a, b}, std::pair{b, a}}) {
    absl::MutexLock lock(&x->mu_);
    auto it = std::find(x->links_.begin(), x->links_.end(), Pid(y));
    if (it != x->links_.end()) x->links_.erase(it);
  }
}

uint64_t RuntimeImpl::AddMonitor(Pcb* watcher, Pcb* target) {
  AccountScope none(nullptr, AccountScope::kShared);
  uint64_t ref = NewRef();
  // The watcher's entry comes first: the target's exit sends a DOWN only
  // for an entry it finds there (and takes out), see EndProcess.
  {
    absl::MutexLock lock(&watcher->mu_);
    watcher->monitoring_.push_back({Pid(target), ref});
  }
  bool dead;
  {
    absl::MutexLock lock(&target->mu_);
    dead = target->dead_;
    if (!dead) target->monitored_by_.push_back({Pid(watcher), ref});
  }
  if (dead) {
    {
      absl::MutexLock lock(&watcher->mu_);
      auto& v = watcher->monitoring_;
      v.erase(std::remove_if(v.begin(), v.end(),
                             [&](const MonitorEntry& m) { return m.ref == ref; }),
              v.end());
    }
    DownMessage down{Ref{ref}, Pid(target), ExitReason::NoProc()};
    Deliver(Pid(watcher), Envelope::Kind::kInfo, 0,
            [&] { return Message::Of(down); });
  }
  return ref;
}

bool RuntimeImpl::RemoveMonitor(Pcb* watcher, uint64_t ref) {
  AccountScope none(nullptr, AccountScope::kShared);
  Pid target;
  {
    absl::MutexLock lock(&watcher->mu_);
    auto& v = watcher->monitoring_;
    auto it = std::find_if(v.begin(), v.end(),
                           [&](const MonitorEntry& m) { return m.ref == ref; });
    if (it == v.end()) return false;
    target = std::move(it->pid);
    v.erase(it);
  }
  absl::MutexLock lock(&target.pcb()->mu_);
  auto& v = target.pcb()->monitored_by_;
  v.erase(std::remove_if(v.begin(), v.end(),
                         [&](const MonitorEntry& m) { return m.ref == ref; }),
          v.end());
  return true;
}

ProcessInfo RuntimeImpl::ReadInfo(Pcb& p, bool take_peaks) const {
  ProcessInfo info;
  info.pid = p.id_;
  info.parent = p.parent_;
  info.ancestors = p.ancestors_;
  info.initial_call = p.initial_call_;
  // Acquire: the name may have been made just now by the process's thread
  // (HandlerName), which published it with a release store.
  info.current_function = p.current_function_.load(std::memory_order_acquire);
  info.kind = p.kind_;
  info.status = p.status_.load(std::memory_order_relaxed);
  auto gauge = [&](auto& g) {
    return GaugeReading{g.value(), take_peaks ? g.TakePeak() : g.peak()};
  };
  int64_t own_peak = take_peaks ? p.own_.TakePeak() : p.own_.peak();
  info.memory = {kPcbBytes + p.own_.bytes(), kPcbBytes + own_peak};
  info.held_spec_bytes = {p.held_.bytes(),
                          take_peaks ? p.held_.TakePeak() : p.held_.peak()};
  info.binary_bytes = {p.own_.binary_bytes(), take_peaks
                                                  ? p.own_.TakeBinaryPeak()
                                                  : p.own_.binary_peak()};
  info.mailbox_len = gauge(p.mailbox_.length());
  info.mailbox_bytes = gauge(p.mailbox_.bytes());
  info.reductions = p.reductions_.load(std::memory_order_relaxed);
  info.messages_in = p.messages_in_.load(std::memory_order_relaxed);
  info.messages_out = p.messages_out_.load(std::memory_order_relaxed);
  info.bytes_in = p.bytes_in_.load(std::memory_order_relaxed);
  info.bytes_out = p.bytes_out_.load(std::memory_order_relaxed);
  info.send_ns = p.send_ns_.load(std::memory_order_relaxed);
  info.largest_send_bytes = take_peaks
                                ? p.largest_send_.exchange(0, std::memory_order_relaxed)
                                : p.largest_send_.load(std::memory_order_relaxed);
  info.largest_send_to = info.largest_send_bytes > 0
                             ? p.largest_send_to_.load(std::memory_order_relaxed)
                             : 0;
  if (const ZoneTable* z = p.zones_.load(std::memory_order_acquire)) {
    auto add = [&](const ZoneSlot& s, const char* fallback) {
      const char* n = s.name.load(std::memory_order_acquire);
      uint64_t calls = s.calls.load(std::memory_order_relaxed);
      if (calls == 0) return;
      info.zones.push_back({n ? n : fallback, calls,
                            CyclesToNs(s.cycles.load(std::memory_order_relaxed))});
    };
    for (const ZoneSlot& s : z->slots) add(s, "other");
    add(z->other, "other");
  }
  absl::MutexLock lock(&p.mu_);
  info.name = p.name_;
  info.trap_exit = p.trap_exit_.load(std::memory_order_relaxed);
  for (const Pid& l : p.links_) info.links.push_back(l.id());
  for (const MonitorEntry& m : p.monitoring_) info.monitors.push_back(m.pid.id());
  return info;
}

namespace {
struct HandlerKey {
  Envelope::Kind kind;
  const std::type_info* type;
  bool operator==(const HandlerKey&) const = default;
  template <typename H>
  friend H AbslHashValue(H h, const HandlerKey& k) {
    return H::combine(std::move(h), k.kind, k.type);
  }
};
}  // namespace

const char* HandlerName(Envelope::Kind kind, const std::type_info& type) {
  using Key = HandlerKey;
  static absl::Mutex mu;
  static auto* names = [] {
    AccountScope none(nullptr, AccountScope::kShared);
    return new absl::node_hash_map<Key, std::string>;
  }();
  // A small cache per thread, so that processes which take turns on one
  // thread with different messages (a ping-pong, a call and its reply) do
  // not take the lock for each message.
  struct Cached {
    Key key{Envelope::Kind::kInfo, nullptr};
    const char* name = nullptr;
  };
  constexpr uintptr_t kCacheSlots = 16;
  thread_local Cached cache[kCacheSlots];
  Key key{kind, &type};
  const uintptr_t hash = reinterpret_cast<uintptr_t>(&type) /
                             alignof(std::type_info) +
                         static_cast<uintptr_t>(kind);
  Cached& slot = cache[hash % kCacheSlots];
  if (slot.key == key) return slot.name;
  AccountScope none(nullptr, AccountScope::kShared);
  absl::MutexLock lock(&mu);
  auto [it, inserted] = names->try_emplace(key);
  if (inserted) {
    const char* verb = kind == Envelope::Kind::kCall   ? "handle_call"
                       : kind == Envelope::Kind::kCast ? "handle_cast"
                                                       : "handle_info";
    it->second = absl::StrCat(verb, "(", TypeName(type), ")");
  }
  slot.key = key;
  slot.name = it->second.c_str();
  return slot.name;
}

}  // namespace overseer::internal
