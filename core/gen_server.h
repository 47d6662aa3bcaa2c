// GenServer<State>: the server behaviour, as OTP's gen_server. The state is
// a value the runtime keeps inside the process's account and passes to each
// callback. A call is answered with Reply(from, value), now or later (keep
// `from`); a callback may co_await calls of its own.
//
// Example:
//   struct Count { int n = 0; };
//   struct Get {};
//   class Counter : public GenServer<Count> {
//     Co HandleCall(Count& s, Message& m, From from) override {
//       if (m.Is<Get>()) Reply(from, s.n);
//       return {};
//     }
//     Co HandleCast(Count& s, Message&) override { ++s.n; return {}; }
//   };
#ifndef OVERSEER_CORE_GEN_SERVER_H_
#define OVERSEER_CORE_GEN_SERVER_H_

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "core/co.h"
#include "core/process.h"

namespace overseer {

// The reply a GenServer gives to a call it does not understand.
struct UnknownCall {
  std::string type;
};

template <typename State>
class GenServer : public Process {
 public:
  GenServer() = default;
  explicit GenServer(State initial) : state_(std::move(initial)) {}

 protected:
  virtual absl::Status Init(State& state) {
    (void)state;
    return absl::OkStatus();
  }
  virtual Co HandleCall(State& state, Message& request, From from) {
    (void)state;
    Reply(from, UnknownCall{request.type_name()});
    return {};
  }
  virtual Co HandleCast(State& state, Message& message) {
    (void)state;
    (void)message;
    return {};
  }
  virtual Co HandleInfo(State& state, Message& message) {
    (void)state;
    (void)message;
    return {};
  }
  virtual void Terminate(State& state, const ExitReason& reason) {
    (void)state;
    (void)reason;
  }

  State& state() { return state_; }
  const State& state() const { return state_; }

 private:
  // A behaviour overrides Init(State&) and Terminate(State&, reason), which
  // share their names with these Process hooks: GCC reports the hooks as
  // hidden (-Woverloaded-virtual) in every such behaviour, though nothing
  // is lost (they are final here). The report is silenced where it points.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverloaded-virtual"
  absl::Status Init() final { return Init(state_); }
  Co Handle(Envelope::Kind kind, Message& message, From from) final {
    switch (kind) {
      case Envelope::Kind::kCall:
        return HandleCall(state_, message, std::move(from));
      case Envelope::Kind::kCast:
        return HandleCast(state_, message);
      default:
        // As gen_server: trapping exits, an exit from the parent stops it.
        if (const ExitMessage* exit = message.As<ExitMessage>();
            exit != nullptr && exit->from.id() == parent_id() &&
            parent_id() != 0) {
          Stop(exit->reason);
          return {};
        }
        return HandleInfo(state_, message);
    }
  }
  void Terminate(const ExitReason& reason) final { Terminate(state_, reason); }
#pragma GCC diagnostic pop

  State state_{};
};

}  // namespace overseer

#endif  // OVERSEER_CORE_GEN_SERVER_H_
