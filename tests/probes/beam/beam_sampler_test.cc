// The BEAM source against a real node (tests/probes/beam/overseer_workload.erl):
// every figure checked against what the node itself says.
#include "probes/beam/beam_sampler.h"

#include <filesystem>
#include <string>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "probes/beam/beam_connection.h"
#include "tests/probes/beam/test_node.h"

namespace overseer {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr int kHolderLength = 200'000;
constexpr int kMessages = 1000;  // what overseer_workload:fill/0 sends
const absl::Duration kCallTimeout = absl::Seconds(10);

class BeamSamplerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!overseer::testing::ErlangMissing().empty()) return;
    absl::StatusOr<std::unique_ptr<overseer::testing::TestNode>> n =
        overseer::testing::TestNode::Start(kHolderLength);
    ASSERT_TRUE(n.ok()) << n.status();
    node_ = n->release();
  }
  static void TearDownTestSuite() {
    delete node_;
    node_ = nullptr;
  }
  void SetUp() override {
    if (const std::string why = overseer::testing::ErlangMissing(); !why.empty()) {
      GTEST_SKIP() << why;
    }
    ASSERT_NE(node_, nullptr);
    absl::StatusOr<std::unique_ptr<BeamConnection>> c = node_->Connect();
    ASSERT_TRUE(c.ok()) << c.status();
    connection_ = *std::move(c);
  }

  Term Call(const char* module, const char* function, std::vector<RpcArg> args) {
    absl::StatusOr<Term> t = connection_->Call(module, function, args, kCallTimeout);
    EXPECT_TRUE(t.ok()) << t.status();
    return t.ok() ? *std::move(t) : Term{};
  }
  BeamPid Whereis(const char* name) {
    return Call("erlang", "whereis", {RpcArg::Atom(name)}).pid;
  }

  uint64_t MailboxLength(const BeamPid& pid) {
    const Term t = Call("erlang", "process_info",
                        {RpcArg::Pid(pid), RpcArg::Atom("message_queue_len")});
    return t.IsTuple(2) ? t.items[1].Unsigned() : 0;
  }

  // Fills overseer_sink's mailbox to kMessages (once per node: it never
  // takes them) and waits until it is.
  void FillSink() {
    const BeamPid sink = Whereis("overseer_sink");
    if (MailboxLength(sink) == 0) {
      ASSERT_TRUE(Call("overseer_workload", "fill", {}).IsAtom("ok"));
    }
    while (MailboxLength(sink) < kMessages) absl::SleepFor(absl::Milliseconds(10));
  }

  static const ProcessSample* Named(const Snapshot& s, const std::string& name) {
    for (const ProcessSample& p : s.processes) {
      if (p.name == name) return &p;
    }
    return nullptr;
  }

  static overseer::testing::TestNode* node_;
  std::unique_ptr<BeamConnection> connection_;
};

overseer::testing::TestNode* BeamSamplerTest::node_ = nullptr;

TEST_F(BeamSamplerTest, DescribesTheNodeAsABeamSourceWithWhatItCannotGive) {
  BeamSampler sampler(*connection_, {});
  absl::StatusOr<CaptureInfo> info = sampler.Describe(absl::Milliseconds(200));
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->source, "beam");
  EXPECT_EQ(info->node, node_->node());
  EXPECT_THAT(info->runtime, HasSubstr("Erlang/OTP "));
  EXPECT_THAT(info->runtime, HasSubstr("[erts-"));
  EXPECT_GT(info->schedulers, 0u);
  EXPECT_EQ(info->interval_ns, 200'000'000);
  EXPECT_FALSE(info->Has(Figure::kHeldSpecBytes));
  EXPECT_FALSE(info->Has(Figure::kMailboxBytes));
  EXPECT_FALSE(info->Has(Figure::kSendTime));
}

TEST_F(BeamSamplerTest, ConnectsAsAHiddenNode) {
  EXPECT_EQ(Call("erlang", "nodes", {}).items.size(), 0u);
  const Term hidden = Call("erlang", "nodes", {RpcArg::Atom("hidden")});
  bool found = false;
  for (const Term& n : hidden.items) found |= n.IsAtom(connection_->self_name());
  EXPECT_TRUE(found) << connection_->self_name();
}

TEST_F(BeamSamplerTest, ReadsNamesMailboxesAndPidsAsTheNodePrintsThem) {
  FillSink();
  BeamSampler sampler(*connection_, {});
  ASSERT_TRUE(sampler.Describe(absl::Seconds(1)).ok());
  absl::StatusOr<BeamReading> r = sampler.Take();
  ASSERT_TRUE(r.ok()) << r.status();
  const Snapshot& s = r->snapshot;

  const ProcessSample* sink = Named(s, "overseer_sink");
  ASSERT_NE(sink, nullptr);
  EXPECT_EQ(sink->mailbox_len.value, static_cast<uint64_t>(kMessages));
  EXPECT_EQ(sink->initial_call, "overseer_workload:sink/0");
  EXPECT_EQ(sink->current_function, "overseer_workload:sink/0");
  EXPECT_EQ(sink->status, ProcessStatus::kWaiting);
  EXPECT_EQ(
      FormatPid(sink->pid),
      Call("erlang", "pid_to_list", {RpcArg::Pid(Whereis("overseer_sink"))}).AsString());

  // <0.0.0> is init, and is not "no process".
  ASSERT_FALSE(s.processes.empty());
  EXPECT_EQ(FormatPid(s.processes.front().pid), "<0.0.0>");
  EXPECT_EQ(s.processes.front().name, "init");

  EXPECT_EQ(s.system.process_count, s.processes.size());
  EXPECT_GE(s.system.total_mailbox_len, static_cast<uint64_t>(kMessages));
  EXPECT_TRUE(s.system.run_queue.has_value());
  std::vector<std::string> categories;
  for (const MemoryCategory& c : s.system.memory_categories) categories.push_back(c.name);
  for (const char* c :
       {"total", "processes", "binary", "ets", "atom", "code", "system"}) {
    EXPECT_THAT(categories, Contains(c));
  }
  EXPECT_GT(s.system.process_memory, 0u);
}

TEST_F(BeamSamplerTest, MemoryOfAProcessIsWhatTheNodeSays) {
  BeamSampler sampler(*connection_, {});
  ASSERT_TRUE(sampler.Describe(absl::Seconds(1)).ok());
  absl::StatusOr<BeamReading> r = sampler.Take();
  ASSERT_TRUE(r.ok()) << r.status();
  const Term truth =
      Call("erlang", "process_info",
           {RpcArg::Pid(Whereis("overseer_holder")), RpcArg::Atom("memory")});
  const double node_says = static_cast<double>(truth.items[1].Unsigned());
  const ProcessSample* holder = Named(r->snapshot, "overseer_holder");
  ASSERT_NE(holder, nullptr);
  // A list of N small integers is two words a cell.
  EXPECT_GT(node_says, 2.0 * 8 * kHolderLength * 0.95);
  EXPECT_NEAR(static_cast<double>(holder->memory.value), node_says, node_says * 0.03);
  EXPECT_EQ(holder->memory.peak, holder->memory.value);
  EXPECT_GT(holder->heap_bytes, 2u * 8 * kHolderLength * 95 / 100);
  EXPECT_LE(holder->heap_bytes, holder->memory.value);
}

TEST_F(BeamSamplerTest, BuildsTheSupervisionTreeFromTheNode) {
  BeamSampler sampler(*connection_, {});
  ASSERT_TRUE(sampler.Describe(absl::Seconds(1)).ok());
  absl::StatusOr<BeamReading> r = sampler.Take();
  ASSERT_TRUE(r.ok()) << r.status();
  const ProcessSample* sup = Named(r->snapshot, "overseer_test_sup");
  ASSERT_NE(sup, nullptr);
  EXPECT_EQ(sup->kind, ProcessKind::kSupervisor);
  EXPECT_EQ(sup->initial_call, "supervisor:overseer_workload/1");
  for (const char* child : {"child_a", "child_b", "child_c"}) {
    const ProcessSample* c = Named(r->snapshot, child);
    ASSERT_NE(c, nullptr) << child;
    EXPECT_EQ(c->parent, sup->pid) << child;
    EXPECT_EQ(c->initial_call, "overseer_workload:init/1") << child;
    EXPECT_EQ(c->kind, ProcessKind::kWorker);
    EXPECT_THAT(sup->links, Contains(c->pid)) << child;
  }
}

TEST_F(BeamSamplerTest, ProcessesThatCameAndWentBetweenSamplesAreEvents) {
  BeamSampler sampler(*connection_, {});
  ASSERT_TRUE(sampler.Describe(absl::Seconds(1)).ok());
  ASSERT_TRUE(sampler.Take().ok());
  const Term spawned =
      Call("erlang", "spawn",
           {RpcArg::Atom("overseer_workload"), RpcArg::Atom("sink"), RpcArg::Atoms({})});
  ASSERT_EQ(spawned.type, Term::Type::kPid);
  const uint64_t pid = BeamPidKey(spawned.pid.number, spawned.pid.serial);
  absl::StatusOr<BeamReading> second = sampler.Take();
  ASSERT_TRUE(second.ok()) << second.status();
  bool spawn_seen = false;
  for (const Event& e : second->events)
    spawn_seen |= e.kind == EventKind::kSpawn && e.pid == pid;
  EXPECT_TRUE(spawn_seen);

  Call("erlang", "exit", {RpcArg::Pid(spawned.pid), RpcArg::Atom("kill")});
  // Wait for the state, not for a time: until the node says it is gone.
  while (Call("erlang", "is_process_alive", {RpcArg::Pid(spawned.pid)}).IsAtom("true")) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  absl::StatusOr<BeamReading> third = sampler.Take();
  ASSERT_TRUE(third.ok()) << third.status();
  bool exit_seen = false;
  for (const Event& e : third->events)
    exit_seen |= e.kind == EventKind::kExit && e.pid == pid;
  EXPECT_TRUE(exit_seen);
}

TEST_F(BeamSamplerTest, ASampleTheNodeDoesNotAnswerIsSkippedNotWaitedFor) {
  BeamSampler sampler(*connection_, {.timeout = absl::Milliseconds(300)});
  ASSERT_TRUE(sampler.Describe(absl::Seconds(1)).ok());
  ASSERT_TRUE(sampler.Take().ok());
  // The node's rpc server stops answering; the file says when it has.
  const std::string marker = node_->dir() + "/rex_stalled";
  const RpcArg args[] = {RpcArg::Atom(marker)};
  ASSERT_TRUE(connection_->Send("overseer_workload", "stall_rex", args).ok());
  while (!std::filesystem::exists(marker)) absl::SleepFor(absl::Milliseconds(5));
  absl::StatusOr<BeamReading> stalled = sampler.Take();
  EXPECT_EQ(stalled.status().code(), absl::StatusCode::kDeadlineExceeded)
      << stalled.status();
  EXPECT_THAT(stalled.status().message(), HasSubstr(node_->node()));
  EXPECT_EQ(sampler.skipped(), 1u);

  std::filesystem::remove(marker);
  // The late answers to the skipped sample come first and are dropped.
  absl::StatusOr<BeamReading> after = sampler.Take();
  for (int i = 0; !after.ok() && absl::IsDeadlineExceeded(after.status()) && i < 100;
       ++i) {
    after = sampler.Take();
  }
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_GE(after->snapshot.system.dropped_samples, 1u);
  EXPECT_NE(Named(after->snapshot, "overseer_sink"), nullptr);
}

TEST_F(BeamSamplerTest, AWrongCookieIsAClearErrorThatDoesNotShowTheCookie) {
  const std::string wrong = "not_the_cookie_4711";
  absl::StatusOr<std::unique_ptr<BeamConnection>> c =
      BeamConnection::Connect({node_->node(), wrong, absl::Seconds(5)});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kPermissionDenied) << c.status();
  EXPECT_THAT(c.status().message(), HasSubstr(node_->node()));
  EXPECT_THAT(c.status().message(), HasSubstr("cookie"));
  EXPECT_THAT(c.status().message(), Not(HasSubstr(wrong)));
}

TEST_F(BeamSamplerTest, ANodeThatIsNotRunningIsAClearError) {
  const std::string absent = FullNodeName("overseer_absent_node");
  absl::StatusOr<std::unique_ptr<BeamConnection>> c =
      BeamConnection::Connect({absent, "cookie", absl::Seconds(5)});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kNotFound) << c.status();
  EXPECT_THAT(c.status().message(), HasSubstr(absent));
  EXPECT_THAT(c.status().message(), HasSubstr("no node named 'overseer_absent_node'"));
}

TEST(BeamConnectionTest, NoEpmdOnTheHostIsAClearError) {
  // Nothing listens on port 1 of loopback.
  setenv("ERL_EPMD_PORT", "1", 1);
  absl::StatusOr<std::unique_ptr<BeamConnection>> c =
      BeamConnection::Connect({"someone@localhost", "cookie", absl::Seconds(5)});
  unsetenv("ERL_EPMD_PORT");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kUnavailable) << c.status();
  EXPECT_THAT(c.status().message(), HasSubstr("someone@localhost"));
  EXPECT_THAT(c.status().message(), HasSubstr("epmd is not reachable on localhost"));
}

}  // namespace
}  // namespace overseer
