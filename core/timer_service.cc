#include "core/timer_service.h"

#include "core/account.h"

namespace overseer::internal {

TimerService::TimerService() {
  AccountScope none(nullptr, AccountScope::kShared);
  thread_ = std::thread([this] { Loop(); });
}

TimerService::~TimerService() { Stop(); }

void TimerService::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stop_) return;
    stop_ = true;
    cv_.Signal();
  }
  thread_.join();
  AccountScope none(nullptr, AccountScope::kShared);
  absl::MutexLock lock(&mu_);
  timers_.clear();
  by_deadline_.clear();
}

uint64_t TimerService::Start(absl::Duration delay, std::function<void()> fire) {
  // Timers belong to the runtime, not to the process that started them.
  AccountScope none(nullptr, AccountScope::kShared);
  absl::Time deadline = absl::Now() + delay;
  absl::MutexLock lock(&mu_);
  uint64_t id = next_id_++;
  timers_.emplace(id, std::make_pair(deadline, std::move(fire)));
  by_deadline_.emplace(deadline, id);
  // Waking the timer thread costs two context switches; it is only needed
  // when it sleeps past the new deadline (a call's timeout, started and
  // cancelled for each call, almost never is).
  if (deadline < wake_at_) cv_.Signal();
  return id;
}

bool TimerService::Cancel(uint64_t id) {
  AccountScope none(nullptr, AccountScope::kShared);
  std::function<void()> dropped;  // destroyed outside the lock
  absl::MutexLock lock(&mu_);
  auto it = timers_.find(id);
  if (it == timers_.end()) return false;
  auto range = by_deadline_.equal_range(it->second.first);
  for (auto d = range.first; d != range.second; ++d) {
    if (d->second == id) {
      by_deadline_.erase(d);
      break;
    }
  }
  dropped = std::move(it->second.second);
  timers_.erase(it);
  return true;
}

void TimerService::Loop() {
  AccountScope none(nullptr, AccountScope::kShared);
  absl::MutexLock lock(&mu_);
  while (!stop_) {
    if (by_deadline_.empty()) {
      wake_at_ = absl::InfiniteFuture();
      cv_.Wait(&mu_);
      continue;
    }
    auto first = by_deadline_.begin();
    if (first->first > absl::Now()) {
      wake_at_ = first->first;
      cv_.WaitWithDeadline(&mu_, first->first);
      continue;
    }
    uint64_t id = first->second;
    by_deadline_.erase(first);
    auto it = timers_.find(id);
    std::function<void()> fire = std::move(it->second.second);
    timers_.erase(it);
    mu_.Unlock();
    fire();
    fire = nullptr;
    mu_.Lock();
  }
}

}  // namespace overseer::internal
