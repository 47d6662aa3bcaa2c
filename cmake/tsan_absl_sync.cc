// Linked into every program of a TSan build (overseer_sanitized_program in
// OverseerSanitizers.cmake). Debian 12's Abseil is not built with TSan, so
// TSan cannot see that absl::Mutex, CondVar and Notification order memory
// between threads, and reports every access they guard as a race. The
// entry points the project calls are wrapped at link time
// (-Wl,--wrap=<symbol>; the list in OverseerSanitizers.cmake must match the
// one here) to tell TSan of the acquire and the release each one performs.
// The symbols are those of Debian's build (inline namespace debian3).
//
// A reader lock is told as a full acquire and release: readers look
// ordered among themselves, which hides no race a writer takes part in.
//
// A condition given to Mutex::Await or LockWhen is evaluated inside Abseil,
// by the waiter or by whichever thread unlocks (Unlock, CondVar::Wait), at
// a moment this shim cannot tell TSan of; its reads are ordered by the lock.
// So what runs inside those calls is not checked (Hide below): Abseil
// itself is not instrumented, so that is the conditions' accesses only.
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

using absl::Condition;
using absl::CondVar;
using absl::Duration;
using absl::Mutex;
using absl::Notification;
using absl::Time;

// The runtime's dynamic annotations (libtsan exports them).
extern "C" void AnnotateIgnoreReadsBegin(const char* file, int line);
extern "C" void AnnotateIgnoreReadsEnd(const char* file, int line);
extern "C" void AnnotateIgnoreWritesBegin(const char* file, int line);
extern "C" void AnnotateIgnoreWritesEnd(const char* file, int line);

namespace {

// Between the two, this thread's memory accesses are not checked.
void Hide() {
  AnnotateIgnoreReadsBegin(__FILE__, __LINE__);
  AnnotateIgnoreWritesBegin(__FILE__, __LINE__);
}
void Show() {
  AnnotateIgnoreWritesEnd(__FILE__, __LINE__);
  AnnotateIgnoreReadsEnd(__FILE__, __LINE__);
}

}  // namespace

// Mutex::Lock, Unlock, ReaderLock, ReaderUnlock, TryLock, ReaderTryLock.
OVERSEER_WRAP_VOID(_ZN4absl7debian35Mutex4LockEv, (Mutex * mu), (mu), (void)0,
                   __tsan_acquire(mu))
OVERSEER_WRAP_VOID(_ZN4absl7debian35Mutex6UnlockEv, (Mutex * mu), (mu),
                   (__tsan_release(mu), Hide()), Show())
OVERSEER_WRAP_VOID(_ZN4absl7debian35Mutex10ReaderLockEv, (Mutex * mu), (mu), (void)0,
                   __tsan_acquire(mu))
OVERSEER_WRAP_VOID(_ZN4absl7debian35Mutex12ReaderUnlockEv, (Mutex * mu), (mu),
                   (__tsan_release(mu), Hide()), Show())
OVERSEER_WRAP(bool, _ZN4absl7debian35Mutex7TryLockEv, (Mutex * mu), (mu), (void)0,
              if (result) __tsan_acquire(mu))
OVERSEER_WRAP(bool, _ZN4absl7debian35Mutex13ReaderTryLockEv, (Mutex * mu), (mu), (void)0,
              if (result) __tsan_acquire(mu))
// Mutex::Await*: called and returning with `mu` held, unlocking it inside
// while the condition is false.
#define OVERSEER_RELEASE_HIDE (__tsan_release(mu), Hide())
#define OVERSEER_SHOW_ACQUIRE (Show(), __tsan_acquire(mu))
OVERSEER_WRAP_VOID(_ZN4absl7debian35Mutex5AwaitERKNS0_9ConditionE,
                   (Mutex * mu, const Condition& c), (mu, c), OVERSEER_RELEASE_HIDE,
                   OVERSEER_SHOW_ACQUIRE)
OVERSEER_WRAP(bool, _ZN4absl7debian35Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE,
              (Mutex * mu, const Condition& c, Duration d), (mu, c, d),
              OVERSEER_RELEASE_HIDE, OVERSEER_SHOW_ACQUIRE)
OVERSEER_WRAP(bool, _ZN4absl7debian35Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE,
              (Mutex * mu, const Condition& c, Time t), (mu, c, t),
              OVERSEER_RELEASE_HIDE, OVERSEER_SHOW_ACQUIRE)
// Mutex::LockWhen*: return with `mu` held, whatever they return.
OVERSEER_WRAP_VOID(_ZN4absl7debian35Mutex8LockWhenERKNS0_9ConditionE,
                   (Mutex * mu, const Condition& c), (mu, c), Hide(),
                   OVERSEER_SHOW_ACQUIRE)
OVERSEER_WRAP(bool, _ZN4absl7debian35Mutex19LockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE,
              (Mutex * mu, const Condition& c, Duration d), (mu, c, d), Hide(),
              OVERSEER_SHOW_ACQUIRE)
OVERSEER_WRAP(bool, _ZN4absl7debian35Mutex20LockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE,
              (Mutex * mu, const Condition& c, Time t), (mu, c, t), Hide(),
              OVERSEER_SHOW_ACQUIRE)
// CondVar::Wait*: unlock and lock `mu` again inside.
OVERSEER_WRAP_VOID(_ZN4absl7debian37CondVar4WaitEPNS0_5MutexE,
                   (CondVar * cv, Mutex* mu), (cv, mu), OVERSEER_RELEASE_HIDE,
                   OVERSEER_SHOW_ACQUIRE)
OVERSEER_WRAP(bool, _ZN4absl7debian37CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE,
              (CondVar * cv, Mutex* mu, Duration d), (cv, mu, d), OVERSEER_RELEASE_HIDE,
              OVERSEER_SHOW_ACQUIRE)
OVERSEER_WRAP(bool, _ZN4absl7debian37CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE,
              (CondVar * cv, Mutex* mu, Time t), (cv, mu, t), OVERSEER_RELEASE_HIDE,
              OVERSEER_SHOW_ACQUIRE)
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
OVERSEER_WRAP(bool,
              _ZNK4absl7debian312Notification31WaitForNotificationWithDeadlineENS0_4TimeE,
              (const Notification* n, Time t), (n, t), (void)0,
              if (result) __tsan_acquire(const_cast<Notification*>(n)))

// Abseil's own memory (the debug deadlock detector's graph, its arena, its
// clock) is guarded by its own locks, which TSan cannot see either: what
// those libraries do through intercepted calls is not checked. An
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
