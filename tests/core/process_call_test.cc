// The waits of the Process API: co_await Call and Receive, from inside a
// process (process.h).
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "core/gen_server.h"
#include "core/process.h"
#include "core/runtime.h"
#include "gtest/gtest.h"
#include "tests/core/core_test_util.h"

namespace overseer {
namespace {

using testing::Gate;
using testing::Inbox;
using testing::kPatience;
using testing::Settled;

struct Ask {
  Pid to;
  absl::Duration timeout;
};
struct Slow {};       // the callee keeps the caller waiting
struct Release {};    // the callee answers every Slow it kept
struct Quick {};
struct Answer {
  std::string text;
};

struct ServerState {
  std::vector<From> kept;
};
// Answers Quick at once and Slow when released.
class Server : public GenServer<ServerState> {
 protected:
  Co HandleCall(ServerState& s, Message& m, From from) override {
    if (m.Is<Quick>()) Reply(from, Answer{"quick"});
    if (m.Is<Slow>()) s.kept.push_back(std::move(from));
    return {};
  }
  Co HandleCast(ServerState& s, Message& m) override {
    if (m.Is<Release>()) {
      for (const From& f : s.kept) Reply(f, Answer{"late"});
      s.kept.clear();
    }
    return {};
  }
};

struct CallerState {
  int handled_info = 0;
};
// Makes a call with co_await on the caller's behalf and returns the result.
class Caller : public GenServer<CallerState> {
 public:
  explicit Caller(Inbox* inbox) : inbox_(inbox) {}

 protected:
  Co HandleCall(CallerState&, Message& m, From from) override {
    if (const Ask* a = m.As<Ask>()) {
      absl::StatusOr<Message> r = co_await Call(a->to, Quick{}, a->timeout);
      if (!r.ok()) {
        Reply(from, r.status());
        co_return;
      }
      Reply(from, absl::Status(absl::StatusCode::kOk, ""));
      co_return;
    }
    if (m.Is<Slow>()) {  // calls the server with Slow, 10 ms timeout
      Pid server = runtime().Whereis("server");
      absl::StatusOr<Message> r = co_await Call(server, Slow{}, absl::Milliseconds(10));
      Reply(from, r.status());
    }
  }
  Co HandleInfo(CallerState& s, Message& m) override {
    ++s.handled_info;
    inbox_->Put(m);
    return {};
  }

 private:
  Inbox* inbox_;
};

TEST(ProcessCallTest, ACallInsideAProcessLeavesTheOnlySchedulerFreeForTheCallee) {
  Inbox inbox;
  Runtime rt(RuntimeOptions{.schedulers = 1});
  Pid server = *rt.Spawn<Server>({});
  Pid caller = *rt.Spawn<Caller>({}, &inbox);
  // With one thread, this only finishes if waiting does not hold the thread.
  absl::StatusOr<absl::Status> r =
      rt.CallAs<absl::Status>(caller, Ask{server, kPatience}, kPatience);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->ok()) << *r;
}

TEST(ProcessCallTest, ACallThatTimesOutNamesTheCalleeAndTheRequestAndItsReplyIsDropped) {
  Inbox inbox;
  Runtime rt(RuntimeOptions{.schedulers = 1});
  Pid server = *rt.Spawn<Server>({.name = "server"});
  Pid caller = *rt.Spawn<Caller>({}, &inbox);
  absl::StatusOr<absl::Status> r = rt.CallAs<absl::Status>(caller, Slow{}, kPatience);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_TRUE(absl::StrContains(r->message(), server.ToString())) << *r;
  EXPECT_TRUE(absl::StrContains(r->message(), "(server)")) << *r;
  EXPECT_TRUE(absl::StrContains(r->message(), "Slow")) << *r;
  rt.Cast(server, Release{});  // the late reply
  Settled(rt, server);
  // The caller is still fine, saw no stray message, and calls again.
  absl::StatusOr<absl::Status> again =
      rt.CallAs<absl::Status>(caller, Ask{server, kPatience}, kPatience);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->ok());
  rt.Send(caller, std::string("marker"));
  EXPECT_EQ(inbox.NextAs<std::string>(), "marker");  // the first and only one
  EXPECT_EQ(Settled(rt, caller)->mailbox_len.value, 0);
}

TEST(ProcessCallTest, ACallToAProcessThatIsGoneGivesNotFoundAtOnce) {
  Inbox inbox;
  Runtime rt(RuntimeOptions{.schedulers = 1});
  Pid server = *rt.Spawn<Server>({});
  rt.Exit(server, ExitReason::Kill());
  ASSERT_TRUE(rt.WaitExit(server, kPatience));
  Pid caller = *rt.Spawn<Caller>({}, &inbox);
  absl::StatusOr<absl::Status> r =
      rt.CallAs<absl::Status>(caller, Ask{server, absl::InfiniteDuration()}, kPatience);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->code(), absl::StatusCode::kNotFound);
}

struct Collect {
  int count;
};
struct Item {
  int n;
};
struct Other {};
struct Result {
  std::vector<int> items;
};
struct Hold {
  Gate* gate;
};

// On Collect{n}, receives n Items one by one (other messages stay queued),
// then reports them to the inbox.
class Receiver : public Process {
 public:
  explicit Receiver(Inbox* inbox) : inbox_(inbox) {}

 protected:
  Co Handle(Envelope::Kind kind, Message& m, From) override {
    if (const Collect* c = m.As<Collect>()) {
      Result result;
      for (int i = 0; i < c->count; ++i) {
        absl::StatusOr<Message> got = co_await Receive(
            [](const Message& x) { return x.Is<Item>(); }, kPatience);
        if (!got.ok()) break;
        result.items.push_back(got->As<Item>()->n);
      }
      inbox_->Put(Message::Of(result));
      co_return;
    }
    if (const Hold* h = m.As<Hold>()) h->gate->Pass();
    if (kind == Envelope::Kind::kInfo && m.Is<Other>()) inbox_->Put(m);
  }

 private:
  Inbox* inbox_;
};

TEST(ProcessReceiveTest, ReceiveTakesMatchingMessagesInOrderAndLeavesTheOthersQueued) {
  Inbox inbox;
  Runtime rt(RuntimeOptions{.schedulers = 2});
  Pid p = *rt.Spawn<Receiver>({}, &inbox);
  rt.Cast(p, Collect{2});
  rt.Send(p, Other{});
  rt.Send(p, Item{1});
  rt.Send(p, Item{2});
  std::optional<Result> result = inbox.NextAs<Result>();
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->items, (std::vector<int>{1, 2}));
  EXPECT_TRUE(inbox.Next().value().Is<Other>());  // handled after, in order
}

TEST(ProcessReceiveTest, MoreMatchingMessagesThanASliceAreAllReceived) {
  // The handler waits again after each message: a slice that ends while it
  // waits, with matches already queued, must not leave them stranded.
  Inbox inbox;
  Gate gate;
  Runtime rt(RuntimeOptions{.schedulers = 1, .slice_messages = 8});
  Pid p = *rt.Spawn<Receiver>({}, &inbox);
  rt.Cast(p, Hold{&gate});
  gate.entered.WaitForNotification();
  // Queue the Collect and every Item while the process is held.
  rt.Cast(p, Collect{100});
  for (int i = 0; i < 100; ++i) rt.Send(p, Item{i});
  gate.opened.Notify();
  std::optional<Result> result = inbox.NextAs<Result>();
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->items.size(), 100u);
}

TEST(ProcessReceiveTest, AReceiveThatFindsNothingTimesOut) {
  class Waiter : public Process {
   public:
    explicit Waiter(Inbox* inbox) : inbox_(inbox) {}

   protected:
    Co Handle(Envelope::Kind, Message&, From) override {
      absl::StatusOr<Message> got = co_await Receive(
          [](const Message& x) { return x.Is<Item>(); }, absl::Milliseconds(5));
      inbox_->Put(Message::Of(got.status()));
    }

   private:
    Inbox* inbox_;
  };
  Inbox inbox;
  Runtime rt(RuntimeOptions{.schedulers = 1});
  Pid p = *rt.Spawn<Waiter>({}, &inbox);
  rt.Send(p, Other{});
  std::optional<absl::Status> s = inbox.NextAs<absl::Status>();
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_TRUE(absl::StrContains(s->message(), "receive"));
}

}  // namespace
}  // namespace overseer
