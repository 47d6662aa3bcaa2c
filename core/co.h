// Co: the return type of every handler. A handler that never waits simply
// returns `{}` (already done). One that calls another process writes
// `co_await Call(...)`: the handler is suspended, the scheduler thread goes
// on with other processes, and the handler resumes when the reply or the
// timeout arrives; meanwhile the process's other messages wait, as in a
// gen_server blocked in gen_server:call. A Co can itself be awaited, so
// helpers that wait can be factored into functions returning Co.
//
// Example:
//   Co HandleCast(State& s, const Message& m) override {
//     Query query{...};
//     auto reply = co_await Call(s.db, query, absl::Seconds(5));
//     ...
//   }
//
// Objects that own memory (a request, a closure) are named before the
// co_await, not written as temporaries inside it: GCC 12 destroys such a
// temporary twice once the coroutine has suspended (a double free).
#ifndef OVERSEER_CORE_CO_H_
#define OVERSEER_CORE_CO_H_

#include <coroutine>
#include <exception>
#include <optional>
#include <utility>

namespace overseer {

class [[nodiscard]] Co {
 public:
  struct promise_type;
  using Handle = std::coroutine_handle<promise_type>;

  struct FinalAwaiter {
    bool await_ready() const noexcept { return false; }
    std::coroutine_handle<> await_suspend(Handle h) const noexcept {
      std::coroutine_handle<> next = h.promise().continuation;
      return next ? next : std::noop_coroutine();
    }
    void await_resume() const noexcept {}
  };

  struct promise_type {
    std::coroutine_handle<> continuation;
    std::exception_ptr exception;
    Co get_return_object() { return Co(Handle::from_promise(*this)); }
    std::suspend_never initial_suspend() noexcept { return {}; }
    FinalAwaiter final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { exception = std::current_exception(); }
  };

  // A handler that finished without waiting.
  Co() = default;
  Co(Co&& o) noexcept : h_(std::exchange(o.h_, {})) {}
  Co& operator=(Co&& o) noexcept {
    if (this != &o) {
      Reset();
      h_ = std::exchange(o.h_, {});
    }
    return *this;
  }
  ~Co() { Reset(); }

  bool done() const { return !h_ || h_.done(); }
  // Rethrows what the coroutine threw, if it finished by throwing.
  void RethrowIfFailed() const {
    if (h_ && h_.done() && h_.promise().exception) {
      std::rethrow_exception(h_.promise().exception);
    }
  }
  // Destroys a suspended or finished frame (its locals are destructed).
  void Reset() {
    if (h_) h_.destroy();
    h_ = {};
  }

  // Awaiting a Co runs the rest of the caller after it finishes.
  bool await_ready() const noexcept { return done(); }
  void await_suspend(std::coroutine_handle<> caller) noexcept {
    h_.promise().continuation = caller;
  }
  void await_resume() const { RethrowIfFailed(); }

 private:
  explicit Co(Handle h) : h_(h) {}
  Handle h_;
};

// Async<T>: a coroutine that gives a value, for helpers that wait and then
// return something (AsyncNolink, Await). Awaiting it gives the T.
template <typename T>
class [[nodiscard]] Async {
 public:
  struct promise_type {
    std::coroutine_handle<> continuation;
    std::exception_ptr exception;
    std::optional<T> value;
    Async get_return_object() {
      return Async(std::coroutine_handle<promise_type>::from_promise(*this));
    }
    std::suspend_never initial_suspend() noexcept { return {}; }
    auto final_suspend() noexcept {
      struct Final {
        bool await_ready() const noexcept { return false; }
        std::coroutine_handle<> await_suspend(
            std::coroutine_handle<promise_type> h) const noexcept {
          auto next = h.promise().continuation;
          return next ? next : std::noop_coroutine();
        }
        void await_resume() const noexcept {}
      };
      return Final{};
    }
    template <typename U>
    void return_value(U&& v) {
      value.emplace(std::forward<U>(v));
    }
    void unhandled_exception() noexcept { exception = std::current_exception(); }
  };
  using Handle = std::coroutine_handle<promise_type>;

  Async(Async&& o) noexcept : h_(std::exchange(o.h_, {})) {}
  Async& operator=(Async&& o) noexcept {
    if (this != &o) {
      if (h_) h_.destroy();
      h_ = std::exchange(o.h_, {});
    }
    return *this;
  }
  ~Async() {
    if (h_) h_.destroy();
  }

  bool await_ready() const noexcept { return h_.done(); }
  void await_suspend(std::coroutine_handle<> caller) noexcept {
    h_.promise().continuation = caller;
  }
  T await_resume() {
    if (h_.promise().exception) std::rethrow_exception(h_.promise().exception);
    return std::move(*h_.promise().value);
  }

 private:
  explicit Async(Handle h) : h_(h) {}
  Handle h_;
};

}  // namespace overseer

#endif  // OVERSEER_CORE_CO_H_
