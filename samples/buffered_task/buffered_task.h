// BufferedTask: BlockScout's Indexer.BufferedTask as it was in September
// 2018 (the parent of the fix, 6aaa300), state and message flow included.
// Callers `buffer` entries (a call that only prepends them to
// current_buffer); every flush_interval a :flush moves them, cut into
// batches of max_batch_size, to the back of the big queue `buffer` of
// {batch, retries}; spawn_next_batch starts at most one task per trigger
// (a flush, a task's result, an async_perform), up to max_concurrency, under
// the fetcher's task supervisor; each task runs the callback module's run/3
// and answers with its result and then a DOWN. An init task streams the
// backlog into the queue, init_chunk_size entries per {:async_perform, q}
// call.
//
// The one difference between the two spawn modes is how spawn_next_batch
// starts the task: SpawnMode::kClosure from a lambda that reads the callback
// through the state, so the whole state (the queue of all future work
// included) is captured and copied with every start (the bug), and
// SpawnMode::kFunction from the callback's run function plus (batch,
// retries, callback state) only (the fix, 5b7872f).
//
// Example (a child of a supervisor, next to its task supervisor):
//   ChildSpec fetcher = ChildSpec::Worker<BufferedTask>(
//       "Indexer.InternalTransaction.Fetcher", options);
//   fetcher.name = "Indexer.InternalTransaction.Fetcher";
//   ... from a process: co_await CallBuffer(*this, fetcher.name, entries, t);
#ifndef OVERSEER_SAMPLES_BUFFERED_TASK_BUFFERED_TASK_H_
#define OVERSEER_SAMPLES_BUFFERED_TASK_BUFFERED_TASK_H_

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/co.h"
#include "core/gen_server.h"
#include "core/task.h"
#include "samples/buffered_task/entry.h"
#include "samples/buffered_task/environment.h"
#include "samples/buffered_task/json_rpc.h"

namespace overseer::indexer {

// run/3's answer: :ok | :retry | {:retry, new_entries}.
struct RunResult {
  enum class Kind { kOk, kRetry, kRetryEntries };
  Kind kind = Kind::kOk;
  Batch entries;  // for kRetryEntries
};

// callback_module_state. For the fetchers: json_rpc_named_arguments, plus
// the environment (Repo and friends, which Elixir reaches by name).
struct CallbackState {
  JsonRpcNamedArguments json_rpc_named_arguments;
  Environment* environment = nullptr;
};

class InitReducer;

// A callback module: BufferedTask's two callbacks, as plain functions (a
// module is a value that costs a pointer to pass around).
struct CallbackModule {
  const char* name;
  // init(initial, reducer, state): streams every pending entry into
  // `reducer`; when Add() says a chunk is full, awaits reducer.Perform().
  Async<absl::Status> (*init)(Process& task, InitReducer& reducer,
                              const CallbackState& state);
  // run(entries, retries, state): handles one batch, in its own task.
  Async<RunResult> (*run)(Process& task, const Batch& batch, int retries,
                          const CallbackState& state);
};

// The messages a BufferedTask understands.
struct Buffer {  // {:buffer, entries} (call); reply Ok
  Batch entries;
};
struct AsyncPerform {  // {:async_perform, queue} (call, from the init task)
  std::deque<PendingBatch> queue;
};
struct Flush {};          // :flush
struct InitialStream {};  // :initial_stream
struct DebugCount {};     // :debug_count (call); reply DebugCountReply
struct DebugCountReply {
  int64_t buffer = 0;
  int64_t tasks = 0;
};
struct Ok {};  // :ok

std::string OverseerDescribe(const Buffer& b);
std::string OverseerDescribe(const AsyncPerform& p);

// %Indexer.BufferedTask{}: every field of the real struct.
struct BufferedTaskState {
  Pid pid;
  Ref init_task;               // the init task's ref ...
  bool init_complete = false;  // ... then :complete
  TimerRef flush_timer;
  const CallbackModule* callback_module = nullptr;
  CallbackState callback_module_state;
  std::string task_supervisor;  // registered name of its Task.Supervisor
  absl::Duration flush_interval;
  int max_batch_size = 0;
  int max_concurrency = 0;
  int init_chunk_size = 0;
  std::vector<Batch> current_buffer;                  // one list per buffer call
  std::deque<PendingBatch> buffer;                    // the big queue
  absl::flat_hash_map<uint64_t, PendingBatch> tasks;  // ref => in flight
};

enum class SpawnMode { kClosure, kFunction };
const char* ToString(SpawnMode mode);

struct BufferedTaskOptions {
  const CallbackModule* callback_module = nullptr;
  CallbackState callback_module_state;
  std::string task_supervisor;
  absl::Duration flush_interval = absl::Seconds(3);
  int max_batch_size = 10;
  int max_concurrency = 4;
  int init_chunk_size = 5000;
  SpawnMode spawn_mode = SpawnMode::kClosure;
  // GenServer.call's default, which the init task's async_perform used.
  absl::Duration async_perform_timeout = absl::Seconds(5);
  FetcherStats* stats = nullptr;  // never null once running
};

// What init/3 feeds: it collects entries into a chunk and, when the chunk
// holds init_chunk_size, turns it into a queue of {batch, 0} and sends it
// to the BufferedTask ({:async_perform, queue}). Owned by the init task.
class InitReducer {
 public:
  InitReducer(Pid server, int init_chunk_size, int max_batch_size, absl::Duration timeout,
              FetcherStats* stats);
  // Adds one entry; true when the chunk is full and must be Perform()ed.
  bool Add(Entry entry);
  // Sends the chunk so far, if any, and starts a new one. A timeout is
  // logged and counted, and the stream goes on (the request is still in
  // the server's mailbox and will be handled).
  Async<absl::Status> Perform(Process& task);

 private:
  Pid server_;
  int init_chunk_size_;
  int max_batch_size_;
  absl::Duration timeout_;
  FetcherStats* stats_;
  Batch chunk_;
};

class BufferedTask : public GenServer<BufferedTaskState> {
 public:
  explicit BufferedTask(BufferedTaskOptions options);
  std::string InitialCall() const override { return "Indexer.BufferedTask:init/1"; }

 protected:
  absl::Status Init(BufferedTaskState& state) override;
  Co HandleCall(BufferedTaskState& state, Message& request, From from) override;
  Co HandleInfo(BufferedTaskState& state, Message& message) override;

 private:
  Co DoInitialStream(BufferedTaskState& state);
  Co DoFlush(BufferedTaskState& state);
  Co OnTaskResult(BufferedTaskState& state, TaskResult& result);
  Co OnDown(BufferedTaskState& state, const DownMessage& down);
  Co SpawnNextBatch(BufferedTaskState& state);
  void PushBack(BufferedTaskState& state, Batch batch, int retries) const;
  void Publish(const BufferedTaskState& state) const;

  const BufferedTaskOptions options_;
};

// BufferedTask.buffer(server, entries, timeout): a call to the BufferedTask
// registered as `server`. From inside a process (owner only). Returns OK,
// DeadlineExceeded naming the callee (the late request is still handled),
// or NotFound.
Async<absl::Status> CallBuffer(Process& self, std::string server, Batch entries,
                               absl::Duration timeout);

// The bytes a copy of `queue` allocates (what a closure over the state
// captures of it). Costs a copy; for measurements.
int64_t QueueCopyBytes(const std::deque<PendingBatch>& queue);

}  // namespace overseer::indexer

#endif  // OVERSEER_SAMPLES_BUFFERED_TASK_BUFFERED_TASK_H_
