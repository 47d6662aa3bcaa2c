// Helpers shared by the core tests: waiting for a condition without fixed
// sleeps, waiting for a process to settle, a process whose messages the
// test thread can read (Collector + Inbox), a gate a handler blocks on, and
// a journal that records the order of events across processes.
//
// Example:
//   Inbox inbox;
//   Pid c = *rt.Spawn<Collector>({}, &inbox);
//   rt.Send(c, Ping{});
//   std::optional<Message> m = inbox.Next();   // the Ping, copied out
#ifndef OVERSEER_TESTS_CORE_CORE_TEST_UTIL_H_
#define OVERSEER_TESTS_CORE_CORE_TEST_UTIL_H_

#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/account.h"
#include "core/message.h"
#include "core/process.h"
#include "core/runtime.h"
#include "gtest/gtest.h"

namespace overseer::testing {

// Generous: the limit only turns a hang into a failure, it is no timing.
inline constexpr absl::Duration kPatience = absl::Seconds(20);

// Polls `done` until it holds; false if `limit` passed first.
inline bool Eventually(const std::function<bool()>& done,
                       absl::Duration limit = kPatience) {
  absl::Time deadline = absl::Now() + limit;
  while (!done()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Microseconds(500));
  }
  return true;
}

// Waits until `pid` has finished its slice with nothing queued, so that
// whatever its last handler freed is freed (a reply arriving does not mean
// that). Returns its figures then; nullopt if it ended or never settled.
inline std::optional<ProcessInfo> Settled(Runtime& rt, const Pid& pid) {
  std::optional<ProcessInfo> info;
  bool ok = Eventually([&] {
    info = rt.Info(pid);
    return !info || (info->status == ProcessStatus::kWaiting &&
                     info->mailbox_len.value == 0);
  });
  if (!ok) return std::nullopt;
  return info;
}

// Messages copied out of processes, for the test thread to read. Copies are
// made outside any account: they belong to the test. Declare it before the
// Runtime whose processes write to it.
class Inbox {
 public:
  void Put(const Message& m) {
    AccountScope none(nullptr, AccountScope::kShared);
    Message copy = m;
    absl::MutexLock lock(&mu_);
    queue_.push_back(std::move(copy));
    cv_.Signal();
  }
  // The oldest message not taken yet, waiting for it up to `limit`.
  std::optional<Message> Next(absl::Duration limit = kPatience) {
    absl::Time deadline = absl::Now() + limit;
    absl::MutexLock lock(&mu_);
    // A wait loop, not Mutex::Await: the condition then runs in this code,
    // where TSan checks it (Await's runs unchecked: cmake/tsan_absl_sync.cc).
    while (queue_.empty()) {
      if (cv_.WaitWithDeadline(&mu_, deadline) && queue_.empty()) {
        return std::nullopt;
      }
    }
    Message m = std::move(queue_.front());
    queue_.pop_front();
    return m;
  }
  // The next message as a T; nullopt if none came or it is something else.
  template <typename T>
  std::optional<T> NextAs(absl::Duration limit = kPatience) {
    std::optional<Message> m = Next(limit);
    if (!m || !m->Is<T>()) return std::nullopt;
    return *m->As<T>();
  }
  size_t size() const {
    absl::MutexLock lock(&mu_);
    return queue_.size();
  }

 private:
  mutable absl::Mutex mu_;
  absl::CondVar cv_;
  std::deque<Message> queue_;
};

// A process that puts every message it gets (info, cast, call) into an
// Inbox; it answers calls with an empty reply.
class Collector : public Process {
 public:
  explicit Collector(Inbox* inbox) : inbox_(inbox) {}

 protected:
  Co Handle(Envelope::Kind kind, Message& message, From from) override {
    inbox_->Put(message);
    if (kind == Envelope::Kind::kCall) Reply(from, 0);
    return {};
  }

 private:
  Inbox* inbox_;
};

// A handler blocks its scheduler thread on a gate until the test opens it
// (so that what is sent meanwhile stays queued). Declare it before the
// Runtime; a test that fails before opening it is only held kPatience.
struct Gate {
  absl::Notification entered;
  absl::Notification opened;
  void Pass() {
    entered.Notify();
    opened.WaitForNotificationWithTimeout(kPatience);
  }
};

// Lines recorded by several processes, in the order they happened. The
// lines are the test's memory, not the recording process's.
class Journal {
 public:
  void Add(std::string line) {
    AccountScope none(nullptr, AccountScope::kShared);
    std::string copy = line;
    absl::MutexLock lock(&mu_);
    lines_.push_back(std::move(copy));
  }
  std::vector<std::string> lines() const {
    absl::MutexLock lock(&mu_);
    return lines_;
  }
  void Clear() {
    absl::MutexLock lock(&mu_);
    lines_.clear();
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<std::string> lines_;
};

}  // namespace overseer::testing

#endif  // OVERSEER_TESTS_CORE_CORE_TEST_UTIL_H_
