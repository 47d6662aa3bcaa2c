#include "core/scheduler.h"

#include "core/account.h"
#include "core/clock.h"

namespace overseer::internal {
namespace {
thread_local const Scheduler* t_scheduler = nullptr;
thread_local int t_worker = -1;
}  // namespace

Scheduler::Scheduler(int threads, std::function<void(Pcb*)> run)
    : run_(std::move(run)) {
  AccountScope none(nullptr, AccountScope::kShared);
  for (int i = 0; i < threads; ++i) workers_.push_back(std::make_unique<Worker>());
  for (int i = 0; i < threads; ++i) {
    workers_[i]->thread = std::thread([this, i] { Loop(i); });
  }
}

Scheduler::~Scheduler() { Stop(); }

void Scheduler::Stop() {
  if (stop_.exchange(true)) return;
  {
    absl::MutexLock lock(&sleep_mu_);
    sleep_cv_.SignalAll();
  }
  for (auto& w : workers_) {
    if (w->thread.joinable()) w->thread.join();
  }
}

void Scheduler::Enqueue(Pcb* pcb) {
  AccountScope none(nullptr, AccountScope::kShared);
  bool local = t_scheduler == this;
  int index = local ? t_worker
                    : static_cast<int>(next_external_.fetch_add(1) % workers_.size());
  Worker& w = *workers_[index];
  size_t before;
  {
    absl::MutexLock lock(&w.mu);
    w.queue.push_back(pcb);
    before = w.size.fetch_add(1, std::memory_order_seq_cst);
  }
  // A thread that queues on itself runs it next anyway: only wake a sleeper
  // when there is more than that one process to run.
  if (sleepers_.load(std::memory_order_seq_cst) > 0 && (!local || before > 0)) {
    WakeOne();
  }
}

void Scheduler::WakeOne() {
  absl::MutexLock lock(&sleep_mu_);
  sleep_cv_.Signal();
}

bool Scheduler::AnyWork() const {
  for (const auto& w : workers_) {
    if (w->size.load(std::memory_order_seq_cst) > 0) return true;
  }
  return false;
}

Pcb* Scheduler::Take(int index) {
  size_t n = workers_.size();
  for (size_t k = 0; k < n; ++k) {
    Worker& w = *workers_[(index + k) % n];
    if (w.size.load(std::memory_order_relaxed) == 0) continue;
    absl::MutexLock lock(&w.mu);
    if (w.queue.empty()) continue;
    Pcb* p;
    if (k == 0) {  // own queue: oldest first
      p = w.queue.front();
      w.queue.pop_front();
    } else {  // steal from the back, where the victim's newest work is
      p = w.queue.back();
      w.queue.pop_back();
    }
    w.size.fetch_sub(1, std::memory_order_relaxed);
    return p;
  }
  return nullptr;
}

void Scheduler::Loop(int index) {
  t_scheduler = this;
  t_worker = index;
  Worker& self = *workers_[index];
  while (!stop_.load(std::memory_order_relaxed)) {
    if (Pcb* p = Take(index)) {
      // Queued work behind a process that may run long: let a sleeper take it.
      if (self.size.load(std::memory_order_relaxed) > 0 &&
          sleepers_.load(std::memory_order_relaxed) > 0) {
        WakeOne();
      }
      // The TSC, not the system clock: this runs for every slice, and a
      // clock_gettime costs about three TSC reads on a virtual machine.
      int64_t t0 = CycleNow();
      run_(p);
      self.busy_cycles.fetch_add(CycleNow() - t0, std::memory_order_relaxed);
      continue;
    }
    absl::MutexLock lock(&sleep_mu_);
    sleepers_.fetch_add(1, std::memory_order_seq_cst);
    if (!AnyWork() && !stop_.load()) sleep_cv_.Wait(&sleep_mu_);
    sleepers_.fetch_sub(1, std::memory_order_seq_cst);
  }
}

std::vector<int64_t> Scheduler::BusyNs() const {
  std::vector<int64_t> out;
  for (const auto& w : workers_) {
    out.push_back(CyclesToNs(w->busy_cycles.load()));
  }
  return out;
}

void Scheduler::CountSend() {
  if (t_scheduler == this) {
    auto& c = workers_[t_worker]->sent;
    c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  } else {
    external_sent_.fetch_add(1, std::memory_order_relaxed);
  }
}

uint64_t Scheduler::MessagesSent() const {
  uint64_t n = external_sent_.load();
  for (const auto& w : workers_) n += w->sent.load();
  return n;
}

}  // namespace overseer::internal
