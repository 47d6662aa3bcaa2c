#include "samples/buffered_task/buffered_task.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/account.h"
#include "core/clock.h"
#include "core/runtime.h"
#include "core/zone.h"

namespace overseer::indexer {
namespace {

// spawn_next_batch's Task.Supervisor.async_nolink, in either mode. Not a
// coroutine, so that no closure is a temporary inside a co_await.
//
// kClosure is the leaky start, as the code was before the fix: the lambda
// reads the callback module and its state through `state`, so [=] copies
// the whole state into the closure, with it the queue of future work (this
// batch included, since it is taken out after). The copy travels with the
// start request into the task supervisor's mailbox and then into the task,
// which keeps it for its whole life.
//
// kFunction is the fix: the callback's run function plus (batch, retries,
// callback state), nothing else.
Async<absl::StatusOr<TaskHandle>> StartBatchTask(Process& self,
                                                 const BufferedTaskState& state,
                                                 const Batch& batch, int retries,
                                                 SpawnMode mode) {
  Pid supervisor = self.runtime().Whereis(state.task_supervisor);
  if (mode == SpawnMode::kClosure) {
    // A zone in each mode, named after the call it makes, so that the
    // profile shows what starting a task costs the fetcher.
    OVERSEER_ZONE("Task.Supervisor.async_nolink/2");
    return AsyncNolink(self, supervisor, [=](Process& task) {
      return state.callback_module->run(task, batch, retries,
                                        state.callback_module_state);
    });
  }
  OVERSEER_ZONE("Task.Supervisor.async_nolink/5");
  return AsyncNolink(self, supervisor, state.callback_module->run, batch, retries,
                     state.callback_module_state);
}

// The init task's body: callback.init into chunks, then the tail.
Async<bool> StreamInitial(Process& task, const BufferedTaskState& state,
                          absl::Duration timeout, FetcherStats* stats) {
  InitReducer reducer(state.pid, state.init_chunk_size, state.max_batch_size, timeout,
                      stats);
  absl::Status s =
      co_await state.callback_module->init(task, reducer, state.callback_module_state);
  if (!s.ok()) task.runtime().Log(absl::StrCat("init stream failed: ", s.message()));
  (void)co_await reducer.Perform(task);
  co_return true;
}

// As Task.Supervisor.async from :initial_stream: linked to the server, and
// a closure over the state, which is still small at this point.
Async<absl::StatusOr<TaskHandle>> StartInitTask(Process& self,
                                                const BufferedTaskState& state,
                                                absl::Duration timeout,
                                                FetcherStats* stats) {
  return AsyncTask(
      self, self.runtime().Whereis(state.task_supervisor),
      [=](Process& task) { return StreamInitial(task, state, timeout, stats); });
}

}  // namespace

const char* ToString(SpawnMode mode) {
  return mode == SpawnMode::kClosure ? "closure" : "mfa";
}

std::string OverseerDescribe(const Buffer& b) {
  return absl::StrCat("{:buffer, [", b.entries.size(), " entries]}");
}

std::string OverseerDescribe(const AsyncPerform& p) {
  return absl::StrCat("{:async_perform, queue of ", p.queue.size(), " batches}");
}

int64_t QueueCopyBytes(const std::deque<PendingBatch>& queue) {
  Account scratch;
  AccountScope scope(&scratch, AccountScope::kDeferred);
  std::deque<PendingBatch> copy(queue);
  return scope.tally();  // read before `copy` goes and gives it back
}

InitReducer::InitReducer(Pid server, int init_chunk_size, int max_batch_size,
                         absl::Duration timeout, FetcherStats* stats)
    : server_(std::move(server)),
      init_chunk_size_(std::max(1, init_chunk_size)),
      max_batch_size_(std::max(1, max_batch_size)),
      timeout_(timeout),
      stats_(stats) {}

bool InitReducer::Add(Entry entry) {
  chunk_.push_back(std::move(entry));
  return static_cast<int>(chunk_.size()) >= init_chunk_size_;
}

Async<absl::Status> InitReducer::Perform(Process& task) {
  if (chunk_.empty()) co_return absl::OkStatus();
  AsyncPerform request;
  size_t entries = chunk_.size();
  for (size_t i = 0; i < chunk_.size(); i += static_cast<size_t>(max_batch_size_)) {
    size_t end = std::min(chunk_.size(), i + static_cast<size_t>(max_batch_size_));
    Batch batch(std::make_move_iterator(chunk_.begin() + static_cast<ptrdiff_t>(i)),
                std::make_move_iterator(chunk_.begin() + static_cast<ptrdiff_t>(end)));
    request.queue.push_back(PendingBatch{std::move(batch), 0});
  }
  Batch().swap(chunk_);
  absl::StatusOr<Message> reply = co_await task.Call(server_, request, timeout_);
  request = AsyncPerform{};  // the task's copy goes now, not at its end
  if (stats_ != nullptr) stats_->init_entries.fetch_add(static_cast<int64_t>(entries));
  if (!reply.ok()) {
    if (stats_ != nullptr) stats_->init_call_timeouts.fetch_add(1);
    task.runtime().Log(absl::StrCat("init task ", task.self().ToString(), ": ",
                                    reply.status().message()));
    co_return reply.status();
  }
  co_return absl::OkStatus();
}

BufferedTask::BufferedTask(BufferedTaskOptions options) : options_(std::move(options)) {}

absl::Status BufferedTask::Init(BufferedTaskState& state) {
  if (options_.callback_module == nullptr || options_.stats == nullptr) {
    return absl::InvalidArgumentError("a BufferedTask needs a callback module and stats");
  }
  state.pid = self();
  state.callback_module = options_.callback_module;
  state.callback_module_state = options_.callback_module_state;
  state.task_supervisor = options_.task_supervisor;
  state.flush_interval = options_.flush_interval;
  state.max_batch_size = std::max(1, options_.max_batch_size);
  state.max_concurrency = std::max(1, options_.max_concurrency);
  state.init_chunk_size = std::max(1, options_.init_chunk_size);
  options_.stats->init_complete.store(false);
  Send(self(), InitialStream{});
  return absl::OkStatus();
}

Co BufferedTask::HandleCall(BufferedTaskState& state, Message& request, From from) {
  if (auto* buffer = request.AsMutable<Buffer>()) {
    // buffer_entries/2: prepend, nothing else (empty lists are dropped).
    options_.stats->buffer_calls.fetch_add(1, std::memory_order_relaxed);
    options_.stats->entries_buffered.fetch_add(
        static_cast<int64_t>(buffer->entries.size()), std::memory_order_relaxed);
    if (!buffer->entries.empty())
      state.current_buffer.push_back(std::move(buffer->entries));
    Reply(from, Ok{});
  } else if (auto* perform = request.AsMutable<AsyncPerform>()) {
    for (PendingBatch& pending : perform->queue)
      state.buffer.push_back(std::move(pending));
    co_await SpawnNextBatch(state);
    Reply(from, Ok{});
  } else if (request.Is<DebugCount>()) {
    // As the original: the number of lists in current_buffer, not entries.
    Reply(from, DebugCountReply{
                    static_cast<int64_t>(state.current_buffer.size()) +
                        static_cast<int64_t>(state.buffer.size()) * state.max_batch_size,
                    static_cast<int64_t>(state.tasks.size())});
  } else {
    Reply(from, UnknownCall{request.type_name()});
  }
  Publish(state);
}

Co BufferedTask::HandleInfo(BufferedTaskState& state, Message& message) {
  if (message.Is<InitialStream>()) {
    co_await DoInitialStream(state);
  } else if (message.Is<Flush>()) {
    co_await DoFlush(state);
  } else if (auto* result = message.AsMutable<TaskResult>()) {
    co_await OnTaskResult(state, *result);
  } else if (const auto* down = message.As<DownMessage>()) {
    co_await OnDown(state, *down);
  }
  Publish(state);
}

Co BufferedTask::DoInitialStream(BufferedTaskState& state) {
  absl::StatusOr<TaskHandle> task = co_await StartInitTask(
      *this, state, options_.async_perform_timeout, options_.stats);
  if (task.ok()) {
    state.init_task = task->ref;
  } else {
    runtime().Log(absl::StrCat(
        self().ToString(), " could not start its init task: ", task.status().message()));
  }
  state.flush_timer = SendAfter(self(), Flush{}, state.flush_interval);
}

Co BufferedTask::DoFlush(BufferedTaskState& state) {
  if (!state.current_buffer.empty()) {
    // List.flatten of [newest | ... | oldest], then chunk_every(max_batch_size).
    Batch batch;
    for (auto list = state.current_buffer.rbegin(); list != state.current_buffer.rend();
         ++list) {
      for (Entry& entry : *list) {
        batch.push_back(std::move(entry));
        if (static_cast<int>(batch.size()) == state.max_batch_size) {
          PushBack(state, std::move(batch), 0);
          batch = Batch();
        }
      }
    }
    if (!batch.empty()) PushBack(state, std::move(batch), 0);
    std::vector<Batch>().swap(state.current_buffer);
  }
  co_await SpawnNextBatch(state);
  state.flush_timer = SendAfter(self(), Flush{}, state.flush_interval);
}

Co BufferedTask::OnTaskResult(BufferedTaskState& state, TaskResult& result) {
  if (result.ref == state.init_task) co_return;  // the init task's :ok
  auto it = state.tasks.find(result.ref.value);
  if (it == state.tasks.end()) co_return;
  PendingBatch done = std::move(it->second);
  state.tasks.erase(it);
  RunResult* run = result.value.AsMutable<RunResult>();
  co_await SpawnNextBatch(state);
  if (run == nullptr || run->kind == RunResult::Kind::kOk) {
    options_.stats->batches_done.fetch_add(1, std::memory_order_relaxed);
    options_.stats->entries_done.fetch_add(static_cast<int64_t>(done.batch.size()),
                                           std::memory_order_relaxed);
  } else {
    options_.stats->batches_retried.fetch_add(1, std::memory_order_relaxed);
    Batch again = run->kind == RunResult::Kind::kRetry ? std::move(done.batch)
                                                       : std::move(run->entries);
    PushBack(state, std::move(again), done.retries + 1);
  }
}

Co BufferedTask::OnDown(BufferedTaskState& state, const DownMessage& down) {
  if (down.ref == state.init_task) {
    if (down.reason.normal()) {
      state.init_complete = true;
      options_.stats->init_complete.store(true);
    }
    co_return;
  }
  if (down.reason.normal()) co_return;  // its result came first
  auto it = state.tasks.find(down.ref.value);
  if (it == state.tasks.end()) co_return;
  PendingBatch failed = std::move(it->second);
  state.tasks.erase(it);
  runtime().Log(absl::StrCat("task ", down.pid.ToString(), " for a batch of ",
                             failed.batch.size(), " crashed: ", down.reason.text()));
  options_.stats->batches_retried.fetch_add(1, std::memory_order_relaxed);
  PushBack(state, std::move(failed.batch), failed.retries + 1);
  co_await SpawnNextBatch(state);
}

Co BufferedTask::SpawnNextBatch(BufferedTaskState& state) {
  if (static_cast<int>(state.tasks.size()) >= state.max_concurrency ||
      state.buffer.empty()) {
    co_return;
  }
  SetCurrentFunction("Indexer.BufferedTask.spawn_next_batch/1");
  FetcherStats& stats = *options_.stats;
  const PendingBatch& next = state.buffer.front();
  SpawnRecord record;
  if (stats.measure) {
    record = {BatchKey(next.batch), next.retries, QueueCopyBytes(state.buffer), 0};
    record.start_send_bytes = -static_cast<int64_t>(runtime().Info(self())->bytes_out);
  }
  int64_t t0 = MonotonicNowNs();
  absl::StatusOr<TaskHandle> task = co_await StartBatchTask(
      *this, state, next.batch, next.retries, options_.spawn_mode);
  RaiseMax(stats.slowest_spawn_ns, MonotonicNowNs() - t0);
  if (!task.ok()) {  // no task supervisor now: the batch stays queued
    runtime().Log(absl::StrCat(self().ToString(),
                               " could not start a task: ", task.status().message()));
    co_return;
  }
  if (stats.measure) {
    record.start_send_bytes += static_cast<int64_t>(runtime().Info(self())->bytes_out);
    stats.AddSpawn(record);
  }
  stats.spawned.fetch_add(1, std::memory_order_relaxed);
  state.tasks.emplace(task->ref.value, std::move(state.buffer.front()));
  state.buffer.pop_front();
}

void BufferedTask::PushBack(BufferedTaskState& state, Batch batch, int retries) const {
  state.buffer.push_back(PendingBatch{std::move(batch), retries});
}

void BufferedTask::Publish(const BufferedTaskState& state) const {
  options_.stats->queue_batches.store(static_cast<int64_t>(state.buffer.size()),
                                      std::memory_order_relaxed);
  options_.stats->tasks_in_flight.store(static_cast<int64_t>(state.tasks.size()),
                                        std::memory_order_relaxed);
}

Async<absl::Status> CallBuffer(Process& self, std::string server, Batch entries,
                               absl::Duration timeout) {
  // Requests are named locals in this code: GCC 12 destroys a braced
  // aggregate temporary inside a co_await expression twice.
  Buffer request{std::move(entries)};
  absl::StatusOr<Message> reply =
      co_await self.Call(self.runtime().Whereis(server), request, timeout);
  if (!reply.ok()) co_return reply.status();
  co_return absl::OkStatus();
}

}  // namespace overseer::indexer
