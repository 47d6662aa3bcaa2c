// Linked into the core tests of a TSan build only. Debian 12's Abseil is
// not built with TSan, so TSan cannot see that absl::Mutex, CondVar and
// Notification order memory between threads, and reports every access
// they guard as a race. The entry points the core and its tests use
// (Mutex::Await is not among them: its condition would run inside Abseil,
// unseen) are wrapped at link time
// (-Wl,--wrap=<symbol>, see CMakeLists.txt) to tell TSan of the acquire
// and the release each one performs. The symbols are those of Debian's
// build (inline namespace debian3).
#include <sanitizer/tsan_interface.h>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

// A member function is called as a function taking `this` first.
#define OVERSEER_WRAP(ret, symbol, params, args, before, after) \
  extern "C" ret __real_##symbol params;                        \
  extern "C" ret __wrap_##symbol params {                       \
    before;                                                     \
    ret result = __real_##symbol args;                          \
    after;                                                      \
    return result;                                              \
  }
#define OVERSEER_WRAP_VOID(symbol, params, args, before, after) \
  extern "C" void __real_##symbol params;                       \
  extern "C" void __wrap_##symbol params {                      \
    before;                                                     \
    __real_##symbol args;                                       \
    after;                                                      \
  }

using absl::CondVar;
using absl::Duration;
using absl::Mutex;
using absl::Notification;
using absl::Time;

// Mutex::Lock, Unlock.
OVERSEER_WRAP_VOID(_ZN4absl7debian35Mutex4LockEv, (Mutex * mu), (mu), (void)0,
                   __tsan_acquire(mu))
OVERSEER_WRAP_VOID(_ZN4absl7debian35Mutex6UnlockEv, (Mutex * mu), (mu),
                   __tsan_release(mu), (void)0)
// CondVar::Wait, WaitWithDeadline: unlock and lock `mu` again inside.
OVERSEER_WRAP_VOID(_ZN4absl7debian37CondVar4WaitEPNS0_5MutexE,
                   (CondVar * cv, Mutex* mu), (cv, mu), __tsan_release(mu),
                   __tsan_acquire(mu))
OVERSEER_WRAP(bool, _ZN4absl7debian37CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE,
              (CondVar * cv, Mutex* mu, Time t), (cv, mu, t), __tsan_release(mu),
              __tsan_acquire(mu))
// Notification: Notify releases, a wait that saw it acquires.
OVERSEER_WRAP_VOID(_ZN4absl7debian312Notification6NotifyEv, (Notification * n), (n),
                   __tsan_release(n), (void)0)
OVERSEER_WRAP_VOID(_ZNK4absl7debian312Notification19WaitForNotificationEv,
                   (const Notification* n), (n), (void)0,
                   __tsan_acquire(const_cast<Notification*>(n)))
OVERSEER_WRAP(bool,
              _ZNK4absl7debian312Notification30WaitForNotificationWithTimeoutENS0_8DurationE,
              (const Notification* n, Duration d), (n, d), (void)0,
              if (result) __tsan_acquire(const_cast<Notification*>(n)))

// Abseil's own memory (the debug deadlock detector's graph, its arena, its
// clock) is guarded by its own locks, which TSan cannot see either: what
// those libraries do through intercepted calls is not checked. And an
// absl::Status shares its message between copies under a reference count
// kept in libabsl_status, so TSan cannot see that the last copy frees it
// after the others are gone.
extern "C" const char* __tsan_default_suppressions() {
  return "called_from_lib:libabsl_graphcycles_internal.so\n"
         "called_from_lib:libabsl_malloc_internal.so\n"
         "called_from_lib:libabsl_synchronization.so\n"
         "called_from_lib:libabsl_time.so\n"
         "race:absl::debian3::Status::Unref\n";
}
