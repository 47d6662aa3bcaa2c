// The buffered-task workload's structural truths: what a closure start
// carries against what a function start carries, where those bytes sit,
// and that both modes do the same work. Runs are small and time-scaled;
// nothing here asserts a duration.
#include "samples/buffered_task/buffered_task.h"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "core/gen_server.h"
#include "core/runtime.h"
#include "core/task.h"
#include "gtest/gtest.h"
#include "samples/buffered_task/buffered_task_workload.h"
#include "samples/buffered_task/environment.h"
#include "tests/samples/samples_test_util.h"

namespace overseer::indexer {
namespace {

using testing::Eventually;

constexpr int64_t kKiB = 1024;
constexpr int64_t kBacklog = 2000;  // 200 batches of 10

// A run without the catchup: the init stream alone fills the queue, in four
// chunks, so that spawns see queues of many sizes; a fifth of the JSON-RPC
// requests fail, so that retries happen.
BufferedTaskConfig SmallRun(const char* mode) {
  BufferedTaskConfig c;
  c.mode = mode;
  c.backlog = kBacklog;
  c.balance_backlog = 0;
  c.catchup = false;
  c.rpc_latency = absl::Milliseconds(1);
  c.block_latency = absl::Milliseconds(1);
  c.error_rate = 0.2;
  c.init_chunk = 500;
  c.flush_interval = absl::Milliseconds(50);
  c.time_scale = 1;
  c.measure = true;
  c.record_batches = true;
  c.echo_log = false;
  return c;
}

struct RunRecords {
  std::vector<SpawnRecord> spawns;
  std::vector<RunRecord> runs;
  std::vector<BatchOutcome> outcomes;
  int64_t task_supervisor_held_bytes = -1;
  bool completed = false;
};

// Bytes of the TaskGo message a task is sent right after the start request
// (the fetcher's bytes_out counts both): one sent between two processes.
struct Empty {};
class GoSender : public GenServer<Empty> {
 protected:
  Co HandleCast(Empty&, Message& m) override {
    if (const Pid* to = m.As<Pid>()) Send(*to, TaskGo{self(), Ref{7}});
    return {};
  }
};

int64_t TaskGoBytes() {
  Runtime rt(testing::TestRuntime());
  Pid a = *rt.Spawn<GoSender>({});
  Pid b = *rt.Spawn<GoSender>({});
  rt.Cast(a, b);
  int64_t bytes = 0;
  EXPECT_TRUE(Eventually([&] {
    bytes = static_cast<int64_t>(rt.Info(a)->bytes_out);
    return bytes > 0;
  }));
  return bytes;
}

RunRecords RunToCompletion(const char* mode) {
  RunRecords out;
  Runtime rt(testing::TestRuntime());
  BufferedTaskWorkload w(SmallRun(mode));
  absl::StatusOr<Pid> root = w.Start(rt);
  EXPECT_TRUE(root.ok()) << root.status();
  if (!root.ok()) return out;
  const FetcherStats& stats = w.environment().internal_transactions;
  Pid sup = rt.Whereis(kInternalTransactionTaskSupervisor);
  out.completed = Eventually([&] {
    if (auto info = rt.Info(sup); info && out.task_supervisor_held_bytes < 0) {
      out.task_supervisor_held_bytes = info->held_spec_bytes.value;
    }
    return stats.batches_done.load() == kBacklog / 10;
  });
  EXPECT_TRUE(w.Stop().ok());
  out.spawns = stats.spawns();
  out.runs = stats.runs();
  out.outcomes = stats.outcomes();
  return out;
}

class BufferedTaskModesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    task_go_bytes_ = TaskGoBytes();
    closure_ = new RunRecords(RunToCompletion("closure"));
    mfa_ = new RunRecords(RunToCompletion("mfa"));
  }
  static void TearDownTestSuite() {
    delete closure_;
    delete mfa_;
  }
  static int64_t task_go_bytes_;
  static RunRecords* closure_;
  static RunRecords* mfa_;
};
int64_t BufferedTaskModesTest::task_go_bytes_ = 0;
RunRecords* BufferedTaskModesTest::closure_ = nullptr;
RunRecords* BufferedTaskModesTest::mfa_ = nullptr;

TEST_F(BufferedTaskModesTest, BothModesFinishEveryBatch) {
  EXPECT_GT(task_go_bytes_, 0);
  EXPECT_TRUE(closure_->completed);
  EXPECT_TRUE(mfa_->completed);
  EXPECT_GE(closure_->spawns.size(), static_cast<size_t>(kBacklog / 10));
}

TEST_F(BufferedTaskModesTest, ClosureStartRequestCarriesAtLeastTheQueueItCaptured) {
  ASSERT_FALSE(closure_->spawns.empty());
  for (const SpawnRecord& s : closure_->spawns) {
    int64_t request = s.start_send_bytes - task_go_bytes_;
    EXPECT_GT(s.queue_bytes, 0);  // the batch itself is still in the queue
    EXPECT_GE(request, s.queue_bytes)
        << "batch " << s.batch_key << " retries " << s.retries;
  }
  // The first spawns captured most of the backlog: megabyte-class requests
  // from a queue of 10-entry batches.
  int64_t largest = 0;
  for (const SpawnRecord& s : closure_->spawns)
    largest = std::max(largest, s.queue_bytes);
  EXPECT_GT(largest, kBacklog / 4 * static_cast<int64_t>(sizeof(Entry)));
}

TEST_F(BufferedTaskModesTest, ClosureTaskHoldsAtLeastTheQueueItCaptured) {
  std::map<std::pair<uint64_t, int>, int64_t> captured;
  for (const SpawnRecord& s : closure_->spawns)
    captured[{s.batch_key, s.retries}] = s.queue_bytes;
  ASSERT_FALSE(closure_->runs.empty());
  for (const RunRecord& r : closure_->runs) {
    auto it = captured.find({r.batch_key, r.retries});
    ASSERT_NE(it, captured.end());
    EXPECT_GE(r.task_memory, it->second);
  }
}

TEST_F(BufferedTaskModesTest, FunctionStartRequestStaysUnderOneKibibyteAndTaskSmall) {
  ASSERT_FALSE(mfa_->spawns.empty());
  int64_t largest_queue = 0;
  for (const SpawnRecord& s : mfa_->spawns) {
    EXPECT_LT(s.start_send_bytes - task_go_bytes_, kKiB);
    largest_queue = std::max(largest_queue, s.queue_bytes);
  }
  EXPECT_GT(largest_queue, 10 * kKiB);  // while the queue itself was larger
  // A task's memory is the runtime's block for every process, its copy of
  // the start (the request above less its envelope), and the frames of the
  // run under way (the run/3 coroutine's locals, the message it handles).
  ASSERT_FALSE(mfa_->runs.empty());
  for (const RunRecord& r : mfa_->runs) {
    EXPECT_LT(r.task_memory - Runtime::ProcessOverheadBytes(), 2 * kKiB);
  }
}

TEST_F(BufferedTaskModesTest, ClosureAndFunctionModesDoTheSameBatchesWithTheSameResults) {
  std::vector<BatchOutcome> a = closure_->outcomes;
  std::vector<BatchOutcome> b = mfa_->outcomes;
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  EXPECT_EQ(a, b);
  int ok = 0, failed = 0;
  for (const BatchOutcome& o : a) (o.ok ? ok : failed) += 1;
  EXPECT_EQ(ok, kBacklog / 10);
  EXPECT_GT(failed, 0);  // retries happened, and were the same ones
}

TEST_F(BufferedTaskModesTest, TaskSupervisorHoldsNoSpecForTemporaryTasks) {
  EXPECT_EQ(closure_->task_supervisor_held_bytes, 0);
  EXPECT_EQ(mfa_->task_supervisor_held_bytes, 0);
}

TEST(BufferedTaskTest, TheTreeCarriesTheSeedsRegisteredNames) {
  Runtime rt(testing::TestRuntime());
  BufferedTaskConfig c = SmallRun("mfa");
  c.catchup = true;
  BufferedTaskWorkload w(c);
  ASSERT_TRUE(w.Start(rt).ok());
  for (const char* name :
       {kIndexerSupervisor, kJsonRpcNode, kInternalTransactionSupervisor,
        kInternalTransactionTaskSupervisor, kInternalTransactionFetcher,
        kCoinBalanceSupervisor, kCoinBalanceTaskSupervisor, kCoinBalanceFetcher,
        kBlockFetcherSupervisor, kBlockFetcherTaskSupervisor, kCatchup}) {
    EXPECT_TRUE(rt.Whereis(name).valid()) << name;
  }
  Pid fetcher = rt.Whereis(kInternalTransactionFetcher);
  std::optional<ProcessInfo> info = rt.Info(fetcher);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->parent, rt.Whereis(kInternalTransactionSupervisor).id());
  EXPECT_EQ(info->initial_call, "Indexer.BufferedTask:init/1");
  EXPECT_TRUE(w.Stop().ok());
}

TEST(BufferedTaskTest, BufferedEntriesAreFlushedInBatchesOfMaxBatchSize) {
  Runtime rt(testing::TestRuntime());
  BufferedTaskConfig c = SmallRun("closure");
  c.backlog = 0;
  c.error_rate = 0;
  BufferedTaskWorkload w(c);
  ASSERT_TRUE(w.Start(rt).ok());
  const FetcherStats& stats = w.environment().internal_transactions;
  ASSERT_TRUE(Eventually([&] { return stats.init_complete.load(); }));
  Batch entries;
  for (int i = 0; i < 25; ++i) entries.push_back(UnfetchedTransaction(9, i));
  Pid fetcher = rt.Whereis(kInternalTransactionFetcher);
  absl::StatusOr<Message> reply = rt.Call(fetcher, Buffer{entries}, absl::Seconds(10));
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_TRUE(reply->Is<Ok>());
  ASSERT_TRUE(Eventually([&] { return stats.batches_done.load() == 3; }));
  std::vector<int> sizes;
  for (const BatchOutcome& o : stats.outcomes()) sizes.push_back(o.size);
  std::sort(sizes.begin(), sizes.end());
  EXPECT_EQ(sizes, (std::vector<int>{5, 10, 10}));
  absl::StatusOr<DebugCountReply> count =
      rt.CallAs<DebugCountReply>(fetcher, DebugCount{}, absl::Seconds(10));
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(count->buffer, 0);
  EXPECT_EQ(stats.buffer_calls.load(), 1);
  EXPECT_EQ(stats.entries_buffered.load(), 25);
  EXPECT_TRUE(w.Stop().ok());
}

}  // namespace
}  // namespace overseer::indexer
