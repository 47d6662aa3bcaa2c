// Tasks and task supervisors, as Elixir's Task.Supervisor. A task runs one
// function in its own process under a task supervisor and sends the result
// to its owner as TaskResult{ref, value}, followed by the DOWN of the
// owner's monitor (same ref).
//
// A task starts either from a closure, which carries everything it captured
// (copied into the supervisor's mailbox with the start request, then into
// the task, which keeps it for its life), or from a function plus arguments,
// which carries only those arguments. Tasks are temporary children: the
// supervisor drops the start request once the task runs.
//
// The function receives the task's process (to make calls) and returns a
// value, or an Async<value> when it co_awaits.
//
// Example (inside a GenServer handler):
//   auto work = [batch](Process&) { return Work(batch); };
//   absl::StatusOr<TaskHandle> t =
//       co_await AsyncNolink(*this, task_sup, std::move(work));
//   ... later, in HandleInfo: a TaskResult with t->ref, then a DownMessage.
//
// Name the closure before the co_await, as above: GCC 12 destroys a lambda
// written inside a co_await expression twice once the coroutine suspends,
// which is a double free as soon as it captured something that owns memory.
#ifndef OVERSEER_CORE_TASK_H_
#define OVERSEER_CORE_TASK_H_

#include <memory>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/co.h"
#include "core/dynamic_supervisor.h"
#include "core/message.h"
#include "core/process.h"
#include "core/type_name.h"

namespace overseer {

// The first message a task gets: the ref its owner monitors it with.
struct TaskGo {
  Pid owner;
  Ref ref;
};
// What a task sends its owner when its function returns.
struct TaskResult {
  Ref ref;
  Message value;
};
struct TaskHandle {
  Pid pid;
  Ref ref;
};

namespace internal {
template <typename T>
struct IsAsync : std::false_type {};
template <typename T>
struct IsAsync<Async<T>> : std::true_type {};

// Runs `f(args...)` and wraps what it gives (awaiting it if it is Async).
// GCC warns (-Wsubobject-linkage) when a coroutine frame declared in a
// header holds a lambda's type, which has no linkage: every closure task
// would, so the warning, which is about ODR across units and cannot apply
// to a type local to one, is off for this template.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsubobject-linkage"
#endif
template <typename F, typename... A>
Async<Message> RunWrapped(const F& f, A&... args) {
  using R = std::invoke_result_t<const F&, A&...>;
  if constexpr (IsAsync<R>::value) {
    auto v = co_await f(args...);
    co_return Message::Of(std::move(v));
  } else if constexpr (std::is_void_v<R>) {
    f(args...);
    co_return Message();
  } else {
    co_return Message::Of(f(args...));
  }
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
}  // namespace internal

// How a task starts: a closure, or a function plus arguments. Copies are
// deep (what the closure captured is copied too).
class TaskStart {
 public:
  // Takes `f` by reference and copies (or moves) it once into the start: a
  // lambda that captured a `const T&` by copy holds a const member, which a
  // move copies, so every extra pass by value would copy the capture again.
  template <typename F>
  static TaskStart Closure(F&& f) {
    TaskStart t;
    t.impl_ = std::make_unique<ClosureImpl<std::decay_t<F>>>(std::forward<F>(f));
    return t;
  }
  template <typename Fn, typename... Args>
  static TaskStart Function(Fn fn, Args... args) {
    TaskStart t;
    t.impl_ = std::make_unique<FunctionImpl<Fn, Args...>>(fn, std::move(args)...);
    return t;
  }
  TaskStart() = default;
  TaskStart(TaskStart&&) noexcept = default;
  TaskStart& operator=(TaskStart&&) noexcept = default;
  TaskStart(const TaskStart& o) : impl_(o.impl_ ? o.impl_->Clone() : nullptr) {}
  TaskStart& operator=(const TaskStart& o) {
    if (this != &o) impl_ = o.impl_ ? o.impl_->Clone() : nullptr;
    return *this;
  }

  Async<Message> Run(Process& self) { return impl_->Run(self); }
  const char* kind() const { return impl_ ? impl_->kind() : "none"; }
  std::string captured() const { return impl_ ? impl_->captured() : ""; }

 private:
  struct Base {
    virtual ~Base() = default;
    virtual std::unique_ptr<Base> Clone() const = 0;
    virtual Async<Message> Run(Process& self) = 0;
    virtual const char* kind() const = 0;
    virtual std::string captured() const = 0;
  };
  template <typename F>
  struct ClosureImpl final : Base {
    explicit ClosureImpl(const F& fn) : f(fn) {}
    explicit ClosureImpl(F&& fn) : f(std::move(fn)) {}
    std::unique_ptr<Base> Clone() const override {
      return std::make_unique<ClosureImpl>(f);
    }
    Async<Message> Run(Process& self) override {
      return internal::RunWrapped(f, self);
    }
    const char* kind() const override { return "closure"; }
    std::string captured() const override { return TypeName(typeid(F)); }
    F f;
  };
  template <typename Fn, typename... Args>
  struct FunctionImpl final : Base {
    explicit FunctionImpl(Fn fn_in, Args... a) : fn(fn_in), args(std::move(a)...) {}
    std::unique_ptr<Base> Clone() const override {
      return std::make_unique<FunctionImpl>(*this);
    }
    Async<Message> Run(Process& self) override {
      return std::apply(
          [&](auto&... a) { return internal::RunWrapped(fn, self, a...); }, args);
    }
    const char* kind() const override { return "function"; }
    std::string captured() const override {
      return TypeName(typeid(std::tuple<Args...>));
    }
    Fn fn;
    std::tuple<Args...> args;
  };
  std::unique_ptr<Base> impl_;
};

// The request a caller sends a task supervisor (a call; reply StatusOr<Pid>).
struct StartTaskRequest {
  Pid owner;
  TaskStart start;
};
std::string OverseerDescribe(const StartTaskRequest& r);

class TaskSupervisor : public DynamicSupervisor {
 public:
  TaskSupervisor() = default;
  ProcessKind kind() const override { return ProcessKind::kTaskSupervisor; }
  std::string InitialCall() const override { return "Task.Supervisor:init"; }

 protected:
  Co Handle(Envelope::Kind kind, Message& message, From from) override;
};

// Starts a task under `supervisor`, not linked to the caller; the result
// comes as a TaskResult then a DownMessage, both with the handle's ref.
// Waits for the supervisor to start the task (as Task.Supervisor does).
Async<absl::StatusOr<TaskHandle>> AsyncNolinkStart(Process& self, Pid supervisor,
                                                  TaskStart start);

template <typename F>
Async<absl::StatusOr<TaskHandle>> AsyncNolink(Process& self, Pid supervisor, F f) {
  return AsyncNolinkStart(self, std::move(supervisor), TaskStart::Closure(std::move(f)));
}
template <typename Fn, typename A0, typename... Args>
Async<absl::StatusOr<TaskHandle>> AsyncNolink(Process& self, Pid supervisor, Fn fn,
                                              A0 a0, Args... args) {
  return AsyncNolinkStart(self, std::move(supervisor),
                          TaskStart::Function(fn, std::move(a0), std::move(args)...));
}

// As AsyncNolink, but linked to the caller; collect with Await.
template <typename F>
Async<absl::StatusOr<TaskHandle>> AsyncTask(Process& self, Pid supervisor, F f) {
  absl::StatusOr<TaskHandle> t = co_await AsyncNolink(self, supervisor, std::move(f));
  if (t.ok()) self.Link(t->pid);
  co_return t;
}

// Waits for a task's result; DeadlineExceeded after `timeout`. The task's
// DOWN is removed from the mailbox.
Async<absl::StatusOr<Message>> Await(Process& self, TaskHandle task,
                                     absl::Duration timeout);

}  // namespace overseer

#endif  // OVERSEER_CORE_TASK_H_
